"""The ModelReport every model reader returns, and its findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# dangerous: loading reaches a callable that can run code, processes, imports or file writes;
# inconclusive: something was not fully modelled (the reasons say what); safe: every stream and member was
# fully analysed and every callable it reaches is on the allow-list.
VERDICTS = ("dangerous", "inconclusive", "safe")
# Verdicts older analysers stored; read back as inconclusive (none of them proved the file harmless).
LEGACY_VERDICTS = {"unknown-globals": "inconclusive", "malformed": "inconclusive", "unread": "inconclusive",
                   "unknown": "inconclusive"}


def normalise_verdict(verdict: str | None) -> str:
    """One of VERDICTS for any stored value (older analysers' names map to inconclusive)."""
    if verdict in VERDICTS:
        return verdict
    return LEGACY_VERDICTS.get(verdict or "unknown", "inconclusive")


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
    verdict: str = "inconclusive"  # set by the scanner once the analysis is over; never safe by default
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    reasons: list[str] = field(default_factory=list)  # why the verdict is what it is (always one at least)

    def add(self, kind: str, severity: str, message: str, where: str = "") -> None:
        self.findings.append(Finding(kind, severity, message, where))

    def inconclusive(self, reason: str, where: str = "", kind: str = "incomplete", severity: str = "medium") -> None:
        """Record that part of the file was not fully analysed (a finding and a reason); it can no longer be safe."""
        text = f"{reason} [{where}]" if where else reason
        if text not in self.reasons:
            self.reasons.append(text)
        self.add(kind, severity, reason, where)

    @property
    def is_model(self) -> bool:
        return self.format != "unknown"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["findings"] = [f.to_dict() for f in self.findings]
        return d
