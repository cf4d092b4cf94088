"""CI facts for GitHub Actions, GitLab, CircleCI, Azure Pipelines and Jenkins, and update bots."""

from __future__ import annotations

import pytest

from mlaudit.scanners.ci import ci_facts, step_kinds

GITHUB = """\
name: ml
on:
  push:
    branches: [main]
    paths: ["data/**", "dvc.lock"]
  pull_request:
  schedule:
    - cron: "0 4 * * *"
  workflow_dispatch:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Lint
        run: ruff check .
      - name: Tests
        run: pytest -q
      - name: Train
        run: dvc repro
      - name: Ship
        run: docker push ghcr.io/x/model:latest
"""


@pytest.mark.parametrize("text, kinds", [
    ("pytest -q tests", ["tests"]), ("python train.py", ["training"]), ("python evaluate.py", ["evaluation"]),
    ("great_expectations checkpoint run", ["data_checks"]), ("kubectl apply -f k8s/", ["deploy"]),
    ("ruff check . && mypy src", ["lint"]), ("echo hello", []), ("actions/deploy-pages@v4", []),
    ("mkdocs gh-deploy --force", []),
])
def test_step_kinds(text: str, kinds: list[str]) -> None:
    """Step commands are classified by what they run."""
    assert step_kinds(text) == kinds


def test_github_actions_jobs_triggers_and_steps(tree_of) -> None:
    """Triggers (push, paths, PR, cron, dispatch) and per-step kinds with line numbers are read."""
    facts = ci_facts(tree_of({".github/workflows/ml.yml": GITHUB}))
    assert [(t["kind"], t["line"]) for t in facts["triggers"]] == [
        ("push", 3), ("paths", 5), ("pull_request", 6), ("schedule", 8), ("manual", 9)]
    [job] = facts["jobs"]
    assert job["kinds"] == ["deploy", "lint", "tests", "training"]
    assert [(s["line"], s["kinds"]) for s in job["steps"]] == [(14, []), (16, ["lint"]), (18, ["tests"]),
                                                              (20, ["training"]), (22, ["deploy"])]


def test_github_tag_trigger_and_string_on(tree_of) -> None:
    """``on: push`` as a string and tag-only pushes are recognised."""
    facts = ci_facts(tree_of({
        ".github/workflows/a.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n",
        ".github/workflows/b.yaml": "on:\n  push:\n    tags: ['v*']\njobs:\n  d:\n    steps:\n      - run: helm upgrade x\n",
    }))
    assert [(t["path"], t["kind"]) for t in facts["triggers"]] == [(".github/workflows/a.yml", "push"), (".github/workflows/b.yaml", "tag")]


def test_other_ci_systems(tree_of) -> None:
    """GitLab, CircleCI, Azure and Jenkins definitions give jobs, schedules and step kinds."""
    facts = ci_facts(tree_of({
        ".gitlab-ci.yml": "stages: [test]\ntest:\n  script:\n    - pytest\n  rules:\n    - if: $CI_PIPELINE_SOURCE == 'schedule'\n",
        ".circleci/config.yml": "version: 2.1\njobs:\n  train:\n    steps:\n      - run: python train.py\nworkflows:\n  nightly:\n"
                                "    triggers:\n      - schedule:\n          cron: '0 0 * * *'\n    jobs: [train]\n",
        "azure-pipelines.yml": "trigger: [main]\nschedules:\n  - cron: '0 1 * * 0'\nsteps:\n  - script: python evaluate.py\n",
        "Jenkinsfile": "pipeline {\n  triggers { cron('H 2 * * *') }\n  stages {\n    stage('Test') { steps { sh 'pytest' } }\n  }\n}\n",
    }))
    assert {f["system"] for f in facts["files"]} == {"gitlab", "circleci", "azure", "jenkins"}
    schedules = sorted((t["system"], t["detail"]) for t in facts["triggers"] if t["kind"] == "schedule")
    assert schedules == [("azure", "0 1 * * 0"), ("circleci", "0 0 * * *"), ("gitlab", "pipeline schedule (cron set in GitLab)"),
                         ("jenkins", "H 2 * * *")]
    kinds = {j["system"]: j["kinds"] for j in facts["jobs"]}
    assert kinds == {"gitlab": ["tests"], "circleci": ["training"], "azure": ["evaluation"], "jenkins": ["tests"]}


def test_update_bots_and_broken_yaml(tree_of) -> None:
    """dependabot and renovate configs are listed; an invalid workflow is an error, not an exception."""
    facts = ci_facts(tree_of({".github/dependabot.yml": "version: 2\n", "renovate.json": "{}",
                              ".github/workflows/bad.yml": "on: [push\n", ".github/workflows/list.yml": "- a\n"}))
    assert [b["tool"] for b in facts["dep_updates"]] == ["dependabot", "renovate"]
    assert [e["path"] for e in facts["errors"]] == [".github/workflows/bad.yml", ".github/workflows/list.yml"]


@pytest.mark.parametrize("text", [
    "on: 5\njobs: [1, 2]\n", "on: [push]\njobs:\n  a: 3\n  b:\n    steps: build\n", "on:\n  schedule: daily\njobs: {}\n",
])
def test_odd_but_valid_yaml_never_raises(tree_of, text: str) -> None:
    """Workflows with unexpected shapes are read as far as possible, never raising."""
    facts = ci_facts(tree_of({".github/workflows/odd.yml": text, ".circleci/config.yml": "workflows: [1]\njobs: 2\n",
                              "azure-pipelines.yml": "schedules: nightly\n"}))
    assert {f["system"] for f in facts["files"]} == {"github", "circleci", "azure"}


def test_repeated_commands_get_their_own_lines(tree_of) -> None:
    """Two jobs running the same command point at their own lines (from the YAML node tree)."""
    text = ("on: push\njobs:\n  a:\n    steps:\n      - run: pytest\n  b:\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - name: again\n        run: pytest\n")
    facts = ci_facts(tree_of({".github/workflows/x.yml": text}))
    assert [[s["line"] for s in j["steps"]] for j in facts["jobs"]] == [[5], [8, 10]]
