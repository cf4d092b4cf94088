"""SARIF 2.1.0: every sample project validates against the official schema; fingerprints survive rescans."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from mlaudit.sample_projects.gitrepo import GitRepo
from mlaudit.sample_projects.registry import RECIPES

from mlaudit.audit import audit
from mlaudit.checks import all_checks
from mlaudit.cli import cli
from mlaudit.core.config import AuditConfig
from mlaudit.report import build_report, render
from mlaudit.report.sarif import FINGERPRINT_KEY, fingerprint, sarif_dict
from tests.report.conftest import Audited

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_CANDIDATES = [PROJECT_ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json",
                     PROJECT_ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"]

LEAKY = ("import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n"
         "from sklearn.model_selection import train_test_split\n"
         "from sklearn.linear_model import LogisticRegression\n\n"
         "df = pd.read_csv('data/train.csv')\n"
         "X = StandardScaler().fit_transform(df[['x']])\n"
         "X_train, X_test, y_train, y_test = train_test_split(X, df['y'], test_size=0.2, random_state=0)\n"
         "LogisticRegression().fit(X_train, y_train).score(X_test, y_test)\n")


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The official SARIF 2.1.0 schema from ../shared (beside the project root, in CI and in worktrees)."""
    for candidate in SCHEMA_CANDIDATES:
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    pytest.skip(f"the SARIF schema is absent: looked for {', '.join(str(c) for c in SCHEMA_CANDIDATES)}")


def _validate(log: dict, schema: dict) -> None:
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)


def _sarif(root: Path, db: Path) -> dict:
    audit(root, db, config=AuditConfig())
    return sarif_dict(build_report(db, root, config=AuditConfig()))


def _prints(log: dict, rule: str) -> set[str]:
    return {r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"] if r["ruleId"] == rule}


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_sample_sarif_validates(name: str, sample_repo, sarif_schema: dict, tmp_path: Path) -> None:
    """Each sample's SARIF is schema-valid, has one rule per check and a located result per failing evidence site."""
    root = sample_repo(name)
    log = json.loads(render(build_report(_audit(root, tmp_path), root, config=AuditConfig()), "sarif"))
    _validate(log, sarif_schema)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(all_checks())
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        if rule.get("helpUri", "").startswith("file:"):  # the bundled check page, when the docs are installed
            assert Path(rule["helpUri"].removeprefix("file://")).is_file(), rule["helpUri"]
    assert run["properties"]["thresholds"]["repro.pinned_share"] == 0.9
    assert run["results"], "every sample project has findings"
    for res in run["results"]:
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        for loc in res.get("locations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert not uri.startswith("/") and ".." not in uri.split("/")
    located = [loc["physicalLocation"]["artifactLocation"]["uri"] for res in run["results"] for loc in res.get("locations", [])]
    assert any((root / uri).is_file() for uri in located), "some findings point at files of the working tree"
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(prints) == len(set(prints))


def _audit(root: Path, tmp_path: Path) -> Path:
    db = tmp_path / "audit.sqlite"
    audit(root, db, config=AuditConfig())
    return db


def test_notebook_cell_is_a_location_property(sample_repo, tmp_path: Path) -> None:
    """A finding in a notebook carries its cell (and line in the cell) as properties, never a made-up file line."""
    root = sample_repo("notebook_prototype")
    log = sarif_dict(build_report(_audit(root, tmp_path), root, config=AuditConfig()))
    cells = [loc for r in log["runs"][0]["results"] for loc in r.get("locations", [])
             if loc["physicalLocation"]["artifactLocation"]["uri"].endswith(".ipynb")]
    assert cells and all("region" not in c["physicalLocation"] and "cell" in c["properties"] for c in cells)
    assert all(c["message"]["text"].startswith("cell ") for c in cells)


def test_every_result_has_a_file_location(sample_repo, tmp_path: Path) -> None:
    """Code scanning rejects a whole file when one result has no location: repository-level findings are anchored."""
    root = sample_repo("small_service")
    results = sarif_dict(build_report(_audit(root, tmp_path), root, config=AuditConfig()))["runs"][0]["results"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
    repo_level = [r for r in results if r["properties"].get("repositoryLevel")]
    assert repo_level and all((root / r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).is_file()
                              for r in repo_level)


def test_fingerprints_stable_across_rescans_and_line_moves(make_repo, tmp_path: Path) -> None:
    """Same fingerprints after a rescan and after lines move within the file; new ones when the code moves file."""
    csv = "x,y\n" + "".join(f"{i % 7},{i % 2}\n" for i in range(30))
    repo: GitRepo = make_repo()
    repo.commit("leaky", {"train.py": LEAKY, "data/train.csv": csv, "requirements.txt": "pandas==2.2.0\n"})
    db = tmp_path / "store.sqlite"
    first = _prints(_sarif(repo.root, db), "LEAK-CODE-PREPROCESS")
    assert first, "the leaky script is a LEAK-CODE-PREPROCESS finding"
    assert _prints(_sarif(repo.root, db), "LEAK-CODE-PREPROCESS") == first
    repo.commit("a header", {"train.py": '"""Train the model."""\n# more lines above the finding\n\n' + LEAKY})
    moved_lines = _sarif(repo.root, db)
    assert _prints(moved_lines, "LEAK-CODE-PREPROCESS") == first
    lines = [loc["physicalLocation"]["region"]["startLine"] for r in moved_lines["runs"][0]["results"]
             if r["ruleId"] == "LEAK-CODE-PREPROCESS" for loc in r["locations"]]
    assert min(lines) > 3, "the reported line moved with the code"
    repo.commit("move", {"src/train_model.py": LEAKY}, remove=["train.py"])
    moved_file = _prints(_sarif(repo.root, db), "LEAK-CODE-PREPROCESS")
    assert moved_file and moved_file.isdisjoint(first)


def test_fingerprint_ignores_numbers_not_paths() -> None:
    """Line numbers in the context do not change the hash; the path and the check do."""
    assert fingerprint("C", "a.py", "fit at line 3") == fingerprint("C", "a.py", "fit  at LINE 12")
    assert fingerprint("C", "a.py", "x") != fingerprint("C", "b.py", "x") != fingerprint("D", "a.py", "x")


def test_output_suffix_infers_sarif(audited: Audited, tmp_path: Path) -> None:
    """``-o audit.sarif`` writes SARIF without --format."""
    out = tmp_path / "audit.sarif"
    res = CliRunner().invoke(cli, ["report", str(audited.root), "--db", str(audited.db), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(("remote", "expected"), [
    ("https://ci-bot:s3cr3t-token@example.com/team/churn.git", "https://example.com/team/churn.git"),
    ("git@example.com:team/churn.git", "ssh://example.com/team/churn.git"),
    ("/srv/git/churn.git", None),
])
def test_version_control_provenance(make_repo, tmp_path: Path, sarif_schema: dict, remote: str, expected: str | None) -> None:
    """The origin remote (read with GitPython, credentials stripped) and the commit go into versionControlProvenance."""
    repo: GitRepo = make_repo()
    head = repo.commit("c", {"train.py": LEAKY, "data/train.csv": "x,y\n1,0\n2,1\n"})
    repo.git("remote", "add", "origin", remote)
    log = _sarif(repo.root, tmp_path / "s.sqlite")
    _validate(log, sarif_schema)
    vcs = log["runs"][0].get("versionControlProvenance")
    if expected is None:
        assert vcs is None
    else:
        assert vcs == [{"repositoryUri": expected, "revisionId": head, "branch": "main"}]
    assert "s3cr3t" not in json.dumps(log)
