"""A small real repository, audited once per session and shared by the report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.core.config import AuditConfig
from mlaudit.report import Report, build_report

TRAIN = "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\ndf = pd.read_csv('data/train.csv')\n" \
        "model = LogisticRegression(C=1.0).fit(df[['x']], df['y'])\n"

RELEASE = ("name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-22.04\n    steps:\n"
           "      - uses: actions/checkout@v4\n      - run: docker build -t ghcr.io/example/api:latest .\n"
           "      - run: docker push ghcr.io/example/api:latest\n")


def build_small_repo(root: Path, rows: int = 40) -> GitRepo:
    """A repo with three tagged releases; the last one adds a Dockerfile, an API and a CI job pushing the image."""
    repo = GitRepo(root)
    csv = "x,y\n" + "".join(f"{i % 17},{i % 2}\n" for i in range(rows))
    repo.commit("prototype", {"train.py": TRAIN, "data/train.csv": csv, "requirements.txt": "pandas\nscikit-learn\n"})
    repo.tag("v0.1")
    repo.commit("pin deps", {"requirements.txt": "pandas==2.2.0\nscikit-learn==1.4.0\n"})
    repo.tag("v0.2")
    repo.commit("serve", {"Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n", "app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
                          ".github/workflows/release.yml": RELEASE})
    repo.tag("v1.0", annotated=True)
    return repo


@dataclass
class Audited:
    root: Path
    db: Path
    report: Report


@pytest.fixture(scope="session")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Audited:
    """The small repo, scanned and checked once, with its report model."""
    base = tmp_path_factory.mktemp("audited")
    repo = build_small_repo(base / "repo")
    db = base / "store" / "audit.sqlite"
    audit(repo.root, db, config=AuditConfig())
    return Audited(repo.root, db, build_report(db, repo.root, config=AuditConfig()))
