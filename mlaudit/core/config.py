"""Audit configuration: thresholds, path-role rules and reader limits, persisted as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "mlaudit"


@dataclass(slots=True, frozen=True)
class ThresholdSpec:
    """A documented, configurable threshold."""

    name: str
    default: float
    help: str


THRESHOLDS: dict[str, ThresholdSpec] = {}


def define_threshold(name: str, default: float, help: str) -> str:
    """Declare a threshold once (at import time of the module that uses it) and return its name."""
    THRESHOLDS.setdefault(name, ThresholdSpec(name, default, help))
    return name


define_threshold("repro.pinned_share", 0.9, "Share of runtime dependencies that must be exactly pinned for REPRO-DEPS-PINNED to pass.")
define_threshold("repro.binary_bytes", 10 * 1024 * 1024, "Size in bytes above which a binary committed to git without LFS/DVC is reported by REPRO-BINARIES.")
define_threshold("limits.max_file_bytes", 256 * 1024 * 1024, "Largest file mlaudit reads; bigger files are recorded as too large, not read.")
define_threshold("limits.file_seconds", 30, "Time budget in seconds for analysing one file.")
# Reader bounds for hostile input (declared here so every report's provenance lists them, scan or not).
define_threshold("data.sample_rows", 200_000, "Rows kept in each data file's sample; statistics are exact below it.")
define_threshold("data.max_bytes", 4 * 1024 ** 3, "Largest data file profiled; bigger ones are reported as unread.")
define_threshold("data.max_rows", 5_000_000, "Rows profiled per data file; past it the profile covers the first rows and says so (bounded).")
define_threshold("data.max_decompressed", 1024 ** 3, "Most bytes one compressed data file (gzip, bz2, xz, zip) may expand to; more is not profiled.")
define_threshold("data.max_ratio", 200, "Highest decompression ratio accepted for a data file (checked past its first MiB); more is a bomb, not profiled.")
define_threshold("yaml.max_nodes", 1_000_000, "Most YAML nodes a document may expand to through aliases (anchors/merge keys); more is a YAML bomb, not read.")
define_threshold("yaml.max_bytes", 16 * 1024 * 1024, "Largest YAML document parsed; bigger ones are reported, not read.")
define_threshold("tracking.sqlite_rows", 500_000, "Rows read from any one table of an MLflow SQLite backend in the audited repo.")
define_threshold("tracking.sqlite_seconds", 20, "Time budget in seconds for all queries on one MLflow SQLite backend of the audited repo.")


@dataclass(slots=True)
class AuditConfig:
    """User-adjustable settings applied to the next scan and scoring."""

    thresholds: dict[str, float] = field(default_factory=dict)
    path_rules: list[tuple[str, str]] = field(default_factory=list)  # extra (glob, role) rules, tried first

    def threshold(self, name: str) -> float:
        """The configured value of a threshold, or its documented default."""
        if name in self.thresholds:
            return float(self.thresholds[name])
        spec = THRESHOLDS.get(name)
        if spec is None:
            raise KeyError(f"unknown threshold {name!r}")
        return spec.default

    def effective_thresholds(self) -> dict[str, float]:
        """Every known threshold with the value in force (for report provenance)."""
        return {name: self.threshold(name) for name in sorted(THRESHOLDS)}

    def to_json(self) -> dict[str, Any]:
        return {"thresholds": dict(self.thresholds), "path_rules": [list(r) for r in self.path_rules]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditConfig:
        rules = [(str(p), str(r)) for p, r in data.get("path_rules", [])]
        return cls(thresholds={str(k): float(v) for k, v in data.get("thresholds", {}).items()}, path_rules=rules)


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "config.json"


def load_config(path: Path | None = None) -> AuditConfig:
    """Read the persisted configuration; a missing or unreadable file gives the defaults."""
    path = path or default_config_path()
    try:
        return AuditConfig.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return AuditConfig()


def save_config(config: AuditConfig, path: Path | None = None) -> Path:
    path = path or default_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config.to_json(), indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path
