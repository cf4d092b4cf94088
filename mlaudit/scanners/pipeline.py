"""Pipeline facts: DVC stages, MLproject entry points, Makefile targets, orchestrators, params files.

Provider ``pipeline`` returns::

    steps:         [{source, path, line, name, cmd, kinds}]  source: dvc | mlproject | make; kinds as in ci.step_kinds
    dvc:           {stages: int, lock: path|None, tracked: [{path, dvc_file}], params: ["file:key"],
                    models: [{path, stage, md5, deps: [{path, md5}], params, metrics, artifact, dvc_yaml, lock}]}
                   models: stage outs that are models, from dvc.yaml + dvc.lock alone (content may be absent),
                           and model outs of .dvc files (stage ".dvc file": hashed, no deps or params)
    orchestrators: [{tool, path, line, schedule, trains}]  airflow, prefect, kubeflow, zenml, metaflow, dagster,
                                       kedro, flyte, luigi; schedule = the cron/interval text found in the file or None
    schedules:     [{path, line, kind, detail, trains}]  Kubernetes CronJob / Argo CronWorkflow definitions
    params_files:  [path]                                  params.yaml, configs/, an MLproject declaring parameters
    errors:        [{path, error}]
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import Any

import yaml

from mlaudit.core.tree import TreeSource
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.ci import step_kinds
from mlaudit.scanners.dvc import parse_dot_dvc, parse_dvc_yaml, parse_params
from mlaudit.scanners.dvc_declared import declared_models, is_model_path, tracked_model
from mlaudit.scanners.facts import fact_provider

PARAMS_PATTERNS = ("params.yaml", "params.yml", "params.json", "params.toml", "*.params.yaml", "hparams.yaml",
                   "hyperparameters.*", "conf/*.yaml", "config/*.yaml", "configs/*.yaml", "configs/*/*.yaml",
                   "conf/*/*.yaml", "config.yaml", "config.yml", "train_config.*", "*_config.yaml")
ORCHESTRATORS = {"airflow": "airflow", "prefect": "prefect", "kfp": "kubeflow", "zenml": "zenml", "metaflow": "metaflow",
                 "dagster": "dagster", "kedro": "kedro", "flytekit": "flyte", "luigi": "luigi"}
_ORCH_IMPORT = re.compile(r"^\s*(?:from|import)\s+(" + "|".join(ORCHESTRATORS) + r")\b", re.MULTILINE)
_PY_SCHEDULE = re.compile(r"\b(schedule_interval|schedule|cron|CronSchedule|IntervalSchedule|interval)\s*[=(]\s*([^,)\n]*)")
_K8S_CRON = re.compile(r"^kind:\s*(CronJob|CronWorkflow)\b", re.MULTILINE)
_K8S_SCHEDULE = re.compile(r"^\s*schedules?:\s*['\"]?([^'\"\n]+)", re.MULTILINE)
_TRAINS = re.compile(r"train|fit\(|dvc\s+repro", re.IGNORECASE)
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_./-]*)\s*:(?!=)([^\n]*)$", re.MULTILINE)
NOT_PARAMS_DIRS = (".github/", ".circleci/", "k8s/", "monitoring/", ".dvc/", "mlruns/", "helm/", "deploy/")


def _line(text: str, needle: str) -> int | None:
    idx = text.find(needle)
    return None if idx < 0 else text.count("\n", 0, idx) + 1


def make_targets(path: str, text: str) -> list[dict[str, Any]]:
    """Targets of a Makefile with their recipe lines."""
    steps, lines = [], text.splitlines()
    for m in _MAKE_TARGET.finditer(text):
        name = m.group(1)
        if name.startswith(".") or "%" in name:
            continue
        start = text.count("\n", 0, m.start()) + 1
        recipe = []
        for ln in lines[start:]:
            if not ln.startswith("\t"):
                break
            recipe.append(ln.strip())
        cmd = " && ".join(recipe)
        steps.append({"source": "make", "path": path, "line": start, "name": name, "cmd": cmd,
                      "kinds": step_kinds(f"{name}\n{m.group(2)}\n{cmd}")})
    return steps


def is_params_path(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if path.startswith(NOT_PARAMS_DIRS):
        return False
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in PARAMS_PATTERNS)


@fact_provider("pipeline")
def pipeline_facts(tree: TreeSource) -> dict[str, Any]:
    """Declared pipelines of one tree and the params files they (may) read."""
    data: dict[str, Any] = {"steps": [], "dvc": {"stages": 0, "lock": None, "tracked": [], "params": [], "models": []},
                            "orchestrators": [], "schedules": [], "params_files": [], "errors": []}

    def read(path: str) -> str | None:
        try:
            return tree.read_text(path, 4 * 1024 * 1024)
        except Exception as exc:  # noqa: BLE001 - unreadable files are recorded, never raised
            data["errors"].append({"path": path, "error": f"unreadable: {exc}"})
            return None

    text: str | None
    for entry in tree.files():
        path, name = entry.path, entry.path.rsplit("/", 1)[-1]
        if path.startswith(("mlruns/", "node_modules/")) or "/site-packages/" in path:
            continue
        if name in ("dvc.yaml", "dvc.yml"):
            text = read(path) or ""
            stages = parse_dvc_yaml(text)
            if stages.error:
                data["errors"].append({"path": path, "error": stages.error})
            base = path[: -len(name)]
            for st in stages:
                data["steps"].append({"source": "dvc", "path": path, "line": _line(text, f"{st.name.split('@')[0]}:"),
                                      "name": st.name, "cmd": st.cmd, "kinds": step_kinds(f"{st.name}\n{st.cmd}"),
                                      "deps": st.deps, "outs": [base + o for o in st.outs]})
                data["dvc"]["params"].extend(st.params)
            data["dvc"]["stages"] += len(stages)
            lock_path = base + "dvc.lock"
            lock_text = read(lock_path) if tree.exists(lock_path) else None
            data["dvc"]["models"].extend(declared_models(path, text, lock_text))
        elif name == "dvc.lock":
            data["dvc"]["lock"] = path
        elif name.endswith(".dvc") and not path.startswith(".dvc/"):
            text = read(path)
            outs = parse_dot_dvc(text, path) if text is not None else []
            data["dvc"]["tracked"].extend({"path": o.path, "dvc_file": path} for o in outs if o.kind == "out")
            data["dvc"]["models"].extend(tracked_model(path, posixpath.normpath(o.path), o.md5) for o in outs
                                         if o.kind == "out" and is_model_path(o.path))
        elif name == "MLproject":
            text = read(path) or ""
            try:
                doc = load_yaml(text) or {}
            except yaml.YAMLError as exc:
                data["errors"].append({"path": path, "error": f"invalid YAML: {str(exc).splitlines()[0]}"})
                continue
            entry_points = doc.get("entry_points") if isinstance(doc, dict) else None
            for ep, spec in (entry_points if isinstance(entry_points, dict) else {}).items():
                cmd = str((spec or {}).get("command", "")) if isinstance(spec, dict) else ""
                data["steps"].append({"source": "mlproject", "path": path, "line": _line(text, f"{ep}:"), "name": str(ep),
                                      "cmd": cmd, "kinds": step_kinds(f"{ep}\n{cmd}")})
                if isinstance(spec, dict) and spec.get("parameters") and path not in data["params_files"]:
                    data["params_files"].append(path)  # declared, typed parameters passed to the entry point
        elif name in ("Makefile", "makefile", "GNUmakefile"):
            data["steps"].extend(make_targets(path, read(path) or ""))
        elif path.endswith(".py") and entry.size < 1024 * 1024:
            text = read(path) or ""
            m = _ORCH_IMPORT.search(text)
            if m:
                sched = _PY_SCHEDULE.search(text)
                data["orchestrators"].append({"tool": ORCHESTRATORS[m.group(1)], "path": path,
                                              "line": text.count("\n", 0, m.start()) + 1,
                                              "schedule": sched.group(2).strip() if sched and sched.group(2).strip() not in ("None", "") else None,
                                              "trains": bool(_TRAINS.search(text))})
        elif path.endswith((".yaml", ".yml")) and entry.size < 1024 * 1024 and not path.startswith((".github/", ".circleci/", "mlruns/", ".dvc/")):
            text = read(path) or ""
            kind = _K8S_CRON.search(text)
            if kind:
                sched = _K8S_SCHEDULE.search(text)
                data["schedules"].append({"path": path, "line": text.count("\n", 0, kind.start()) + 1, "kind": kind.group(1),
                                          "detail": sched.group(1).strip() if sched else "", "trains": bool(_TRAINS.search(text))})
        if is_params_path(path):
            text = read(path)
            if text is not None and not parse_params(text, name.rsplit(".", 1)[-1]).error:
                data["params_files"].append(path)
    return data
