"""The ModelReport every model reader returns, and its findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

VERDICTS = ("dangerous", "unknown-globals", "safe", "malformed", "unread")


@dataclass(slots=True)
class Finding:
    """Something noteworthy in a model file: kind, severity (critical/high/medium/low/info), message, where."""

    kind: str
    severity: str
    message: str
    where: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True, kw_only=True)
class ModelAnalysis:
    """What a model file's content reveals (globals it imports, estimator, versions, parameters, features)."""

    globals: list[str] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    estimator: str | None = None
    library_versions: dict[str, str] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    features: list[str] | None = None
    n_features: int | None = None
    classes: list[Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ModelReport(ModelAnalysis):
    """What static analysis learned about one model file (nothing was loaded or executed)."""

    format: str = "unknown"
    size: int = 0
    sha256: str = ""
    verdict: str = "safe"
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def add(self, kind: str, severity: str, message: str, where: str = "") -> None:
        self.findings.append(Finding(kind, severity, message, where))

    @property
    def is_model(self) -> bool:
        return self.format != "unknown"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["findings"] = [f.to_dict() for f in self.findings]
        return d
