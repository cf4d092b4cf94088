"""The leakage checks and ``mlaudit leakage`` end to end on real git repos and a real store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import scan
from mlaudit.audit.leakage import leakage
from mlaudit.cli import cli
from tests.leakage.corpus_eval import CORPUS
from tests.snapshot import tree_snapshot

LEAKY = (CORPUS / "pre_basic.py").read_text()
CORRECT = (CORPUS / "neg_fit_train_transform_both.py").read_text()


def csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Commit 1: correct code and a clean time split; commit 2: a leaky script, copied rows, a bad notebook."""
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({
        "user_id": np.arange(n), "date": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "x": rng.normal(size=n).round(6), "y": rng.integers(0, 2, n),
    })
    train, test = df.iloc[:300], df.iloc[300:]
    r = GitRepo(tmp_path_factory.mktemp("leak") / "repo")
    r.commit("clean", {"data/train.csv": csv(train), "data/test.csv": csv(test), "src/train.py": CORRECT})
    leaky_test = pd.concat([test.iloc[:90], train.iloc[:10]])  # 10 of 100 test rows copied from training
    r.commit("leaky", {
        "data/test.csv": csv(leaky_test), "src/leaky.py": LEAKY, "legacy/old.py": 'print "hi"\n',
        "notebooks/explore.ipynb": json.dumps({"cells": [
            {"cell_type": "code", "source": "import pandas as pd", "metadata": {}, "outputs": []},
            {"cell_type": "code", "source": "model.fit(X_test, y_test", "metadata": {}, "outputs": []}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
    })
    return r


@pytest.fixture(scope="module")
def report(repo: GitRepo, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("db") / "s.sqlite"
    return db, leakage(repo.root, db)


def statuses(rep) -> dict[str, str]:
    return {r.check_id: str(r.status) for r in rep.results}


def test_head_findings_and_statuses(report) -> None:
    """At HEAD: code leak in src/leaky.py; 10% of test rows copied (with their users and old dates)."""
    _, rep = report
    st = statuses(rep)
    assert st["LEAK-CODE-PREPROCESS"] == "fail" and st["LEAK-OVERLAP"] == "fail"
    assert st["LEAK-TEMPORAL"] == st["LEAK-ENTITY"] == "fail"  # copied rows carry their user ids and old dates
    # No pass on what was not seen: the broken cell (it fits on test data, so it could hold a leak) was skipped, so
    # the code checks that found nothing in the parsed code are unknown and say that they pass on the part analysed.
    for check_id in ("LEAK-CODE-OVERSAMPLE", "LEAK-CODE-MULTITEST", "LEAK-CODE-TEST-STATS"):
        r = next(r for r in rep.results if r.check_id == check_id)
        assert str(r.status) == "unknown" and "reads pass" in r.message and r.coverage.skipped_total >= 1
    overlap = next(r for r in rep.results if r.check_id == "LEAK-OVERLAP")
    assert overlap.value == pytest.approx(0.1)
    code = [f for f in rep.findings if f.check_id == "LEAK-CODE-PREPROCESS"]
    assert [(f.path, f.line) for f in code] == [("src/leaky.py", 9)]
    assert any(e["detail"].startswith("split:") and e["line"] == 10 for e in code[0].evidence)


def test_data_checks_measure_every_commit_that_changed_the_pair(repo: GitRepo, report) -> None:
    """Overlap evidence lists the pair at each earlier commit that changed it (HEAD's content is the verdict itself)."""
    db, rep = report
    overlap = next(r for r in rep.results if r.check_id == "LEAK-OVERLAP")
    past = [(e.commit, e.detail.split(": ", 2)[-1]) for e in overlap.evidence if e.detail.startswith("history:")]
    head, first = repo.git("rev-parse", "HEAD"), repo.git("rev-list", "--max-parents=0", "HEAD")
    assert past == [(first, "0 of 100 test rows (0.0%) copied from training")]
    at_first = leakage(repo.root, db, rev=first)
    overlap = next(r for r in at_first.results if r.check_id == "LEAK-OVERLAP")
    assert not [e for e in overlap.evidence if e.detail.startswith("history:")]  # later commits are not history of it
    assert head != first


def test_unreadable_sources_are_listed_with_reasons(report) -> None:
    """The Python 2 file (read through the tolerant parse) and the notebook's broken cell are recorded with reasons."""
    _, rep = report
    reasons = {u["path"]: u["reason"] for u in rep.unreadable}
    assert reasons["legacy/old.py"] == "analysed in part: Python 2 syntax rewritten"
    assert "cell 1: syntax error" in reasons["notebooks/explore.ipynb"]


def test_an_older_revision_is_judged_from_git_objects(repo: GitRepo, report) -> None:
    """--rev of the first commit: no leaky script, no overlap, time-ordered split."""
    db, _ = report
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    st = statuses(leakage(repo.root, db, rev=first))
    assert st["LEAK-CODE-PREPROCESS"] == "pass" and st["LEAK-OVERLAP"] == "pass"
    assert st["LEAK-TEMPORAL"] == "pass" and st["LEAK-ENTITY"] == "pass"


def test_rescan_reuses_cached_analyses(repo: GitRepo, report, tmp_path: Path) -> None:
    """A second scan analyses no file again; an edited file is the only one analysed."""
    db, _ = report
    assert scan(repo.root, db).counts["leakage_analysed"] == 0
    (repo.root / "src" / "extra.py").write_text("x = 1\n")
    try:
        assert scan(repo.root, db).counts["leakage_analysed"] == 1
    finally:
        (repo.root / "src" / "extra.py").unlink()


def test_cli_json_lists_findings(repo: GitRepo, report) -> None:
    """``mlaudit leakage --json`` prints findings with check id, severity, path, line, cell, message, evidence."""
    db, _ = report
    out = CliRunner().invoke(cli, ["leakage", str(repo.root), "--db", str(db), "--json"], catch_exceptions=False)
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    ids = sorted({f["check_id"] for f in data["findings"]})
    assert ids == ["LEAK-CODE-PREPROCESS", "LEAK-ENTITY", "LEAK-OVERLAP", "LEAK-TEMPORAL"]
    assert set(data["findings"][0]) == {"check_id", "severity", "path", "line", "cell", "message", "evidence"}


def test_cli_listing_and_help(repo: GitRepo, report) -> None:
    """The readable listing names the file and line; the help ends with an example."""
    db, _ = report
    out = CliRunner().invoke(cli, ["leakage", str(repo.root), "--db", str(db)], catch_exceptions=False)
    assert "src/leaky.py line 9" in out.stdout
    helptext = CliRunner().invoke(cli, ["leakage", "--help"]).stdout
    assert "Example:" in helptext and "mlaudit leakage" in helptext


def test_leakage_never_writes_into_the_repo(repo: GitRepo, tmp_path: Path) -> None:
    """The audited repo is byte-identical after a leakage run."""
    before = tree_snapshot(repo.root)
    leakage(repo.root, tmp_path / "other.sqlite")
    assert tree_snapshot(repo.root) == before


def test_notebook_prototype_finds_exactly_the_planted_leaks(sample_repo, tmp_path: Path) -> None:
    """Preprocessing before split, overlap, shared customers, random split of dated rows, target proxy: and nothing else."""
    rep = leakage(sample_repo("notebook_prototype"), tmp_path / "np.sqlite")
    assert sorted({f.check_id for f in rep.findings}) == [
        "LEAK-CODE-PREPROCESS", "LEAK-ENTITY", "LEAK-OVERLAP", "LEAK-TARGET", "LEAK-TEMPORAL"]
    (code,) = [f for f in rep.findings if f.check_id == "LEAK-CODE-PREPROCESS"]
    assert code.path == "notebooks/train.ipynb" and code.cell is not None
    assert any(e["detail"].startswith("cross-check: confirmed") for e in code.evidence)
    target = next(f for f in rep.findings if f.check_id == "LEAK-TARGET")
    assert "refund_issued" in target.message


def test_pair_found_from_the_files_code_reads(make_repo, tmp_path: Path) -> None:
    """Files named without train/test words are paired because a script reads them into train/test variables."""
    df = pd.DataFrame({"order_id": range(40), "v": range(40)})
    repo = make_repo()
    repo.commit("pair", {
        "data/2023.csv": csv(df.iloc[:30]), "data/2024.csv": csv(pd.concat([df.iloc[30:], df.iloc[:2]])),
        "fit.py": "import pandas as pd\ntrain_df = pd.read_csv('data/2023.csv')\nholdout = pd.read_csv('data/2024.csv')\n",
    })
    rep = leakage(repo.root, tmp_path / "s.sqlite")
    overlap = next(r for r in rep.results if r.check_id == "LEAK-OVERLAP")
    assert overlap.status == "fail" and overlap.value == pytest.approx(2 / 12, abs=1e-6)
    assert "read as train/test by fit.py" in overlap.evidence[0].detail


def test_results_of_one_repo_never_leak_into_another(make_repo, tmp_path: Path) -> None:
    """Regression: two fresh stores (both scan 1, both working trees) audited in turn get their own analyses."""
    leaky, clean = make_repo("leaky"), make_repo("clean")
    leaky.commit("leak", {"a.py": LEAKY})
    clean.commit("ok", {"a.py": CORRECT})
    first = statuses(leakage(leaky.root, tmp_path / "1.sqlite"))
    second = statuses(leakage(clean.root, tmp_path / "2.sqlite"))
    assert (first["LEAK-CODE-PREPROCESS"], second["LEAK-CODE-PREPROCESS"]) == ("fail", "pass")


def test_pair_only_in_the_dvc_cache_is_measured_from_the_store(make_repo, tmp_path: Path) -> None:
    """Splits tracked by DVC (not checked out) are paired by the data scan; overlap comes from stored row hashes."""
    import hashlib

    df = pd.DataFrame({"customer_id": range(50), "v": [i * 1.5 for i in range(50)]})
    parts = {"train": csv(df.iloc[:40]), "test": csv(pd.concat([df.iloc[40:], df.iloc[:5]]))}  # 5 of 15 copied
    repo = make_repo()
    files = {".dvc/config": "", ".dvc/.gitignore": "/cache\n", "data/.gitignore": "/train.csv\n/test.csv\n"}
    for name, text in parts.items():
        md5 = hashlib.md5(text.encode()).hexdigest()
        files[f"data/{name}.csv.dvc"] = f"outs:\n- md5: {md5}\n  size: {len(text)}\n  hash: md5\n  path: {name}.csv\n"
        cache = repo.root / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(text)
    repo.commit("dvc-tracked splits", files)
    rep = leakage(repo.root, tmp_path / "s.sqlite")
    overlap = next(r for r in rep.results if r.check_id == "LEAK-OVERLAP")
    assert overlap.value == pytest.approx(5 / 15, abs=1e-6)
    assert "data store" in overlap.evidence[0].detail and "row hashes" in overlap.evidence[0].detail
    entity = next(r for r in rep.results if r.check_id == "LEAK-ENTITY")
    assert entity.value == pytest.approx(5 / 15, abs=1e-6)


def test_findings_group_evidence_and_skip_clean_pairs() -> None:
    """A code finding carries its fit/split/cross-check lines; a data pair that measured nothing is not a finding."""
    from mlaudit.checks.base import CheckResult, Evidence, Severity, Status
    from mlaudit.checks.leakage.findings import leak_findings

    code = CheckResult("LEAK-CODE-PREPROCESS", Status.FAIL, severity=Severity.HIGH, area="leakage", evidence=[
        Evidence("Scaler fitted before the split.", path="a.py", line=3), Evidence("split: tts(X)", path="a.py", line=4),
        Evidence("cross-check: confirmed", path="d.csv")])
    data = CheckResult("LEAK-OVERLAP", Status.WARN, severity=Severity.MEDIUM, area="leakage", message="Up to 1%.", evidence=[
        Evidence("a vs b: 0 of 10", path="b.csv", value={"copied": 0}), Evidence("c vs d: 1 of 100", path="d.csv", value={"copied": 1}),
        Evidence("history: at abc: 0 copied", path="d.csv", commit="abc")])
    found = leak_findings([code, data])
    assert [(f.check_id, f.path, f.line, len(f.evidence)) for f in found] == [
        ("LEAK-CODE-PREPROCESS", "a.py", 3, 3), ("LEAK-OVERLAP", "d.csv", None, 3)]


def test_preprocessing_finding_shows_the_measured_effect(make_repo, tmp_path: Path) -> None:
    """A scaler fitted before a 20% split on data in the repo: the evidence gives the shift and its impact."""
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"temp": rng.normal(20, 5, 500).round(4), "y": rng.integers(0, 2, 500)})
    repo = make_repo()
    repo.commit("leak", {"data/rides.csv": csv(df), "train.py": (
        "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n"
        "from sklearn.model_selection import train_test_split\n"
        "df = pd.read_csv('data/rides.csv')\ndf[['temp']] = StandardScaler().fit_transform(df[['temp']])\n"
        "a, b = train_test_split(df, test_size=0.2)\n")})
    rep = leakage(repo.root, tmp_path / "s.sqlite")
    result = next(r for r in rep.results if r.check_id == "LEAK-CODE-PREPROCESS")
    effect = next(e for e in result.evidence if isinstance(e.value, dict) and "shift" in e.value)
    assert effect.value["test_share"] == 0.2 and effect.value["column"] == "temp"
    assert effect.value["impact"] in ("low", "medium", "high") and 0 < effect.value["shift"] < 1
    assert "20% of them test rows" in effect.detail and "impact" in result.message
