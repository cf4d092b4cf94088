"""What the analysis of one file produces: code findings and the file-level flow facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners.leakage.values import Event, Site


@dataclass(slots=True)
class CodeFinding:
    """One code leak: the check, where it shows, a message, the fit (or resample/selection) site and the split site."""

    check_id: str
    site: Site
    message: str
    fit: Site | None = None
    split: Site | None = None
    related: list[Site] = field(default_factory=list)

    def key(self) -> tuple[str, Site]:
        """One finding per fit (or resample) site, however many splits it reaches; otherwise per site."""
        return (self.check_id, self.fit or self.site)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id, "site": self.site.to_dict(), "message": self.message,
            "fit": self.fit.to_dict() if self.fit else None, "split": self.split.to_dict() if self.split else None,
            "related": [s.to_dict() for s in self.related],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CodeFinding:
        opt = lambda x: Site.from_dict(x) if x else None
        return cls(d["check_id"], Site.from_dict(d["site"]), d["message"], opt(d.get("fit")), opt(d.get("split")),
                   [Site.from_dict(s) for s in d.get("related", [])])


@dataclass(slots=True)
class FileFlow:
    """What one file's analysis found: findings, files written with the leaks they carry, files read then split."""

    findings: list[CodeFinding] = field(default_factory=list)
    writes: list[tuple[str, Site, list[Event]]] = field(default_factory=list)
    read_splits: list[tuple[str, Site, Site]] = field(default_factory=list)
    reads: list[tuple[str, Site]] = field(default_factory=list)
    uses_ml: bool = False  # any split, fit or evaluation seen (otherwise the code checks do not apply)
    targets: list[str] = field(default_factory=list)  # target column names seen (y = df["col"], .pop("col"), ...)
    side_reads: list[tuple[str, str]] = field(default_factory=list)  # (train | test, file) read into a split-named variable
