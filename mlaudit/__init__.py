"""mlaudit: an offline auditor for machine-learning repositories."""

from __future__ import annotations

from mlaudit._version import __version__

__all__ = ["__version__"]
