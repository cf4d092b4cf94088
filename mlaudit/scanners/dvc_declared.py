"""Models a DVC pipeline declares, read from dvc.yaml and dvc.lock alone (no DVC cache needed), and models
``dvc add`` tracks in ``.dvc`` files.

A stage out that looks like a model (a model file suffix, a ``models/`` folder, or a dvc.yaml ``artifacts`` entry
of type model) is a model version whose content may be absent: dvc.lock still records its md5, the md5 of every
dependency and the stage's params, and dvc.yaml the metrics files the pipeline writes.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.dvc import parse_dvc_lock, parse_dvc_yaml

MODEL_SUFFIX = re.compile(r"\.(pkl|pickle|joblib|pt|pth|h5|hdf5|keras|onnx|ckpt|safetensors|bin|model|sav|pb|tflite|"
                          r"cbm|ubj|xgb|lgb)$", re.IGNORECASE)
MODEL_DIR = re.compile(r"(^|/)(models?|checkpoints?|artifacts?/models?)/?$", re.IGNORECASE)


def _top_level(text: str) -> tuple[list[str], dict[str, str]]:
    """dvc.yaml's top-level ``metrics`` list and ``artifacts`` of type model (path -> artifact name)."""
    try:
        doc = load_yaml(text)
    except Exception:  # noqa: BLE001 - parse_dvc_yaml reports a broken file
        return [], {}
    if not isinstance(doc, dict):
        return [], {}
    metrics = [str(m) if not isinstance(m, dict) else str(next(iter(m), "")) for m in doc.get("metrics") or []
               if isinstance(m, (str, dict))]
    artifacts = {}
    for name, spec in (doc.get("artifacts") or {}).items() if isinstance(doc.get("artifacts"), dict) else []:
        if isinstance(spec, dict) and spec.get("path") and str(spec.get("type", "")).lower() == "model":
            artifacts[posixpath.normpath(str(spec["path"]))] = str(name)
    return metrics, artifacts


def declared_models(yaml_path: str, yaml_text: str, lock_text: str | None) -> list[dict[str, Any]]:
    """One record per model out: path, stage, md5, deps [{path, md5}], params, metrics, artifact, lock."""
    base = posixpath.dirname(yaml_path)

    def rel(p: str) -> str:
        return posixpath.normpath(posixpath.join(base, p)) if base else posixpath.normpath(p)

    stages = parse_dvc_yaml(yaml_text)
    top_metrics, artifacts = _top_level(yaml_text)
    lock = parse_dvc_lock(lock_text) if lock_text else []
    hashes = {(o.stage, posixpath.normpath(o.path), o.kind): o.md5 for o in lock}
    out = []
    for st in stages:
        for o in st.outs:
            path = posixpath.normpath(posixpath.join(st.wdir, o)) if st.wdir not in (".", "") else posixpath.normpath(o)
            if not (is_model_path(path) or path in artifacts):
                continue
            deps = [{"path": rel(d), "md5": hashes.get((st.name, posixpath.normpath(d), "dep"))} for d in st.deps]
            out.append({"path": rel(path), "stage": st.name, "md5": hashes.get((st.name, path, "out")),
                        "deps": deps, "params": list(st.params),
                        "metrics": [rel(m) for m in st.metrics] + [rel(m) for m in top_metrics],
                        "artifact": artifacts.get(path), "dvc_yaml": yaml_path,
                        "lock": posixpath.join(base, "dvc.lock") if lock_text else None})
    return out


def is_model_path(path: str) -> bool:
    """A DVC out that names a model: a model file suffix or a ``models/``-like folder."""
    return bool(MODEL_SUFFIX.search(path) or MODEL_DIR.search(path))


def tracked_model(dvc_file: str, path: str, md5: str | None) -> dict[str, Any]:
    """A model tracked by a ``.dvc`` file (``dvc add``): hashed, but with no stage, so no code, data or params pinned."""
    return {"path": path, "stage": ".dvc file", "md5": md5, "deps": [], "params": [], "metrics": [], "artifact": None,
            "dvc_yaml": dvc_file, "lock": None}
