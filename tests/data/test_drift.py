"""Drift from the store: compare, schema changes, sampling, the data and drift checks, charts and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.checks.stats.compare import compare, version_steps
from mlaudit.cli import cli
from mlaudit.core.config import AuditConfig
from mlaudit.report.charts.drift import (
    distribution_figure,
    drift_bars_figure,
    drift_timeline_figure,
    schema_timeline_figure,
)
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store

N = 3000


def frame(seed: int, shift: float = 0.0, n: int = N, **extra) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"customer_id": np.arange(n), "age": rng.normal(40 + shift * 10, 10, n).round(1),
                       "income": rng.lognormal(10, 0.5, n).round(2), "plan": rng.choice(["basic", "pro", "team"], n)})
    for k, v in extra.items():
        df[k] = v
    return df


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    """Train/test splits that match, a history where one commit drifts, then a schema change, audited once."""
    root = tmp_path_factory.mktemp("drift")
    repo = GitRepo(root / "repo")
    base = frame(1)
    shas = [repo.commit("data", {"data/train.csv": base.to_csv(index=False),
                                 "data/test.csv": frame(2, n=600).to_csv(index=False)})]
    shas.append(repo.commit("same population", {"data/train.csv": frame(3).to_csv(index=False)}))
    shifted = frame(4, shift=2.0)
    shifted["plan"] = np.where(np.arange(N) % 2, "enterprise", shifted["plan"])
    shas.append(repo.commit("new source", {"data/train.csv": shifted.to_csv(index=False)}))
    changed = shifted.drop(columns=["income"]).assign(age=shifted["age"].astype(str) + "y")
    shas.append(repo.commit("schema change", {"data/train.csv": changed.to_csv(index=False)}))
    dup = pd.concat([base.head(100)] * 3).assign(const=1)
    repo.commit("dirty data", {"data/dirty.csv": dup.to_csv(index=False)})
    db = root / "store.sqlite"
    result = audit(repo.root, db, rev=shas[1])
    head = audit(repo.root, db)
    store = open_store(db, repo_root=repo.root)
    yield repo, store, shas, {r.check_id: r for r in result.results}, {r.check_id: r for r in head.results}, db
    store.close()


def keys(store, path: str) -> list[str]:
    return [v.key for v in dq.data_versions(store, path) if v.commit]


def test_same_population_does_not_drift(project) -> None:
    """Two samples of one population: no column drifts, dataset drift false; identifiers are not tested."""
    _, store, _, _, _, _ = project
    k = keys(store, "data/train.csv")
    report = compare(store, k[0], k[1])
    assert not report.dataset_drift and report.share_drifted == 0.0
    assert {c.name: c.test for c in report.columns} == {"age": "wasserstein", "income": "wasserstein", "plan": "jensenshannon"}
    assert "customer_id" in report.skipped


def test_shift_drifts_with_effect_size_and_psi(project) -> None:
    """A shifted numeric column and a new dominant category drift, with effect size and PSI reported."""
    _, store, _, _, _, _ = project
    k = keys(store, "data/train.csv")
    report = compare(store, k[1], k[2])
    cols = {c.name: c for c in report.columns}
    assert cols["age"].drifted and cols["age"].effect_size > 1 and cols["age"].psi_level == "drift"
    assert cols["plan"].drifted and not cols["income"].drifted
    assert report.dataset_drift and report.share_drifted == pytest.approx(2 / 3)
    assert any(s.kind == "new categories" and s.column == "plan" and s.after == ["enterprise"] for s in report.schema_changes)


def test_schema_changes_reported_apart(project) -> None:
    """Removed and retyped columns are schema changes, not distribution drift."""
    _, store, _, _, _, _ = project
    k = keys(store, "data/train.csv")
    report = compare(store, k[2], k[3])
    kinds = {(s.kind, s.column) for s in report.schema_changes}
    assert ("removed", "income") in kinds and ("retyped", "age") in kinds
    assert "age" in report.skipped and "income" not in [c.name for c in report.columns]


def test_small_reference_uses_hypothesis_tests(project) -> None:
    """References of at most 1000 rows get KS and chi-square; p-values and effect sizes both reported."""
    _, store, _, _, _, _ = project
    test_key = keys(store, "data/test.csv")[0]
    report = compare(store, test_key, keys(store, "data/train.csv")[0], AuditConfig(thresholds={"drift.small_rows": 1000}))
    tests = {c.name: c for c in report.columns}
    assert tests["age"].test == "ks" and tests["plan"].test == "chisquare"
    assert all(c.p_value is not None and c.effect_size >= 0 for c in report.columns)


def test_significant_but_small_is_labelled(tmp_path) -> None:
    """A tiny shift on a large sample is significant by KS but under the Wasserstein threshold."""
    repo = GitRepo(tmp_path / "repo")
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"v": rng.normal(0, 1, 60_000).round(4)})
    b = pd.DataFrame({"v": rng.normal(0.04, 1, 60_000).round(4)})
    repo.commit("a", {"a.csv": a.to_csv(index=False), "b.csv": b.to_csv(index=False)})
    audit(repo.root, tmp_path / "s.db")
    with open_store(tmp_path / "s.db", repo_root=repo.root) as store:
        col = compare(store, keys(store, "a.csv")[0], keys(store, "b.csv")[0]).columns[0]
    assert col.test == "wasserstein" and not col.drifted and col.p_value < 0.05 and col.significant_but_small


def test_sampled_above_the_cap(tmp_path) -> None:
    """Files above data.sample_rows are compared on the stored sample, and every result says so."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("a", {"a.csv": frame(1, n=5000).to_csv(index=False), "b.csv": frame(2, n=5000).to_csv(index=False)})
    config = AuditConfig(thresholds={"data.sample_rows": 1000})
    from mlaudit.audit import scan

    scan(repo.root, tmp_path / "s.db", config=config)
    with open_store(tmp_path / "s.db", repo_root=repo.root) as store:
        prof = dq.profile(store, keys(store, "a.csv")[0])
        assert prof.rows == 5000 and prof.sampled and prof.sample_rows == 1000
        report = compare(store, keys(store, "a.csv")[0], keys(store, "b.csv")[0], config)
    assert report.sampled and all(c.sampled and c.sample_size == (1000, 1000) for c in report.columns)


def test_split_pairs_by_name(project) -> None:
    """train.csv pairs with test.csv as a test split."""
    _, store, _, _, _, _ = project
    pairs = dq.split_pairs(store)
    assert [(p.reference.path, p.current.path, p.kind) for p in pairs] == [("data/train.csv", "data/test.csv", "test")]


def test_checks_at_an_old_commit(project) -> None:
    """At the second commit the splits match and history is stable."""
    _, _, _, old, _, _ = project
    assert old["DRIFT-SPLITS"].status == "pass"
    assert old["DRIFT-HISTORY"].status == "pass"
    assert old["DATA-SCHEMA-CHANGE"].status == "pass"


def test_checks_at_head(project) -> None:
    """At HEAD: history drift names its commit, the schema change warns, dirty data warns."""
    _, _, shas, _, head, _ = project
    hist = head["DRIFT-HISTORY"]
    assert hist.status == "fail" and shas[2][:10] in hist.message
    assert any(e.commit == shas[2] and "age" in e.detail for e in hist.evidence)
    schema = head["DATA-SCHEMA-CHANGE"]
    assert schema.status == "warn" and any(e.commit == shas[3] and "income removed" in e.detail for e in schema.evidence)
    quality = head["DATA-QUALITY"]
    assert quality.status == "warn"
    details = " | ".join(e.detail for e in quality.evidence)
    assert "200 duplicate rows" in details and "column const is constant" in details and "mixes numbers" not in details


def test_charts_are_figures(project) -> None:
    """Every drift chart returns a matplotlib Figure built without pyplot."""
    _, store, _, _, _, _ = project
    k = keys(store, "data/train.csv")
    report = compare(store, k[1], k[2])
    steps = version_steps(store, "data/train.csv")
    figures = [drift_bars_figure(report), drift_timeline_figure("data/train.csv", steps), schema_timeline_figure("data/train.csv", steps),
               distribution_figure("age", dq.sorted_values(store, k[1], "age"), dq.sorted_values(store, k[2], "age")),
               distribution_figure("plan", {"a": 3, "b": 1}, {"a": 1, "c": 2})]
    assert all(isinstance(f, Figure) for f in figures) and len(steps) == 3


def test_cli_data_json(project) -> None:
    """`mlaudit data --json` lists files with versions, commits, hashes, rows, columns and availability."""
    repo, _, shas, _, _, db = project
    out = CliRunner().invoke(cli, ["data", str(repo.root), "--db", str(db), "--json"], catch_exceptions=False)
    assert out.exit_code == 0
    files = {f["path"]: f for f in json.loads(out.stdout)["files"]}
    train = [v for v in files["data/train.csv"]["versions"] if v["commit"]]
    assert [v["commit"] for v in train] == shas[:4]
    assert train[0]["rows"] == N and train[0]["columns"] == 4 and train[0]["availability"] == "available" and train[0]["date"]


def test_cli_drift_json(project) -> None:
    """`mlaudit drift A B --json` prints the documented object."""
    repo, _, shas, _, _, db = project
    out = CliRunner().invoke(cli, ["drift", str(repo.root), f"data/train.csv@{shas[1]}", f"data/train.csv@{shas[2]}",
                                   "--db", str(db), "--json"], catch_exceptions=False)
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert {"reference", "current", "columns", "share_drifted", "dataset_drift", "schema_changes"} <= set(data)
    assert data["reference"]["commit"] == shas[1] and data["dataset_drift"] is True
    assert set(data["columns"][0]) >= {"name", "type", "test", "statistic", "p_value", "effect_size", "threshold", "drifted"}


def test_cli_drift_table(project) -> None:
    """Without --json, a readable table with the verdict."""
    repo, _, _, _, _, db = project
    out = CliRunner().invoke(cli, ["drift", str(repo.root), "data/train.csv", "data/test.csv", "--db", str(db)], catch_exceptions=False)
    assert out.exit_code == 0 and "column" in out.stdout and "columns drift" in out.stdout


@pytest.mark.parametrize("a,b,message", [
    ("data/nope.csv", "data/test.csv", "no data file"),
    ("data/train.csv@nosuchrev", "data/test.csv", "does not exist"),
])
def test_cli_drift_errors_exit_2(project, a: str, b: str, message: str) -> None:
    """Unknown path or revision: one clear line on stderr and exit code 2."""
    repo, _, _, _, _, db = project
    out = CliRunner().invoke(cli, ["drift", str(repo.root), a, b, "--db", str(db)])
    assert out.exit_code == 2 and message in out.stderr and out.stderr.count("error") == 1


@pytest.mark.parametrize("command", ["data", "drift"])
def test_commands_have_help_with_example(command: str) -> None:
    """Each command's help ends with an example."""
    out = CliRunner().invoke(cli, [command, "--help"])
    assert out.exit_code == 0 and "Example:" in out.stdout
