"""The models and tracking phases on real repos: every version in history, sniffed names, MLflow, DVC, incremental."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo
from mlaudit.sample_projects.mlflow_store import Run, Tracking, mlmodel
from sklearn.linear_model import LogisticRegression

from mlaudit.audit import scan
from mlaudit.store import model_queries as q
from mlaudit.store.db import open_store
from tests.models import corpus
from tests.snapshot import tree_snapshot


def _model(c: float) -> LogisticRegression:
    return LogisticRegression(C=c).fit(np.arange(40.0).reshape(20, 2), np.arange(20) % 2)


def _joblib(obj: object, compress: object = 0) -> bytes:
    buf = io.BytesIO()
    joblib.dump(obj, buf, compress=compress)
    return buf.getvalue()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A repo whose history holds hidden and deleted payloads, retrained models, MLflow and DVC data."""
    base = tmp_path_factory.mktemp("phase")
    repo = GitRepo(base / "repo")
    c1 = repo.commit("first model", {
        "models/model.joblib": _joblib(_model(1.0)), "train.py": "print('train')\n",
        "metrics.json": json.dumps({"auc": 0.7}), "params.yaml": "C: 1.0\n", "data/train.csv": "a,b\n1,2\n",
    })
    c2 = repo.commit("helpers", {"weights.bin": corpus.global_call("os", "system", "true"),
                                 "notes.txt": corpus.proto0_call("os", "system", "true")})
    tracking = Tracking(1_700_000_000_000, [Run("a" * 32, "r1", 1_700_000_000_000, c2, {"C": "2.0"}, {"auc": 0.75},
                                                 pickle.dumps(_model(2.0)), mlmodel("a" * 32, 10, "now", "1.5.0", ["x0", "x1"]), 1)],
                        champion=1)
    c3 = repo.commit("retrain, drop helpers", {"models/model.joblib": _joblib(_model(3.0), ("gzip", 3)), "metrics.json": json.dumps({"auc": 0.8}),
                                               "params.yaml": "C: 3.0\n", **tracking.files()}, remove=["weights.bin", "notes.txt"])
    dvc_model = _joblib(_model(4.0))
    md5 = hashlib.md5(dvc_model).hexdigest()
    repo.commit("dvc model", {"dvcmodel.pkl.dvc": f"outs:\n- md5: {md5}\n  size: {len(dvc_model)}\n  path: dvcmodel.pkl\n",
                              ".gitignore": "/dvcmodel.pkl\n/mlflow.db\n"})
    repo.write(f".dvc/cache/files/md5/{md5[:2]}/{md5[2:]}", dvc_model)
    repo.write("mlflow.db", tracking.sqlite_bytes())
    before = tree_snapshot(repo.root)
    store_path = base / "store.sqlite"
    first = scan(repo.root, store_path)
    second = scan(repo.root, store_path)
    return {"repo": repo, "store": open_store(store_path), "first": first, "second": second, "before": before,
            "commits": (c1, c2, c3), "after": tree_snapshot(repo.root)}


def test_every_version_is_recorded(history: dict) -> None:
    """Both versions of the retrained model are in the store with their commits and formats."""
    versions = [v for v in q.model_versions(history["store"], "models/model.joblib") if v.source == "git"]
    assert [v.commit for v in versions] == [history["commits"][0], history["commits"][2]]
    assert [v.hyperparameters["C"] for v in versions] == [1.0, 3.0]
    assert versions[1].format == "joblib" and versions[1].metadata["compression"] == "gzip"


def test_payloads_under_other_names_and_deleted_are_found(history: dict) -> None:
    """A pickle named .bin and a protocol-0 pickle named .txt, both deleted at HEAD, are dangerous in history."""
    store = history["store"]
    for path in ("weights.bin", "notes.txt"):
        versions = q.model_versions(store, path)
        assert {v.status for v in versions} == {"A", "D"}
        assert all(v.verdict == "dangerous" for v in versions), path
    assert "weights.bin" not in {v.path for v in q.list_models(store)}


def test_mlflow_artifacts_and_registry(history: dict) -> None:
    """MLflow artifacts carry their run id; runs, params, metrics and the registry are read from both backends."""
    store = history["store"]
    mlflow = [v for v in q.all_versions(store) if v.source == "mlflow" and v.format == "pickle"]
    assert [v.run_id for v in mlflow] == ["a" * 32]
    assert q.run_params(store, "a" * 32) == {"C": "2.0"} and q.run_metrics(store, "a" * 32) == {"auc": 0.75}
    runs = q.runs(store)
    assert runs[0]["source_commit"] == history["commits"][1]
    stores = {r["store_path"] for r in q.registered_versions(store)}
    assert stores == {"mlruns", "mlflow.db"}
    assert all(r["aliases"] == ["champion"] for r in q.registered_versions(store))


def test_dvc_cached_model(history: dict) -> None:
    """A DVC-tracked model whose content is in the local cache is analysed."""
    dvc = [v for v in q.all_versions(history["store"]) if v.source == "dvc"]
    assert [(v.path, v.hyperparameters.get("C")) for v in dvc] == [("dvcmodel.pkl", 4.0)]


def test_incremental_and_read_only(history: dict) -> None:
    """A second scan analyses no content again, and scanning never writes into the repo."""
    assert history["first"].counts["model_contents_analysed"] >= 5
    assert history["second"].counts["model_contents_analysed"] == 0
    assert history["second"].counts["model_versions"] == 0
    assert history["before"] == history["after"]


def test_lineage_and_tracked_values(history: dict) -> None:
    """A model version links to its commit's data, params and metrics files."""
    store = history["store"]
    c1, _, c3 = history["commits"]
    first = q.version_at(store, "models/model.joblib", c1)
    lin = q.lineage(store, first)
    assert lin.commit == c1 and lin.data == {"data/train.csv": lin.data["data/train.csv"]}
    assert lin.params == {"params.yaml:C": 1.0} and lin.metrics == {"metrics.json:auc": 0.7}
    assert not lin.missing
    assert q.tracked_at(store, c3, "metrics") == {"metrics.json": {"auc": 0.8}}


def test_version_at_walks_ancestry(history: dict) -> None:
    """The version of a path at a commit that did not touch it is the one from its nearest ancestor."""
    store = history["store"]
    c1, c2, _ = history["commits"]
    assert q.version_at(store, "models/model.joblib", c2).commit == c1
    assert q.version_at(store, "models/model.joblib", c2[:8]).commit == c1
    assert q.version_at(store, "weights.bin", "HEAD") is None


def test_worktree_spec_finds_files_on_disk(history: dict) -> None:
    """``path@WORKTREE`` resolves working-tree, MLflow-artifact and DVC-cached copies alike."""
    from mlaudit.report.compare import compare_models

    store = history["store"]
    mlflow_path = next(v.path for v in q.all_versions(store) if v.source == "mlflow" and v.format == "pickle")
    comp = compare_models(store, f"{mlflow_path}@WORKTREE", "dvcmodel.pkl@WORKTREE")
    assert {"field": "hyperparameters.C", "a": 2.0, "b": 4.0} in comp.differences


def test_dvc_experiment_refs(make_repo, tmp_path: Path) -> None:
    """A DVC experiment ref's commit is scanned, and its params and metrics are listed."""
    repo: GitRepo = make_repo()
    repo.commit("base", {"params.yaml": "lr: 0.1\n", "metrics.json": json.dumps({"auc": 0.6})})
    base = repo.git("rev-parse", "HEAD")
    exp = repo.commit("exp", {"params.yaml": "lr: 0.2\n", "metrics.json": json.dumps({"auc": 0.7})})
    repo.git("update-ref", "refs/exps/ab/cdef/exp-1", exp)
    repo.git("reset", "-q", "--hard", base)
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        (found,) = q.dvc_experiments(store)
    assert found["commit"] == exp and found["params"] == {"params.yaml:lr": 0.2}
    assert found["metrics"] == {"metrics.json:auc": 0.7}


def test_pickles_under_text_names_are_found_in_history(tmp_path: Path) -> None:
    """Every blob is sniffed by content: pickles committed as .md / .csv / .py / .toml are analysed (and text is not)."""
    repo = GitRepo(tmp_path / "repo")
    payload = corpus.global_call("os", "system", "true")
    repo.commit("notes", {"docs/notes.md": payload, "data/table.csv": corpus.proto0_call("os", "system", "true"),
                          "src/helper.py": payload, "pyproject.toml": payload, "README.md": "# Title\n\nCopyright (c) 2024\n",
                          "data/real.csv": "Name,Age\nBob,3\n", "train.py": "import os\nclass A:\n    pass\n"})
    repo.commit("remove them", remove=["docs/notes.md", "data/table.csv", "src/helper.py", "pyproject.toml"])
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        found = {v.path: v.verdict for v in q.all_versions(store) if v.status != "D"}
    assert found == {"docs/notes.md": "dangerous", "data/table.csv": "dangerous", "src/helper.py": "dangerous",
                     "pyproject.toml": "dangerous"}


def test_model_over_the_tree_default_cap_is_analysed(tmp_path: Path) -> None:
    """A 65 MiB model in the working tree is analysed under the default models.max_bytes (256 MiB), not reported unread."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("code", {"train.py": "print('train')\n"})
    big = b"\x80\x04\x8e" + (65 << 20).to_bytes(8, "little") + b"\x00" * (65 << 20) + b"0" + corpus.global_call("os", "system", "true")[2:]
    repo.write("models/big.pkl", big)
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        (version,) = [v for v in q.all_versions(store) if v.path == "models/big.pkl"]
    assert version.size == len(big) and version.verdict == "dangerous" and version.error is None


def test_stored_verdicts_of_older_analysers_read_back_as_inconclusive(tmp_path: Path) -> None:
    """A store written before the three verdicts (unknown-globals, malformed, unread) reads back as inconclusive, with a reason."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("model", {"m.pkl": corpus.stack_global_call("acme", "Thing", "x")})
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        store.db.execute("UPDATE model_blobs SET verdict = 'unknown-globals', metadata = '{}', error = NULL")
        (version,) = [v for v in q.all_versions(store) if v.source == "git"]
    assert version.verdict == "inconclusive" and version.reasons == ["analysed by an older mlaudit: rescan"]


def test_compressed_data_is_not_listed_as_a_model(tmp_path: Path) -> None:
    """A gzip CSV is opened (its magic bytes look like a compressed model) but, holding no model, is not listed."""
    import gzip

    repo = GitRepo(tmp_path / "repo")
    repo.commit("data", {"data/train.csv.gz": gzip.compress(b"a,b\n1,2\n" * 100, mtime=0),
                         "models/m.pkl.gz": gzip.compress(pickle.dumps({"w": [1.0]}, protocol=4), mtime=0)})
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        listed = {v.path: v.verdict for v in q.all_versions(store)}
    assert listed == {"models/m.pkl.gz": "safe"}


def test_sniff_answers_of_an_older_mlaudit_are_asked_again(tmp_path: Path) -> None:
    """A blob an older sniffer called 'not a model' (a protocol-0 pickle named .md) is sniffed again after an upgrade."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit("notes", {"notes.md": corpus.proto0_call("os", "system", "true")})
    store_path = tmp_path / "s.sqlite"
    scan(repo.root, store_path)
    with open_store(store_path) as store:  # the store as an older mlaudit left it: the blob cached as not a model
        store.db.execute("DELETE FROM model_versions")
        store.db.execute("DELETE FROM model_blobs")
        store.db.execute("UPDATE sniffed_blobs SET is_model = 0")
        store.db.execute("DELETE FROM sniffed_blobs WHERE blob = 'sniffer-version'")
    scan(repo.root, store_path)
    with open_store(store_path) as store:
        assert {v.path: v.verdict for v in q.all_versions(store) if v.source == "git"} == {"notes.md": "dangerous"}


def test_heads_of_large_blobs_come_through_one_batch_process(tmp_path: Path) -> None:
    """Blobs over 1 MiB are sniffed through the persistent batch process: same process for all, exact heads."""
    import subprocess

    from mlaudit.audit.phase_models import SMALL_BLOB, SNIFF_DRAIN_LIMIT, blob_head
    from mlaudit.core.objects import GitObjects
    from mlaudit.scanners.models.scan import SNIFF_BYTES

    rng = np.random.default_rng(7)
    files = {f"data/part{i}.bin": rng.integers(0, 256, SMALL_BLOB + 1 + i * 300_000, dtype=np.uint8).tobytes()
             for i in range(4)}
    files["data/small.bin"] = b"\x80\x04N."
    repo = GitRepo(tmp_path / "repo")
    repo.commit("blobs", files)
    ids = subprocess.run(["git", "-C", str(repo.root), "rev-parse", *[f"HEAD:{p}" for p in files]],
                         capture_output=True, text=True, check=True).stdout.split()
    assert all(len(d) <= SNIFF_DRAIN_LIMIT for d in files.values())
    with GitObjects(repo.root) as objects:
        heads, pids = [], set()
        for sha in [*ids, *ids]:  # twice: after each drain the process is still in step
            heads.append(blob_head(objects, sha))
            pids.add(objects._proc.pid if objects._proc is not None else None)
    assert heads == [d[:SNIFF_BYTES] for d in files.values()] * 2
    assert len(pids) == 1 and None not in pids


def test_large_payload_under_a_data_name_is_found(tmp_path: Path) -> None:
    """A 1.5 MiB pickle named .bin that calls os.system is dangerous; a 1.5 MiB random .bin next to it is no model."""
    big = b"\x80\x04\x8e" + (3 << 19).to_bytes(8, "little") + b"\x00" * (3 << 19) + b"0" + corpus.global_call("os", "system", "true")[2:]
    noise = np.random.default_rng(3).integers(0, 256, 3 << 19, dtype=np.uint8).tobytes()
    repo = GitRepo(tmp_path / "repo")
    repo.commit("blobs", {"data/cache.bin": big, "data/noise.bin": b"\x80\x02" + noise, "train.py": "print(1)\n"})
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        found = {v.path: v.verdict for v in q.all_versions(store) if v.source == "git"}
    assert found == {"data/cache.bin": "dangerous"}


def test_a_model_whose_blob_is_absent_says_so(tmp_path: Path) -> None:
    """A model blob missing from the clone's objects is inconclusive with 'content absent', never safe or dropped."""
    import subprocess

    repo = GitRepo(tmp_path / "repo")
    repo.commit("model", {"models/m.pkl": pickle.dumps({"w": [1.0]}, protocol=4), "train.py": "print(1)\n"})
    sha = subprocess.run(["git", "-C", str(repo.root), "rev-parse", "HEAD:models/m.pkl"], capture_output=True, text=True,
                         check=True).stdout.strip()
    (repo.root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()  # a loose object: the clone lost it
    (repo.root / "models" / "m.pkl").unlink()
    scan(repo.root, tmp_path / "s.sqlite")
    with open_store(tmp_path / "s.sqlite") as store:
        (version,) = [v for v in q.all_versions(store) if v.source == "git"]
    assert version.verdict == "inconclusive" and version.error.startswith("content absent: git object")


def test_model_unsafe_is_unknown_when_the_only_model_blob_is_absent(tmp_path: Path) -> None:
    """MODEL-UNSAFE reads unknown (not inspected), not warn or pass, when a model's bytes are absent from the clone."""
    import subprocess

    from mlaudit.audit import audit
    from mlaudit.checks.base import Status

    repo = GitRepo(tmp_path / "repo")
    repo.commit("model", {"models/m.pkl": pickle.dumps({"w": [1.0]}, protocol=4), "train.py": "print(1)\n"})
    repo.commit("model 2", {"models/n.pkl": pickle.dumps({"w": [2.0]}, protocol=4)})
    sha = subprocess.run(["git", "-C", str(repo.root), "rev-parse", "HEAD:models/m.pkl"], capture_output=True, text=True,
                         check=True).stdout.strip()
    (repo.root / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    (repo.root / "models" / "m.pkl").unlink()
    results = {r.check_id: r for r in audit(repo.root, tmp_path / "s.sqlite").results}
    unsafe = results["MODEL-UNSAFE"]
    assert unsafe.status == Status.UNKNOWN and "absent" in unsafe.message
    assert unsafe.value["absent"] == 1 and unsafe.value["safe"] >= 1
