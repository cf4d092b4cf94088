"""The check contract: a Check class per file, a CheckResult per run, one registry."""

from __future__ import annotations

import importlib
import json
import pkgutil
import traceback
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from mlaudit.checks.context import CheckContext
    from mlaudit.checks.coverage import Coverage

# area id -> display name, in report order
AREAS: dict[str, str] = {
    "repro": "Reproducibility",
    "data": "Data validation",
    "drift": "Drift",
    "leakage": "Leakage",
    "models": "Models and security",
    "infra": "CI/CD/CT and serving",
    "mon": "Monitoring",
}


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not applicable"
    ERROR = "error"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


@dataclass(slots=True)
class Evidence:
    """One piece of evidence: where (path, line, notebook cell, commit) and what (detail, value)."""

    detail: str
    path: str | None = None
    line: int | None = None
    commit: str | None = None
    cell: int | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(d.get("detail", ""), d.get("path"), d.get("line"), d.get("commit"), d.get("cell"), d.get("value"))


@dataclass(slots=True)
class CheckResult:
    """The outcome of one check: status, ML-Test-Score points, measured value vs threshold, evidence."""

    check_id: str
    status: Status
    points: float = 0.0
    value: Any = None
    threshold: Any = None
    message: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    recommendation: str = ""
    severity: Severity = Severity.MEDIUM
    title: str = ""
    area: str = ""
    coverage: Coverage | None = None  # what the check analysed and skipped (set by run_checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.check_id, "title": self.title, "area": self.area, "status": str(self.status),
            "points": self.points, "value": self.value, "threshold": self.threshold, "message": self.message,
            "severity": str(self.severity), "evidence": [e.to_dict() for e in self.evidence],
            "recommendation": self.recommendation,
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
        }


class Check:
    """Base class: subclasses set the class attributes and implement ``run``."""

    id: ClassVar[str]
    title: ClassVar[str]
    area: ClassVar[str]
    help: ClassVar[str]  # what the check asks and how it decides (shown as tooltip and in docs)
    recommendation: ClassVar[str] = ""
    markers: ClassVar[tuple[str, ...]] = ()  # Sculley et al. markers it evidences
    ml_test_score: ClassVar[tuple[str, ...]] = ()  # ML Test Score test ids it decides, e.g. ("infra-1",)
    severity: ClassVar[Severity] = Severity.MEDIUM  # severity when it fails

    def run(self, ctx: CheckContext) -> CheckResult:
        raise NotImplementedError

    def result(self, status: Status | str, points: float = 0.0, *, value: Any = None, threshold: Any = None,
               message: str = "", evidence: list[Evidence] | None = None, recommendation: str | None = None,
               severity: Severity | None = None) -> CheckResult:
        """Build this check's result; the recommendation defaults to the class's when not passing."""
        status = Status(status)
        rec = recommendation if recommendation is not None else ("" if status == Status.PASS else self.recommendation)
        sev = severity or (self.severity if status in (Status.FAIL, Status.WARN) else Severity.INFO)
        if status == Status.WARN and severity is None and self.severity in (Severity.CRITICAL, Severity.HIGH):
            sev = Severity.MEDIUM
        return CheckResult(self.id, status, points, value, threshold, message, evidence or [], rec, sev, self.title, self.area)


_REGISTRY: dict[str, type[Check]] = {}
_LOADED = False


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to the registry under its id."""
    if cls.area not in AREAS:
        raise ValueError(f"check {cls.id} has unknown area {cls.area!r}")
    existing = _REGISTRY.get(cls.id)
    if existing is not None and existing is not cls and existing.__qualname__ != cls.__qualname__:
        raise ValueError(f"check id {cls.id} registered twice")
    _REGISTRY[cls.id] = cls
    return cls


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    import mlaudit.checks as pkg

    for area in AREAS:
        try:
            sub = importlib.import_module(f"{pkg.__name__}.{area}")
        except ModuleNotFoundError:
            continue
        for mod in pkgutil.iter_modules(sub.__path__):
            importlib.import_module(f"{sub.__name__}.{mod.name}")
    _LOADED = True


def all_checks() -> dict[str, type[Check]]:
    """Every registered check by id (modules under each area are imported on first use)."""
    _load_all()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (list(AREAS).index(kv[1].area), kv[0])))


def run_checks(ctx: CheckContext, ids: list[str] | None = None) -> list[CheckResult]:
    """Run checks; one that raises becomes an ``error`` result and the others go on. Each result gets its
    coverage (what it analysed, what it skipped); a pass or N/A drawn on skipped input becomes unknown."""
    from mlaudit.checks.coverage import attach

    results: list[CheckResult] = []
    checks = all_checks()
    for check_id, cls in checks.items():
        if ids is not None and check_id not in ids:
            continue
        if ctx.progress is not None:
            ctx.progress.update("checks", len(results), len(checks), check_id)
        check = cls()
        try:
            result = check.run(ctx)
            result.title, result.area = cls.title, cls.area
        except Exception as exc:  # noqa: BLE001 - a broken check must not break the audit
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            result = CheckResult(
                check_id, Status.ERROR, 0.0, message=f"the check failed: {tb}",
                recommendation="This is a bug in mlaudit; please report it with the evidence below.",
                severity=Severity.INFO, title=cls.title, area=cls.area,
            )
        results.append(attach(ctx, result))
    return results


def result_row(scan_id: int, rev: str, r: CheckResult, analysis_key: str | None = None) -> dict[str, Any]:
    """A check_results row (``analysis_key``: the mlaudit version + config hash it was computed under)."""
    return {
        "scan_id": scan_id, "rev": rev, "check_id": r.check_id, "area": r.area, "title": r.title,
        "status": str(r.status), "points": r.points, "value": json.dumps(r.value, default=str),
        "threshold": json.dumps(r.threshold, default=str), "message": r.message,
        "recommendation": r.recommendation, "evidence": json.dumps([e.to_dict() for e in r.evidence], default=str),
        "severity": str(r.severity),
        "coverage": json.dumps(r.coverage.to_dict(), default=str) if r.coverage is not None else None,
        "analysis_key": analysis_key,
    }


def result_from_row(row: dict[str, Any]) -> CheckResult:
    from mlaudit.checks.coverage import Coverage

    return CheckResult(
        row["check_id"], Status(row["status"]), row["points"], json.loads(row["value"] or "null"),
        json.loads(row["threshold"] or "null"), row["message"] or "",
        [Evidence.from_dict(e) for e in json.loads(row["evidence"] or "[]")], row["recommendation"] or "",
        Severity(row["severity"] or "info"), row["title"] or "", row["area"] or "",
        Coverage.from_dict(json.loads(row.get("coverage") or "null")),
    )
