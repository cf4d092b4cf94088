"""Models a DVC pipeline declares (dvc.yaml + dvc.lock) whose content is not in the repository: helpers for the
model checks, which would otherwise see no model at all."""

from __future__ import annotations

from typing import Any

from mlaudit.checks.base import Evidence
from mlaudit.checks.context import CheckContext


def declared_models(ctx: CheckContext) -> list[dict[str, Any]]:
    """The pipeline facts' DVC-declared model outs of the judged tree."""
    return list(ctx.facts("pipeline")["dvc"].get("models", []))


def declared_evidence(models: list[dict[str, Any]], detail: str) -> list[Evidence]:
    return [Evidence(f"{m['path']} ({m['stage']} stage): {detail}", path=m["dvc_yaml"], value=m.get("md5")) for m in models[:10]]


def traced(model: dict[str, Any]) -> bool:
    """Code, data and params of the version are pinned: the out and every dependency hashed in dvc.lock."""
    return bool(model.get("md5") and model["deps"] and all(d.get("md5") for d in model["deps"]))
