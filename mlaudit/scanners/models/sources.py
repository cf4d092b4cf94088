"""Where model content lives outside git history: MLflow run artifacts and the local DVC cache (read-only)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlaudit.core.roles import classify_by_rules
from mlaudit.core.safefs import is_regular, read_text_regular
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.data.sources import dvc_cache_file
from mlaudit.scanners.models.scan import SNIFF_BYTES, sniff_format

MAX_WALK = 20_000
ARTIFACT_ROOTS = ("mlruns", "mlartifacts")


def git_blob_id(data: bytes) -> str:
    """The id git would give these bytes; the key of every model content, whatever its source (no copy of ``data``)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


@dataclass(slots=True)
class LocalModel:
    """A model file on disk outside the git history: its display path, file, source and run."""

    path: str
    file: Path
    source: str  # mlflow | dvc
    run_id: str | None = None


def _looks_like_model(path: str, file: Path) -> bool:
    role, _ = classify_by_rules(path)
    if role == "model" or path.endswith("MLmodel"):
        return True
    try:
        with open(file, "rb") as fh:
            return sniff_format(fh.read(SNIFF_BYTES), path) not in (None, "mlmodel")
    except OSError:
        return False


def mlflow_artifacts(root: Path) -> Iterator[LocalModel]:
    """Model files under ``mlruns/<experiment>/<run>/artifacts`` (and ``mlartifacts``), with their run id."""
    seen = 0
    for top in ARTIFACT_ROOTS:
        base = root / top
        if not base.is_dir() or base.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            rel_parts = Path(dirpath).relative_to(root).parts
            if "artifacts" not in rel_parts:
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for fname in filenames:
                seen += 1
                if seen > MAX_WALK:
                    return
                file = Path(dirpath) / fname
                rel = file.relative_to(root).as_posix()
                parts = rel.split("/")
                if "artifacts" not in parts or not is_regular(file):  # no symlinks, FIFOs or devices
                    continue
                run_id = parts[parts.index("artifacts") - 1] if parts.index("artifacts") >= 1 else None
                if _looks_like_model(rel, file):
                    yield LocalModel(rel, file, "mlflow", run_id)


def _dvc_outs(root: Path) -> Iterator[tuple[str, str]]:
    """(output path, md5) pairs from ``*.dvc`` files and ``dvc.lock`` in the working tree."""
    files = [p for p in root.glob("**/*.dvc") if ".dvc" not in p.relative_to(root).parts[:-1]][:MAX_WALK]
    lock = root / "dvc.lock"
    for f in [*files, lock]:
        try:
            doc = load_yaml(read_text_regular(f))  # regular files only (a FIFO or /dev/zero link is never read), capped
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if not isinstance(doc, dict):
            continue
        base = f.parent.relative_to(root)
        outs = list(doc.get("outs") or []) if f != lock else [
            o for st in (doc.get("stages") or {}).values() if isinstance(st, dict) for o in (st.get("outs") or [])]
        for out in outs:
            if isinstance(out, dict) and isinstance(out.get("path"), str) and isinstance(out.get("md5"), str):
                yield (base / out["path"]).as_posix(), out["md5"]


def _cache_file(root: Path, md5: str) -> Path | None:
    """The cache file of ``md5``, resolved inside the repo and regular; None when absent, malformed or pointing outside."""
    try:
        return dvc_cache_file(root, md5)
    except OSError:
        return None


def dvc_cached_models(root: Path) -> Iterator[LocalModel]:
    """DVC-tracked model files whose content is in the local cache (directories expanded)."""
    for path, md5 in _dvc_outs(root):
        cached = _cache_file(root, md5)
        if cached is None:
            continue
        if md5.endswith(".dir"):
            try:
                entries = json.loads(read_text_regular(cached, 64 << 20, follow=True))
            except (OSError, ValueError, RecursionError):
                continue
            for e in entries if isinstance(entries, list) else []:
                if not isinstance(e, dict) or not isinstance(e.get("md5"), str):
                    continue
                sub = f"{path}/{e.get('relpath')}"
                file = _cache_file(root, e["md5"])
                if file is not None and _looks_like_model(sub, file):
                    yield LocalModel(sub, file, "dvc")
        elif _looks_like_model(path, cached):
            yield LocalModel(path, cached, "dvc")
