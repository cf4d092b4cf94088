"""MODEL-LIB-MISMATCH: the library version recorded in a model differs from the version the project pins."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.models._common import MAX_EVIDENCE, evidence, real_models
from mlaudit.store.model_queries import ModelVersion, list_models, version_at

ALIASES = {"sklearn": "scikit-learn", "scikit_learn": "scikit-learn", "tf-keras": "keras"}


def _norm(name: str) -> str:
    name = re.sub(r"[-_.]+", "-", name.strip().lower())
    return ALIASES.get(name, name)


def pinned_versions(deps: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """{package: (exact version, declaring item)} for runtime packages pinned with ==."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for pkg in deps.get("packages", []):
        m = re.match(r"^\s*===?\s*([\w.!+-]+)", str(pkg.get("spec", "")))
        if pkg.get("pin") == "pinned" and m:
            out.setdefault(_norm(str(pkg.get("name", ""))), (m.group(1), pkg))
    return out


def locked_versions(ctx: CheckContext, deps: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """{package: (version, item)} from the lock files the deps facts found (uv.lock, poetry.lock, Pipfile.lock)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for lock in deps.get("locks", []):
        path = lock.get("path", "")
        try:
            text = ctx.tree.read_text(path, 32 * 1024 * 1024)
            if path.endswith((".lock",)) and not path.endswith("Pipfile.lock"):
                for pkg in tomllib.loads(text).get("package", []):
                    if isinstance(pkg, dict) and pkg.get("name") and pkg.get("version"):
                        out.setdefault(_norm(pkg["name"]), (str(pkg["version"]), {"path": path, "line": None}))
            elif path.endswith("Pipfile.lock"):
                for name, spec in (json.loads(text).get("default") or {}).items():
                    if isinstance(spec, dict) and str(spec.get("version", "")).startswith("=="):
                        out.setdefault(_norm(name), (spec["version"][2:], {"path": path, "line": None}))
        except (OSError, ValueError, tomllib.TOMLDecodeError, AttributeError):
            continue
    return out


def _descriptors(ctx: CheckContext, models: list[ModelVersion]) -> list[ModelVersion]:
    """The MLmodel files that describe current model files: in the model's folder or up to three folders above."""
    where = ctx.rev or "WORKTREE"
    out: dict[str, ModelVersion] = {}
    for v in models:
        parts = v.path.split("/")[:-1]
        for depth in range(len(parts), max(len(parts) - 4, -1), -1):
            path = "/".join([*parts[:depth], "MLmodel"])
            if path in out:
                break
            found = version_at(ctx.store, path, where)
            if found is not None and found.library_versions:
                out[path] = found
                break
    return list(out.values())


@register
class LibraryMismatch(Check):
    id = "MODEL-LIB-MISMATCH"
    title = "Model files were saved with the library versions the project pins"
    area = "models"
    help = (
        "Compares the library versions recorded inside each current model (e.g. _sklearn_version, Keras "
        "metadata, and the MLmodel next to an MLflow model's files) with the exact pins in the project's dependency and lock files. A different version fails: "
        "unpickling across versions can break or silently change predictions. No pin, or no recorded version, "
        "is unknown."
    )
    recommendation = "Retrain and save the model with the pinned version, or pin the version the model was saved with."
    markers = ("reproducibility", "dependencies")
    ml_test_score = ("mon-1",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        models = real_models(list_models(ctx.store, ctx.rev))
        if not models:
            return self.result(Status.NOT_APPLICABLE, 0, message="No model file in the project now (HEAD).")
        # An MLflow model's MLmodel records the versions it was logged with (mlflow, sklearn, ...): it speaks for the
        # model files of its folder, though it is not a model file itself.
        current = [v for v in models if v.library_versions] + _descriptors(ctx, models)
        if not current:
            return self.result(Status.UNKNOWN, 0, message="No current model records the library version it was saved with.")
        deps = ctx.facts("deps")
        pins = locked_versions(ctx, deps) | pinned_versions(deps)
        mismatched, matched, unpinned = [], [], set()
        for v in current:
            for lib, saved in v.library_versions.items():
                lib_n = _norm(lib)
                if lib_n not in pins:
                    unpinned.add(lib_n)
                    continue
                pinned, item = pins[lib_n]
                if pinned == saved:
                    matched.append(evidence(v, f"{lib} {saved} matches the pin in {item.get('path')}", saved))
                else:
                    mismatched.append(evidence(v, f"saved with {lib} {saved}, project pins {pinned} ({item.get('path')}:{item.get('line')})",
                                               {"model": saved, "pinned": pinned}))
        if mismatched:
            return self.result(Status.FAIL, 0, value=len(mismatched), threshold=0,
                               message=f"{len(mismatched)} model/library pair(s) differ from the pinned version.",
                               evidence=mismatched[:MAX_EVIDENCE])
        if matched:
            return self.result(Status.PASS, 1, value=0, threshold=0, message="Every pinned library matches the version in the models."
                               + (f" Not pinned, so not compared: {', '.join(sorted(unpinned))}." if unpinned else ""),
                               evidence=matched[:MAX_EVIDENCE] + [Evidence(f"{lib} is not pinned with ==") for lib in sorted(unpinned)][:10])
        return self.result(Status.UNKNOWN, 0, value=sorted(unpinned),
                           message=f"The project pins none of the libraries the models record ({', '.join(sorted(unpinned))}).",
                           evidence=[Evidence(f"{lib} is not pinned with ==") for lib in sorted(unpinned)],
                           recommendation="Pin the libraries your models are saved with (==) so they can be loaded reliably.")
