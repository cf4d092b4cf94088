"""Helpers shared by the model checks (not a check): versions in scope, evidence, pickle formats."""

from __future__ import annotations

from mlaudit.checks.base import Evidence
from mlaudit.store.model_queries import ModelVersion, is_model_content

PICKLE_FORMATS = ("pickle", "joblib", "pytorch", "pytorch-legacy", "torchserve-mar")
DESCRIPTOR_FORMATS = ("mlmodel", "unknown")
MAX_EVIDENCE = 25


def real_models(versions: list[ModelVersion]) -> list[ModelVersion]:
    """Versions whose content confirms a model format (not MLmodel descriptors, archives, compressed text or
    unrecognised bytes; never by name alone), deletions excluded."""
    return [v for v in versions if v.format not in DESCRIPTOR_FORMATS and is_model_content(v)]


def where(v: ModelVersion) -> str:
    return f"{v.path}@{v.commit[:10]}" if v.commit else f"{v.path} ({v.source})"


def evidence(v: ModelVersion, detail: str, value: object = None) -> Evidence:
    """Evidence for one model version: path, commit, blob id in the detail."""
    return Evidence(f"{detail} [blob {v.key[:12]}{', run ' + v.run_id if v.run_id else ''}]", path=v.path,
                    commit=v.commit or None, value=value)
