"""Plain metrics and params files (metrics.json, scores.json, params.yaml, DVC metrics/params) parsed to flat keys."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from mlaudit.core.textparse import load_json
from mlaudit.scanners.dvc import parse_dvc_yaml, parse_params

PARSEABLE = (".json", ".yaml", ".yml", ".toml", ".csv", ".tsv")
MAX_BYTES = 4 * 1024 * 1024


def parse_values(path: str, text: str) -> tuple[dict[str, Any], str | None]:
    """Flat {dotted key: value} of a metrics/params file, and an error message when it could not be read."""
    low = path.lower()
    suffix = low.rsplit(".", 1)[-1] if "." in low else ""
    if suffix in ("csv", "tsv"):
        return _last_csv_row(text, "\t" if suffix == "tsv" else ","), None
    if suffix not in ("json", "yaml", "yml", "toml"):
        return {}, f"unsupported format .{suffix}"
    parsed = parse_params(text, suffix)
    if parsed.error is not None and suffix == "json":  # JSON lines: keep the last record
        lines = [ln for ln in text.splitlines() if ln.strip()]
        try:
            last = load_json(lines[-1]) if lines else None
        except ValueError:
            last = None
        if isinstance(last, dict):
            return dict(parse_params(json.dumps(last), "json")), None
    return dict(parsed), parsed.error


def _last_csv_row(text: str, sep: str) -> dict[str, Any]:
    """The last row of a metrics CSV as {column: value} (a malformed CSV gives {})."""
    last: dict[str, Any] | None = None
    try:
        for row in csv.DictReader(io.StringIO(text), delimiter=sep):
            last = row
    except csv.Error:
        return {}
    return {k: v for k, v in last.items() if k and isinstance(k, str)} if last else {}


def number(value: Any) -> float | None:
    """A metric's numeric value, or None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def dvc_declared(dvc_yaml_text: str) -> dict[str, str]:
    """{path: 'metrics' | 'params'} declared by a dvc.yaml's stages."""
    out: dict[str, str] = {}
    for stage in parse_dvc_yaml(dvc_yaml_text):
        for m in stage.metrics + stage.plots:
            out[m] = "metrics"
        for p in stage.params:
            out[p.split(":", 1)[0] if ":" in p else "params.yaml"] = "params"
    return out
