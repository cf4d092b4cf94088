"""Static model-file analysis: format by content, pickle security verdicts and metadata, without loading.

Public surface: ``scan_model_bytes(data, name) -> ModelReport``, ``sniff_format(head, name)``, ``Limits``.
"""

from mlaudit.scanners.models.limits import Limits
from mlaudit.scanners.models.report import Finding, ModelReport
from mlaudit.scanners.models.scan import scan_model_bytes, sniff_format

ANALYZER_VERSION = 4  # bump when analysis changes so stored reports are recomputed (3: three verdicts with reasons, content sniffing of every file; 4: text that only starts like a pickle is not a model)

__all__ = ["ANALYZER_VERSION", "Finding", "Limits", "ModelReport", "scan_model_bytes", "sniff_format"]
