"""CI facts: GitHub Actions, GitLab CI, CircleCI, Azure Pipelines and Jenkins definitions.

Provider ``ci`` returns::

    files:       [{path, system}]                      system: github | gitlab | circleci | azure | jenkins
    jobs:        [{path, system, name, line, triggers, kinds, steps: [{line, name, run, kinds}]}]
    triggers:    [{path, system, kind, detail, line}]  kind: push | pull_request | tag | schedule | manual |
                                                       paths | external
    dep_updates: [{path, tool, line}]                  dependabot | renovate
    errors:      [{path, error}]

Step kinds: tests, training, evaluation, data_checks, deploy, lint (a step may have several).
Each step also has ``uses`` (a GitHub action, kept next to its ``name``) and ``followed``: the repository files the
step runs (a shell script, a job spec such as ``anyscale jobs submit job.yaml`` and the script its entrypoint
runs), read to FOLLOW_DEPTH levels; their commands count for the step's kinds. A step running pytest on test files
that validate data (Great Expectations, pandera, ...) is a data check.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

import yaml

from mlaudit.core.tree import TreeSource
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.facts import fact_provider

KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "tests": re.compile(r"\bpytest\b|\bunittest\b|\btox\b|\bnox\b|make\s+test|\bpython -m pytest|\btests?/"),
    "training": re.compile(r"\btrain|\bdvc\s+(repro|exp\s+run)|\bmlflow\s+run\b|\bretrain|\bfit\b"),
    "evaluation": re.compile(r"evaluat|model[_ -]?(quality|validation|gate)|\bdvc\s+metrics|\bbenchmark|\bscore\b"),
    "data_checks": re.compile(r"great[_ ]?expectations|\bgx\b|pandera|deepchecks|evidently|\btfdv\b|validate[_ ]?data|"
                              r"data[_ ]?(validation|checks?|quality)|schema|soda\s+scan"),
    "deploy": re.compile(r"deploy|docker\s+push|aws\s+lambda\s+update-function-code|aws\s+ecs\s+update-service|\bkubectl\b|\bhelm\b|rollout|gcloud\s+run|sagemaker|\baz\s+ml\b|"
                         r"twine\s+upload|serverless|heroku|\bbentoml\s+(deploy|push)|mlflow\s+models\s+build"),
    "lint": re.compile(r"\bruff\b|flake8|pylint|\bblack\b|\bmypy\b|\bisort\b|pre-commit"),
}
PUSH_ACTIONS = re.compile(r"ecr-push|push-to-(ecr|gcr|registry)|push-image|docker-push|(^|/)[^/]*deploy[^/]*$")
DEPLOY_FOLDER = re.compile(r"\bdeploy(ments?|s)?/")
DOCS_DEPLOY = re.compile(r"pages|mkdocs|sphinx|\bdocs?\b|readthedocs|storybook")
CI_FILES = {".gitlab-ci.yml": "gitlab", ".circleci/config.yml": "circleci", ".circleci/config.yaml": "circleci",
            "azure-pipelines.yml": "azure", "azure-pipelines.yaml": "azure", ".azure-pipelines.yml": "azure"}
RENOVATE = (".github/renovate.json", ".github/renovate.json5", "renovate.json", "renovate.json5", ".renovaterc",
            ".renovaterc.json", ".gitlab/renovate.json")
DATA_PATH = re.compile(r"(^|/)(data|datasets?)/|\.dvc$|dvc\.lock|\.(csv|parquet)")
COMMAND_KEYS = ("run", "script", "command", "bash", "pwsh", "powershell", "sh", "before_script", "after_script")
FOLLOW_DEPTH = 2  # a step -> a job spec -> the script it runs
FOLLOW_MAX_BYTES = 256 * 1024
FOLLOW_MAX_FILES = 8
SCRIPT_REF = re.compile(r"(?<![\w$/.-])(?:\./)?((?:[\w.-]+/)*[\w.-]+\.(?:sh|bash|ya?ml|cfg|toml))(?![\w/-])")
PYTEST_TARGETS = re.compile(r"\bpytest\b([^\n;&|]*)")
VALIDATION_LIBS = re.compile(r"^\s*(?:import|from)\s+(great_expectations|pandera|deepchecks|evidently|"
                             r"tensorflow_data_validation|soda|whylogs)\b", re.MULTILINE)
GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
                   "after_script", "cache", "pages"}


def step_kinds(text: str) -> list[str]:
    """What a step runs, from its command and name (publishing documentation is not a model deployment)."""
    low = text.lower()
    kinds = [kind for kind, pat in KIND_PATTERNS.items() if pat.search(low)]
    if "deploy" in kinds and (DOCS_DEPLOY.search(low) or not KIND_PATTERNS["deploy"].search(DEPLOY_FOLDER.sub("/", low))):
        kinds.remove("deploy")  # publishing docs, or only a path through a deploy/ folder (deploy/jobs/train.yaml)
    return kinds


def action_deploys(uses: str, with_: dict[str, Any]) -> bool:
    """A GitHub action that delivers: an image pushed (build-push-action with push: true, ECR/GCR push actions) or a
    deploy action (its name says deploy)."""
    name = uses.split("@")[0].lower()
    if not name:
        return False
    if name.endswith("build-push-action"):
        return str(with_.get("push", "")).strip().lower() in ("true", "1", "yes")
    return bool(PUSH_ACTIONS.search(name)) and not DOCS_DEPLOY.search(name)


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
    def __init__(self, tree: TreeSource | None = None) -> None:
        self.tree = tree
        self.data: dict[str, list[dict[str, Any]]] = {k: [] for k in ("files", "jobs", "triggers", "dep_updates", "errors")}

    def _read(self, path: str) -> str | None:
        if self.tree is None or not self.tree.exists(path):
            return None
        try:
            return self.tree.read_text(path, FOLLOW_MAX_BYTES)
        except Exception:  # noqa: BLE001 - a file that cannot be read is simply not followed
            return None

    def follow(self, command: str) -> tuple[list[str], str]:
        """Repository files a command runs (scripts, job specs and what their entrypoints run), and their text."""
        followed: list[str] = []
        texts: list[str] = []
        frontier = [command]
        for _ in range(FOLLOW_DEPTH):
            nxt = []
            for text in frontier:
                for m in SCRIPT_REF.finditer(text):
                    path = posixpath.normpath(m.group(1))
                    if path in followed or path.startswith(("..", "/")) or len(followed) >= FOLLOW_MAX_FILES:
                        continue
                    body = self._read(path)
                    if body is None:
                        continue
                    followed.append(path)
                    texts.append(body)
                    nxt.append(body)
            frontier = nxt
        return followed, "\n".join(texts)

    def validates_data(self, command: str) -> bool:
        """True when the command runs pytest on test files that import a data-validation library."""
        if self.tree is None:
            return False
        for m in PYTEST_TARGETS.finditer(command):
            targets = [t for t in m.group(1).split() if not t.startswith("-") and "$" not in t and "=" not in t]
            for target in targets:
                target = posixpath.normpath(target.rstrip("/"))
                for entry in self.tree.files():
                    inside = entry.path == target or entry.path.startswith(target + "/")
                    if inside and entry.path.endswith(".py") and VALIDATION_LIBS.search(self._read(entry.path) or ""):
                        return True
        return False

    def trigger(self, path: str, system: str, kind: str, detail: str, line: int | None) -> None:
        self.data["triggers"].append({"path": path, "system": system, "kind": kind, "detail": detail, "line": line})

    def job(self, path: str, system: str, name: str, text: str, steps: list[tuple[str, str]],
            lines: list[int] | None = None, actions: list[tuple[str, dict[str, Any]]] | None = None) -> None:
        rows: list[dict[str, Any]] = []
        for i, (step_name, run) in enumerate(steps):
            line = lines[i] if lines and i < len(lines) else _line(text, run or step_name)
            uses, with_ = actions[i] if actions and i < len(actions) else ("", {})
            followed, followed_text = self.follow(run) if run else ([], "")
            kinds = step_kinds(f"{step_name}\n{run}\n{uses}\n{followed_text}")
            if action_deploys(uses, with_) and "deploy" not in kinds:
                kinds.append("deploy")
            if "data_checks" not in kinds and self.validates_data(f"{run}\n{followed_text}"):
                kinds.append("data_checks")
            rows.append({"line": line, "name": step_name, "run": run, "uses": uses, "followed": followed, "kinds": kinds})
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


def _github(f: _Facts, path: str, text: str, doc: dict[Any, Any]) -> None:  # YAML 1.1 reads `on:` as the key True
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
        mappings = [step for step in _list(job.get("steps")) if isinstance(step, dict)]
        steps = [(str(step.get("name") or step.get("uses") or ""), str(step.get("run") or "")) for step in mappings]
        actions: list[tuple[str, dict[str, Any]]] = [
            (str(step.get("uses") or ""), step["with"] if isinstance(step.get("with"), dict) else {}) for step in mappings]
        if job.get("uses"):
            steps.append((str(job["uses"]), ""))
            actions.append((str(job["uses"]), {}))
        f.job(path, "github", str(name), text, steps, step_lines.get(str(name)), actions)


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
    workflows = found if isinstance(found := doc.get("workflows"), dict) else {}
    for wf in workflows.values():
        for trig in _list(wf.get("triggers") if isinstance(wf, dict) else None):
            schedule = trig.get("schedule") if isinstance(trig, dict) else None
            cron = schedule.get("cron") if isinstance(schedule, dict) else None
            if cron:
                scheduled = True
                f.trigger(path, "circleci", "schedule", str(cron), _line(text, str(cron)))
    if not scheduled or len(workflows) > 1:
        f.trigger(path, "circleci", "push", "every push (CircleCI default)", None)
    jobs = found if isinstance(found := doc.get("jobs"), dict) else {}
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
    steps += [("", m.group(2)) for m in re.finditer(r"\b(sh|bat)\s*\(?\s*(?:'''|\"\"\"|'|\")(.+?)(?:'''|\"\"\"|'|\")", text, re.DOTALL)]
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
    f = _Facts(tree)
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
