"""MODEL-PICKLE: models stored as pickles at all (suggest skops, ONNX, safetensors)."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import MAX_EVIDENCE, PICKLE_FORMATS, evidence, real_models
from mlaudit.checks.models._declared import declared_evidence, declared_models
from mlaudit.store.model_queries import list_models


@register
class PickleFormat(Check):
    id = "MODEL-PICKLE"
    title = "Models are stored in a format that cannot run code"
    area = "models"
    help = (
        "Looks at the current version of every model file. Pickle-based formats (pickle, joblib, PyTorch .pt, and any "
        "archive or compressed file holding a pickle, such as a TorchServe .mar or a .pkl.tar.gz) warn: loading one "
        "runs whatever it contains. ONNX, safetensors, skops, GGUF, Keras (without Lambda) pass. A model only declared by a DVC pipeline (content absent) is unknown."
    )
    recommendation = "Save scikit-learn models with skops or ONNX, and tensors with safetensors, so loading cannot run code."
    markers = ("security",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        current = real_models(list_models(ctx.store))
        if not current:
            declared = declared_models(ctx)
            if declared:
                return self.result(Status.UNKNOWN, 0, message=f"{len(declared)} model(s) declared by the DVC pipeline; their "
                                   "content is not in the repository, so the format is not confirmed.",
                                   evidence=declared_evidence(declared, "declared, content absent"))
            return self.result(Status.NOT_APPLICABLE, 0, message="No model files in the working tree or history.")
        pickled = [v for v in current if v.format in PICKLE_FORMATS or (v.metadata or {}).get("pickle_streams")]
        formats = sorted({v.format for v in current})
        if pickled:
            return self.result(Status.WARN, 0.5, value={"pickled": len(pickled), "models": len(current), "formats": formats},
                               message=f"{len(pickled)} of {len(current)} model files are pickle-based ({', '.join(sorted({v.format for v in pickled}))}).",
                               evidence=[evidence(v, f"stored as {v.format}", v.format) for v in pickled[:MAX_EVIDENCE]])
        return self.result(Status.PASS, 1, value={"pickled": 0, "models": len(current), "formats": formats},
                           message=f"No pickle-based model files ({', '.join(formats)}).")
