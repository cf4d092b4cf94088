"""Every version of every data file: git history with renames, DVC cache (2.x and 3.x layouts), LFS, incremental scans."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import scan
from mlaudit.core.errors import MlauditError
from mlaudit.core.repo import open_repo
from mlaudit.store import data_queries as dq
from mlaudit.store.db import open_store
from tests.snapshot import tree_snapshot


def frame(seed: int, n: int = 300, shift: float = 0.0) -> str:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"user_id": np.arange(n), "x": rng.normal(shift, 1, n).round(3),
                         "c": rng.choice(["a", "b", "c"], n)}).to_csv(index=False)


def put_dvc(root: Path, content: bytes, layout: str) -> str:
    """Place ``content`` in the repo's DVC cache (3.x ``files/md5`` or 2.x layout); return its md5."""
    md5 = hashlib.md5(content).hexdigest()
    base = root / ".dvc" / "cache" / ("files/md5" if layout == "3" else "")
    target = base / md5[:2] / md5[2:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return md5


def dot_dvc(path: str, md5: str, size: int) -> str:
    return f"outs:\n- md5: {md5}\n  size: {size}\n  hash: md5\n  path: {path.rsplit('/', 1)[-1]}\n"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory):
    """A repo with git data versions, a rename, DVC-tracked files (cached and missing) and LFS pointers."""
    root = tmp_path_factory.mktemp("versions")
    repo = GitRepo(root / "repo")
    shas = [repo.commit("first data", {"data/train.csv": frame(1), "data/copy.csv": frame(1), ".gitignore": "/data/dvc*.csv\n"})]
    shas.append(repo.commit("new train data", {"data/train.csv": frame(2, shift=1.0)}))
    repo.git("mv", "data/train.csv", "data/train_v2.csv")
    shas.append(repo.commit("rename"))
    v3 = frame(3).encode()
    v2 = frame(4, shift=2.0).encode()
    md5_3 = put_dvc(repo.root, v3, "3")
    md5_2 = put_dvc(repo.root, v2, "2")
    lfs_content = frame(5).encode()
    oid = hashlib.sha256(lfs_content).hexdigest()
    lfs_dir = repo.root / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4]
    lfs_dir.mkdir(parents=True)
    (lfs_dir / oid).write_bytes(lfs_content)
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(lfs_content)}\n"
    missing = f"version https://git-lfs.github.com/spec/v1\noid sha256:{'ab' * 32}\nsize 123\n"
    shas.append(repo.commit("dvc and lfs", {
        "data/dvc3.csv.dvc": dot_dvc("data/dvc3.csv", md5_3, len(v3)), "data/dvc2.csv.dvc": dot_dvc("data/dvc2.csv", md5_2, len(v2)),
        "data/gone.csv.dvc": dot_dvc("data/gone.csv", "cd" * 16, 10), "data/lfs.csv": pointer, "data/lfs_missing.csv": missing}))
    db = root / "store.sqlite"
    before = tree_snapshot(repo.root)
    first = scan(repo.root, db)
    second = scan(repo.root, db)
    store = open_store(db, repo_root=repo.root)
    yield repo, store, shas, (first, second), (before, tree_snapshot(repo.root))
    store.close()


def test_git_versions_in_commit_order(history) -> None:
    """Each committed change of a data file is one version, oldest first, with its commit."""
    _, store, shas, _, _ = history
    versions = [v for v in dq.data_versions(store, "data/train.csv") if v.commit]
    assert [v.commit for v in versions] == shas[:2]
    assert all(v.source == "git" and v.available for v in versions)


def test_rename_is_followed(history) -> None:
    """The renamed file's history includes its versions under the old name."""
    _, store, shas, _, _ = history
    versions = [v for v in dq.data_versions(store, "data/train_v2.csv", follow_renames=True) if v.commit]
    assert [v.commit for v in versions] == shas[:3]


def test_identical_content_is_profiled_once(history) -> None:
    """Two paths with the same bytes share one content key and one profile."""
    _, store, _, _, _ = history
    a = dq.data_versions(store, "data/copy.csv")[0].key
    b = dq.data_versions(store, "data/train.csv")[0].key
    assert a == b
    assert store.db.execute("SELECT COUNT(*) FROM data_profiles WHERE key = ?", [a]).fetchone()[0] == 1


@pytest.mark.parametrize("path", ["data/dvc3.csv", "data/dvc2.csv"])
def test_dvc_versions_read_from_either_cache_layout(history, path: str) -> None:
    """DVC outs are versions keyed by md5 and profiled from the 3.x or 2.x cache layout."""
    _, store, _, _, _ = history
    v = dq.data_versions(store, path)[0]
    assert v.source == "dvc" and v.key.startswith("md5:") and v.available
    assert dq.profile(store, v.key).rows == 300


def test_missing_content_is_recorded_not_dropped(history) -> None:
    """A DVC hash without cache and an LFS pointer without object are versions 'not available locally'."""
    _, store, _, _, _ = history
    gone = dq.data_versions(store, "data/gone.csv")[0]
    assert gone.availability == "not available locally" and gone.key == "md5:" + "cd" * 16
    lfs = next(v for v in dq.data_versions(store, "data/lfs_missing.csv") if v.commit)
    assert lfs.source == "lfs" and lfs.availability == "not available locally" and lfs.key == "sha256:" + "ab" * 32


def test_lfs_object_present_locally_is_profiled(history) -> None:
    """An LFS pointer whose object is in .git/lfs/objects is profiled from the object."""
    _, store, _, _, _ = history
    v = next(v for v in dq.data_versions(store, "data/lfs.csv") if v.commit)
    assert v.source == "lfs" and v.available and dq.profile(store, v.key).rows == 300


def test_second_scan_profiles_nothing_new(history) -> None:
    """Scans are incremental: unchanged content is never profiled twice."""
    _, _, _, (first, second), _ = history
    assert first.counts["data_contents_profiled"] > 0
    assert second.counts["data_contents_profiled"] == 0


def test_scan_never_writes_into_the_repo(history) -> None:
    """The audited repo is byte-for-byte unchanged by scanning."""
    *_, (before, after) = history
    assert before == after


def test_row_hashes_and_sample(history) -> None:
    """Whole-row and identifier-column hashes are stored sorted; the sample is the whole file below the cap."""
    _, store, _, _, _ = history
    key = dq.data_versions(store, "data/copy.csv")[0].key
    rows = dq.row_hashes(store, key)
    assert len(rows) == 300 and np.all(rows[:-1] <= rows[1:])
    assert dq.hashed_columns(store, key) == ["user_id"] and len(np.unique(dq.row_hashes(store, key, "user_id"))) == 300
    sample = dq.sample_frame(store, key)
    assert sample.shape == (300, 3) and list(sample["user_id"][:3]) == [0, 1, 2]


def test_resolve_version_by_rev_and_errors(history) -> None:
    """path@rev picks the version current at that commit; unknown paths and revs are clear errors."""
    repo, store, shas, _, _ = history
    info = open_repo(repo.root)
    assert dq.resolve_version(store, info, f"data/train.csv@{shas[0]}").commit == shas[0]
    assert dq.resolve_version(store, info, "data/train.csv@HEAD~2").commit == shas[1]
    with pytest.raises(MlauditError, match="no data file"):
        dq.resolve_version(store, info, "data/nope.csv")
    with pytest.raises(MlauditError, match="does not exist"):
        dq.resolve_version(store, info, "data/train.csv@no-such-branch")


def test_content_fetched_later_is_profiled(tmp_path: Path) -> None:
    """A DVC version missing from the cache becomes available and profiled once the cache holds it."""
    repo = GitRepo(tmp_path / "repo")
    content = frame(9).encode()
    md5 = hashlib.md5(content).hexdigest()
    repo.commit("track", {"d.csv.dvc": dot_dvc("d.csv", md5, len(content)), ".gitignore": "/d.csv\n"})
    db = tmp_path / "s.db"
    scan(repo.root, db)
    with open_store(db, repo_root=repo.root) as store:
        assert not dq.data_versions(store, "d.csv")[0].available
    put_dvc(repo.root, content, "3")
    assert scan(repo.root, db).counts["data_contents_profiled"] == 1
    with open_store(db, repo_root=repo.root) as store:
        v = dq.data_versions(store, "d.csv")[0]
        assert v.available and dq.profile(store, v.key).rows == 300
