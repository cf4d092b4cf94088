"""CI facts: GitHub Actions, GitLab CI, CircleCI, Azure Pipelines and Jenkins definitions.

Provider ``ci`` returns::

    files:       [{path, system}]                      system: github | gitlab | circleci | azure | jenkins
    jobs:        [{path, system, name, line, triggers, kinds, steps: [{line, name, run, kinds}]}]
    triggers:    [{path, system, kind, detail, line}]  kind: push | pull_request | tag | schedule | manual |
                                                       paths | external
    dep_updates: [{path, tool, line}]                  dependabot | renovate
    errors:      [{path, error}]

Step kinds: tests, training, evaluation, data_checks, deploy, lint (a step may have several).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from mlaudit.core.tree import TreeSource
from mlaudit.scanners.facts import fact_provider
from mlaudit.core.yamlload import load_yaml

KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "tests": re.compile(r"\bpytest\b|\bunittest\b|\btox\b|\bnox\b|make\s+test|\bpython -m pytest|\btests?/"),
    "training": re.compile(r"\btrain|\bdvc\s+(repro|exp\s+run)|\bmlflow\s+run\b|\bretrain|\bfit\b"),
    "evaluation": re.compile(r"evaluat|model[_ -]?(quality|validation|gate)|\bdvc\s+metrics|\bbenchmark|\bscore\b"),
    "data_checks": re.compile(r"great[_ ]?expectations|\bgx\b|pandera|deepchecks|evidently|\btfdv\b|validate[_ ]?data|"
                              r"data[_ ]?(validation|checks?|quality)|schema|soda\s+scan"),
    "deploy": re.compile(r"deploy|docker\s+push|\bkubectl\b|\bhelm\b|rollout|gcloud\s+run|sagemaker|\baz\s+ml\b|"
                         r"twine\s+upload|serverless|heroku|\bbentoml\s+(deploy|push)|mlflow\s+models\s+build"),
    "lint": re.compile(r"\bruff\b|flake8|pylint|\bblack\b|\bmypy\b|\bisort\b|pre-commit"),
}
DOCS_DEPLOY = re.compile(r"pages|mkdocs|sphinx|\bdocs?\b|readthedocs|storybook")
CI_FILES = {".gitlab-ci.yml": "gitlab", ".circleci/config.yml": "circleci", ".circleci/config.yaml": "circleci",
            "azure-pipelines.yml": "azure", "azure-pipelines.yaml": "azure", ".azure-pipelines.yml": "azure"}
RENOVATE = (".github/renovate.json", ".github/renovate.json5", "renovate.json", "renovate.json5", ".renovaterc",
            ".renovaterc.json", ".gitlab/renovate.json")
DATA_PATH = re.compile(r"(^|/)(data|datasets?)/|\.dvc$|dvc\.lock|\.(csv|parquet)")
COMMAND_KEYS = ("run", "script", "command", "bash", "pwsh", "powershell", "sh", "before_script", "after_script")
GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
                   "after_script", "cache", "pages"}


def step_kinds(text: str) -> list[str]:
    """What a step runs, from its command and name (publishing documentation is not a model deployment)."""
    low = text.lower()
    kinds = [kind for kind, pat in KIND_PATTERNS.items() if pat.search(low)]
    if "deploy" in kinds and DOCS_DEPLOY.search(low):
        kinds.remove("deploy")
    return kinds


def _line(text: str, needle: str) -> int | None:
    needle = needle.strip().splitlines()[0] if needle.strip() else ""
    idx = text.find(needle) if needle else -1
    return None if idx < 0 else text.count("\n", 0, idx) + 1


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _commands(node: Any) -> list[str]:
    """Command strings under any run/script/command key of a YAML node."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COMMAND_KEYS and isinstance(value, str):
                out.append(value)
            elif key in COMMAND_KEYS and isinstance(value, list):
                out.extend(v for v in value if isinstance(v, str))
            else:
                out.extend(_commands(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_commands(item))
    return out


class _Facts:
    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {k: [] for k in ("files", "jobs", "triggers", "dep_updates", "errors")}

    def trigger(self, path: str, system: str, kind: str, detail: str, line: int | None) -> None:
        self.data["triggers"].append({"path": path, "system": system, "kind": kind, "detail": detail, "line": line})

    def job(self, path: str, system: str, name: str, text: str, steps: list[tuple[str, str]],
            lines: list[int] | None = None) -> None:
        rows = []
        for i, (step_name, run) in enumerate(steps):
            line = lines[i] if lines and i < len(lines) else _line(text, run or step_name)
            rows.append({"line": line, "name": step_name, "run": run,
                         "kinds": step_kinds(f"{step_name}\n{run}")})
        kinds = sorted({k for r in rows for k in r["kinds"]})
        self.data["jobs"].append({"path": path, "system": system, "name": name, "line": _line(text, f"{name}:"),
                                  "kinds": kinds, "steps": rows})


def _key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def github_step_lines(text: str) -> dict[str, list[int]]:
    """Job name -> 1-based line of each step mapping, from the YAML node tree (exact even for repeated commands)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, list[int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, jobs in root.value:
        if _key(key) != "jobs" or not isinstance(jobs, yaml.MappingNode):
            continue
        for job_key, job in jobs.value:
            for step_key, steps in job.value if isinstance(job, yaml.MappingNode) else []:
                if _key(step_key) == "steps" and isinstance(steps, yaml.SequenceNode):
                    out[_key(job_key)] = [_run_line(step) for step in steps.value if isinstance(step, yaml.MappingNode)]
    return out


def _run_line(step: yaml.MappingNode) -> int:
    """The line of a step's ``run:`` key, or of the step itself."""
    for key, _ in step.value:
        if _key(key) == "run":
            return key.start_mark.line + 1
    return step.start_mark.line + 1


def _github(f: _Facts, path: str, text: str, doc: dict[str, Any]) -> None:
    on = doc.get("on", doc.get(True))
    events = {on: None} if isinstance(on, str) else dict.fromkeys(map(str, on)) if isinstance(on, list) else on
    events = events if isinstance(events, dict) else {}
    for event, spec in events.items():
        line = _line(text, f"{event}:") or _line(text, str(event))
        spec = spec if isinstance(spec, dict) else {}
        if event == "schedule":
            for item in _list(events[event]):
                if isinstance(item, dict) and item.get("cron"):
                    f.trigger(path, "github", "schedule", str(item["cron"]), _line(text, str(item["cron"])))
            continue
        if event in ("push", "pull_request", "pull_request_target"):
            kind = "push" if event == "push" else "pull_request"
            if event == "push" and spec.get("tags") and not spec.get("branches"):
                kind = "tag"
            f.trigger(path, "github", kind, str(event), line)
            paths = spec.get("paths") or []
            if any(DATA_PATH.search(str(p)) for p in paths):
                f.trigger(path, "github", "paths", ", ".join(map(str, paths)), _line(text, "paths:"))
        elif event in ("workflow_dispatch", "workflow_call"):
            f.trigger(path, "github", "manual", str(event), line)
        else:
            f.trigger(path, "github", "external", str(event), line)
    jobs = doc.get("jobs")
    step_lines = github_step_lines(text)
    for name, job in (jobs if isinstance(jobs, dict) else {}).items():
        job = job if isinstance(job, dict) else {}
        steps = [(str(step.get("name") or step.get("uses") or ""), str(step.get("run") or ""))
                 for step in _list(job.get("steps")) if isinstance(step, dict)]
        if job.get("uses"):
            steps.append((str(job["uses"]), ""))
        f.job(path, "github", str(name), text, steps, step_lines.get(str(name)))


def _gitlab(f: _Facts, path: str, text: str, doc: dict[str, Any]) -> None:
    low = text.lower()
    f.trigger(path, "gitlab", "push", "every push (GitLab default)", None)
    if "merge_request" in low:
        f.trigger(path, "gitlab", "pull_request", "merge requests", _line(text, "merge_request"))
    if "schedule" in low:
        f.trigger(path, "gitlab", "schedule", "pipeline schedule (cron set in GitLab)", _line(text, "schedule"))
    for name, job in doc.items():
        if isinstance(job, dict) and name not in GITLAB_RESERVED and not str(name).startswith(".") and "script" in job:
            f.job(path, "gitlab", str(name), text, [(str(name), c) for c in _commands(job)])


def _circleci(f: _Facts, path: str, text: str, doc: dict[str, Any]) -> None:
    scheduled = False
    workflows = doc.get("workflows") if isinstance(doc.get("workflows"), dict) else {}
    for wf in workflows.values():
        for trig in _list(wf.get("triggers") if isinstance(wf, dict) else None):
            schedule = trig.get("schedule") if isinstance(trig, dict) else None
            cron = schedule.get("cron") if isinstance(schedule, dict) else None
            if cron:
                scheduled = True
                f.trigger(path, "circleci", "schedule", str(cron), _line(text, str(cron)))
    if not scheduled or len(workflows) > 1:
        f.trigger(path, "circleci", "push", "every push (CircleCI default)", None)
    jobs = doc.get("jobs") if isinstance(doc.get("jobs"), dict) else {}
    for name, job in jobs.items():
        f.job(path, "circleci", str(name), text, [(str(name), c) for c in _commands(job.get("steps"))] if isinstance(job, dict) else [])


def _azure(f: _Facts, path: str, text: str, doc: dict[str, Any]) -> None:
    if doc.get("trigger") != "none":
        f.trigger(path, "azure", "push", "trigger", _line(text, "trigger:"))
    if doc.get("pr") not in ("none", None) or "pr" not in doc:
        f.trigger(path, "azure", "pull_request", "pr", _line(text, "pr:"))
    for item in _list(doc.get("schedules")):
        if isinstance(item, dict) and item.get("cron"):
            f.trigger(path, "azure", "schedule", str(item["cron"]), _line(text, str(item["cron"])))
    f.job(path, "azure", "pipeline", text, [("", c) for c in _commands({k: v for k, v in doc.items() if k != "schedules"})])


def _jenkins(f: _Facts, path: str, text: str) -> None:
    f.trigger(path, "jenkins", "push", "SCM changes", None)
    for m in re.finditer(r"\bcron\s*\(\s*['\"]([^'\"]+)['\"]", text):
        f.trigger(path, "jenkins", "schedule", m.group(1), _line(text, m.group(0)))
    steps = [(m.group(1), "") for m in re.finditer(r"\bstage\s*\(\s*['\"]([^'\"]+)", text)]
    steps += [("", m.group(2)) for m in re.finditer(r"\b(sh|bat)\s*\(?\s*(?:'''|\"\"\"|'|\")(.+?)(?:'''|\"\"\"|'|\")", text, re.S)]
    f.job(path, "jenkins", "pipeline", text, steps)


def ci_system(path: str) -> str | None:
    """Which CI system a file configures, or None."""
    if path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml")):
        return "github"
    if path in CI_FILES:
        return CI_FILES[path]
    if path.rsplit("/", 1)[-1] == "Jenkinsfile":
        return "jenkins"
    return None


@fact_provider("ci")
def ci_facts(tree: TreeSource) -> dict[str, Any]:
    """CI jobs, their triggers and what their steps run, plus dependency-update bots."""
    f = _Facts()
    for entry in tree.files():
        path = entry.path
        if path in (".github/dependabot.yml", ".github/dependabot.yaml"):
            f.data["dep_updates"].append({"path": path, "tool": "dependabot", "line": 1})
        elif path in RENOVATE:
            f.data["dep_updates"].append({"path": path, "tool": "renovate", "line": 1})
        system = ci_system(path)
        if system is None:
            continue
        try:
            text = tree.read_text(path, 4 * 1024 * 1024)
        except Exception as exc:  # noqa: BLE001 - unreadable files are recorded, never raised
            f.data["errors"].append({"path": path, "error": f"unreadable: {exc}"})
            continue
        f.data["files"].append({"path": path, "system": system})
        if system == "jenkins":
            _jenkins(f, path, text)
            continue
        try:
            doc = load_yaml(text)
        except yaml.YAMLError as exc:
            f.data["errors"].append({"path": path, "error": f"invalid YAML: {str(exc).splitlines()[0]}"})
            continue
        if not isinstance(doc, dict):
            f.data["errors"].append({"path": path, "error": "not a CI definition: the YAML top level is not a mapping"})
            continue
        try:
            {"github": _github, "gitlab": _gitlab, "circleci": _circleci, "azure": _azure}[system](f, path, text, doc)
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            f.data["errors"].append({"path": path, "error": f"unexpected structure: {type(exc).__name__}: {exc}"})
    return f.data
