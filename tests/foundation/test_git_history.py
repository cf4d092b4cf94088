"""Git scanner on real repos with every odd history: empty, shallow, detached, merges, submodules, ..."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mlaudit.audit import scan
from mlaudit.core.repo import open_repo
from mlaudit.core.tree import CommitTreeSource, WorkingTreeSource
from mlaudit.scanners.git_history import blob_sizes, line_counts, looks_binary
from mlaudit.store.db import open_store
from mlaudit.store.history import commits_touching


def rows(store_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with open_store(store_path) as store:
        return [tuple(r) for r in store.db.execute(sql, params or [])]


def changes(store_path: Path, sha: str) -> dict[str, tuple]:
    """path -> (status, old_path, added, deleted, binary, mode) for one commit."""
    got = rows(store_path, "SELECT path, status, old_path, added, deleted, binary, mode FROM file_changes WHERE commit_sha = ?", [sha])
    return {r[0]: r[1:] for r in got}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "1700000000 +0000", "GIT_COMMITTER_DATE": "1700000000 +0000"}
    out = subprocess.run(["git", "-c", "protocol.file.allow=always", *args], cwd=root, env=env, capture_output=True, check=True)
    return out.stdout.decode().strip()


def test_empty_repo_scans_to_nothing(make_repo, store_path: Path) -> None:
    """An empty repository (no commit yet) scans without error to no commits and no refs."""
    repo = make_repo()
    summary = scan(repo.root, store_path)
    assert summary.repo.empty and summary.counts["new_commits"] == 0
    assert rows(store_path, "SELECT COUNT(*) FROM commits") == [(0,)]
    assert rows(store_path, "SELECT COUNT(*) FROM refs") == [(0,)]


def test_plain_folder_is_scanned_as_working_tree(tmp_path: Path, store_path: Path) -> None:
    """A folder that is not a git repo gets its files classified and no history."""
    root = tmp_path / "plain"
    (root / "data").mkdir(parents=True)
    (root / "data" / "train.csv").write_text("a,b\n1,2\n")
    (root / "train.py").write_text("print(1)\n")
    summary = scan(root, store_path)
    assert not summary.repo.is_git and summary.counts["new_commits"] == 0
    assert dict(rows(store_path, "SELECT path, role FROM path_roles")) == {"data/train.csv": "data", "train.py": "code"}


def test_linear_history_with_rename_binary_and_roles(make_repo, store_path: Path) -> None:
    """Commits carry parents, renames with old_path, no line counts or binary flags (unknown, not diffed); line_counts
    computes the counts lazily; commit_roles answers 'which commits changed data'."""
    repo = make_repo()
    c1 = repo.commit("init", {"train.py": "a\nb\n", "data/raw.csv": "x\n1\n", "model.bin": b"\x00\x01\x02" * 100})
    c2 = repo.commit("more data", {"data/raw.csv": "x\n1\n2\n"})
    repo.git("mv", "train.py", "src_train.py")
    c3 = repo.commit("rename")
    c4 = repo.commit("drop binary", remove=["model.bin"])
    scan(repo.root, store_path)
    unknown = (None, None, None, "100644")
    assert changes(store_path, c1) == {"train.py": ("A", None, *unknown), "data/raw.csv": ("A", None, *unknown),
                                       "model.bin": ("A", None, *unknown)}
    assert changes(store_path, c2) == {"data/raw.csv": ("M", None, *unknown)}
    assert changes(store_path, c3) == {"src_train.py": ("R", "train.py", *unknown)}
    assert changes(store_path, c4) == {"model.bin": ("D", None, *unknown)}
    assert line_counts(repo.root, [c1, c2, c3, c4]) == {
        (c1, "train.py"): (2, 0), (c1, "data/raw.csv"): (2, 0), (c1, "model.bin"): (None, None),
        (c2, "data/raw.csv"): (1, 0), (c3, "src_train.py"): (0, 0), (c4, "model.bin"): (None, None),
    }
    assert rows(store_path, "SELECT sha, parents, n_parents FROM commits WHERE sha = ?", [c2]) == [(c2, c1, 1)]
    with open_store(store_path) as store:
        assert commits_touching(store, "data") == [c2, c1]
        data_commits = {r[0] for r in store.db.execute("SELECT commit_sha FROM commit_roles WHERE role = 'data'")}
    assert data_commits == {c1, c2}


def test_blob_sizes_and_binary_rule(make_repo) -> None:
    """blob_sizes reads every blob's size in one pass (missing ids left out); looks_binary is git's NUL-in-8000-bytes rule."""
    repo = make_repo()
    repo.commit("init", {"a.txt": "hello\n", "b.bin": b"\x00" * 10})
    blobs = {p: repo.git("rev-parse", f"HEAD:{p}").strip() for p in ("a.txt", "b.bin")}
    assert blob_sizes(repo.root, [*blobs.values(), "f" * 40]) == {blobs["a.txt"]: 6, blobs["b.bin"]: 10}
    assert looks_binary(b"ab\x00c") and not looks_binary(b"a" * 8000 + b"\x00") and not looks_binary(b"plain,text\n")


def test_merge_files_recorded_against_first_parent(make_repo, store_path: Path) -> None:
    """A merge commit lists what it brought into the first parent, with both parents stored."""
    repo = make_repo()
    base = repo.commit("base", {"a.py": "1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature", {"b.py": "2\n"})
    repo.git("checkout", "-q", "main")
    main2 = repo.commit("main work", {"c.py": "3\n"})
    repo.tick += 1
    repo.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
    merge = repo.git("rev-parse", "HEAD")
    scan(repo.root, store_path)
    parents, n = rows(store_path, "SELECT parents, n_parents FROM commits WHERE sha = ?", [merge])[0]
    assert n == 2 and parents.split()[0] == main2
    assert changes(store_path, merge) == {"b.py": ("A", None, None, None, None, "100644")}
    assert line_counts(repo.root, [merge]) == {(merge, "b.py"): (1, 0)}
    assert rows(store_path, "SELECT COUNT(*) FROM commits") == [(4,)]
    assert base in {r[0] for r in rows(store_path, "SELECT sha FROM commits")}


def test_refs_of_every_kind(make_repo, store_path: Path) -> None:
    """Branches, lightweight and annotated tags (peeled), remotes, DVC experiment refs and HEAD are stored with their kind."""
    repo = make_repo()
    c1 = repo.commit("one", {"a.py": "1\n"})
    c2 = repo.commit("two", {"a.py": "2\n"})
    repo.tag("v1")
    repo.tag("v2", annotated=True)
    repo.git("branch", "dev", c1)
    repo.git("update-ref", "refs/remotes/origin/main", c1)
    repo.git("update-ref", "refs/exps/ab/cdef/exp-1", c1)
    scan(repo.root, store_path)
    got = set(rows(store_path, "SELECT name, kind, target FROM refs"))
    assert got == {
        ("refs/heads/main", "branch", c2), ("refs/heads/dev", "branch", c1), ("refs/tags/v1", "tag", c2),
        ("refs/tags/v2", "tag", c2), ("refs/remotes/origin/main", "remote", c1),
        ("refs/exps/ab/cdef/exp-1", "experiment", c1), ("HEAD", "head", c2),
    }


def test_detached_head(make_repo, store_path: Path) -> None:
    """A detached HEAD is recorded as such; every commit on the branches is still read."""
    repo = make_repo()
    c1 = repo.commit("one", {"a.py": "1\n"})
    repo.commit("two", {"a.py": "2\n"})
    repo.git("checkout", "-q", "--detach", c1)
    summary = scan(repo.root, store_path)
    assert summary.repo.detached and summary.repo.head == c1
    assert rows(store_path, "SELECT target FROM refs WHERE name = 'HEAD'") == [(c1,)]
    assert rows(store_path, "SELECT COUNT(*) FROM commits") == [(2,)]


def test_shallow_clone(make_repo, tmp_path: Path, store_path: Path) -> None:
    """A --depth 2 clone scans its two commits; the cut-off commit is read as a root."""
    repo = make_repo("origin")
    for i in range(4):
        repo.commit(f"c{i}", {"a.py": f"{i}\n", f"f{i}.py": "x\n"})
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.root}", "shallow")
    clone = tmp_path / "shallow"
    summary = scan(clone, store_path)
    assert summary.repo.shallow and summary.counts["new_commits"] == 2
    boundary = git(clone, "rev-list", "--max-parents=0", "HEAD") or git(clone, "rev-parse", "HEAD~1")
    paths = set(changes(store_path, boundary))
    assert paths == {"a.py", "f0.py", "f1.py", "f2.py"}


def test_submodule_recorded_not_entered(make_repo, tmp_path: Path, store_path: Path) -> None:
    """A submodule is one entry (mode 160000, kind submodule); its files are never read."""
    sub = make_repo("sub")
    sub.commit("sub", {"inner.py": "secret\n"})
    repo = make_repo()
    repo.commit("one", {"a.py": "1\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.root), "vendor/sub")
    c2 = repo.commit("add submodule")
    scan(repo.root, store_path)
    got = changes(store_path, c2)
    assert got["vendor/sub"][0] == "A" and got["vendor/sub"][-1] == "160000"
    assert not rows(store_path, "SELECT path FROM file_changes WHERE path LIKE 'vendor/sub/%'")
    info = open_repo(repo.root)
    tree = CommitTreeSource(info, c2)
    try:
        assert tree.entry("vendor/sub").kind == "submodule" and not tree.exists("vendor/sub/inner.py")
    finally:
        tree.close()
    wt = WorkingTreeSource(info)
    assert wt.entry("vendor/sub").kind == "submodule" and "vendor/sub/inner.py" not in wt.entries()


def test_non_utf8_paths_and_messages(make_repo, store_path: Path) -> None:
    """Latin-1 file names and raw non-UTF-8 commit messages are stored (escaped/replaced), never fatal."""
    repo = make_repo()
    (repo.root / os.fsdecode(b"caf\xe9.csv")).write_bytes(b"a\n1\n")
    repo.git("add", "-A")
    first = repo.commit("latin-1 name")
    tree = repo.git("rev-parse", "HEAD^{tree}")
    raw = (f"tree {tree}\nparent {first}\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\n").encode()
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=raw + b"donn\xe9es \xff\xfe\n")
    repo.git("update-ref", "refs/heads/main", sha)
    scan(repo.root, store_path)
    assert list(changes(store_path, first)) == ["caf\\xe9.csv"]
    (message,) = rows(store_path, "SELECT message FROM commits WHERE sha = ?", [sha])[0]
    assert message == "donn\ufffdes \ufffd\ufffd\n"
    assert rows(store_path, "SELECT role FROM path_roles WHERE path = 'caf\\xe9.csv'") == [("data",)]
    wt = WorkingTreeSource(open_repo(repo.root))
    assert wt.read_bytes("caf\\xe9.csv") == b"a\n1\n"


def test_incremental_rescan_reads_only_new_commits(make_repo, store_path: Path) -> None:
    """A second scan reads no commit; after one new commit only that one is read."""
    repo = make_repo()
    for i in range(3):
        repo.commit(f"c{i}", {"a.py": f"{i}\n"})
    assert scan(repo.root, store_path).counts["new_commits"] == 3
    assert scan(repo.root, store_path).counts["new_commits"] == 0
    new = repo.commit("c3", {"b.py": "x\n"})
    assert scan(repo.root, store_path).counts["new_commits"] == 1
    assert set(changes(store_path, new)) == {"b.py"}


def test_force_pushed_branch_is_followed(make_repo, store_path: Path) -> None:
    """A rewritten branch (reset + new commits, old tips gone) is read correctly on rescan."""
    repo = make_repo()
    c1 = repo.commit("c1", {"a.py": "1\n"})
    repo.commit("c2", {"a.py": "2\n"})
    scan(repo.root, store_path)
    repo.git("reset", "-q", "--hard", c1)
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    new = repo.commit("c2 rewritten", {"a.py": "two\n", "b.py": "b\n"})
    assert scan(repo.root, store_path).counts["new_commits"] == 1
    assert set(changes(store_path, new)) == {"a.py", "b.py"}
    assert rows(store_path, "SELECT target FROM refs WHERE name = 'refs/heads/main'") == [(new,)]
    assert scan(repo.root, store_path).counts["new_commits"] == 0


def test_commits_dated_1970_and_2100(make_repo, store_path: Path) -> None:
    """Commits dated at the epoch and in 2100 keep their exact times."""
    repo = make_repo()
    env = {**os.environ, "GIT_AUTHOR_DATE": "@1 +0000", "GIT_COMMITTER_DATE": "@1 +0000"}
    (repo.root / "a.py").write_text("1\n")
    repo.git("add", "-A")
    subprocess.run(["git", "commit", "-q", "-m", "epoch"], cwd=repo.root, env=env, check=True)
    env = {**os.environ, "GIT_AUTHOR_DATE": "@4102444800 +0000", "GIT_COMMITTER_DATE": "@4102444800 +0000"}
    (repo.root / "a.py").write_text("2\n")
    repo.git("add", "-A")
    subprocess.run(["git", "commit", "-q", "-m", "future"], cwd=repo.root, env=env, check=True)
    scan(repo.root, store_path)
    assert sorted(r[0] for r in rows(store_path, "SELECT committer_time FROM commits")) == [1, 4102444800]


@pytest.fixture
def history_repo(make_repo):
    """A repo with adds, edits, deletes, a rename, a binary and a subfolder across four commits."""
    repo = make_repo()
    shas = [
        repo.commit("c1", {"a.py": "1\n", "data/x.csv": "x\n1\n", "m.bin": b"\x00\xff" * 50}),
        repo.commit("c2", {"data/x.csv": "x\n2\n", "notes.md": "hi\n"}),
    ]
    (repo.root / "src").mkdir()
    repo.git("mv", "a.py", "src/a.py")
    shas.append(repo.commit("c3", remove=["m.bin"]))
    shas.append(repo.commit("c4", {"src/a.py": "changed\n"}))
    return repo, shas


def test_tree_at_commit_equals_checkout(history_repo, tmp_path: Path) -> None:
    """CommitTreeSource at every commit lists and reads exactly the files a checkout of it has."""
    repo, shas = history_repo
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    info = open_repo(repo.root)
    for sha in shas:
        git(clone, "checkout", "-q", "--detach", sha)
        wt = WorkingTreeSource(open_repo(clone))
        tree = CommitTreeSource(info, sha)
        try:
            assert [e.path for e in tree.files()] == [e.path for e in wt.files()]
            for e in wt.files():
                assert tree.read_bytes(e.path) == wt.read_bytes(e.path)
                assert tree.entry(e.path).size == e.size
        finally:
            tree.close()


def test_roles_follow_new_content_incrementally(make_repo, store_path: Path) -> None:
    """A rescan reclassifies only touched paths: a .bin that becomes a pickle turns into a model; others keep their role."""
    repo = make_repo()
    repo.commit("one", {"weights.bin": b"plain bytes", "train.py": "x\n"})
    scan(repo.root, store_path)
    assert dict(rows(store_path, "SELECT path, role FROM path_roles")) == {"weights.bin": "other", "train.py": "code"}
    repo.commit("two", {"weights.bin": b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N."})
    (repo.root / "extra.csv").write_text("a\n1\n")
    scan(repo.root, store_path)
    got = dict(rows(store_path, "SELECT path, role FROM path_roles"))
    assert got == {"weights.bin": "model", "train.py": "code", "extra.csv": "data"}
    repo.commit("three", remove=["weights.bin"])
    scan(repo.root, store_path)
    assert rows(store_path, "SELECT role, reason FROM path_roles WHERE path = 'weights.bin'") == [("model", "content")]


@pytest.mark.parametrize(("path", "extra", "expected"), [
    ("src/train.py", (), ("code", "*.py")),
    ("tests/test_a.py", (), ("test", "tests/*")),
    ("pkg/tests/deep/x.py", (), ("test", "tests/*")),
    ("a/.github/workflows/ci.yml", (), ("ci", ".github/workflows/*.yml")),
    ("datax/y.bin", (), ("other", "")),
    ("data/y.bin", (), ("data", "data/*")),
    ("w/model.bin", (("*.bin", "model"),), ("model", "*.bin")),
    ("notes.txt", (("*.txt", "data"),), ("data", "*.txt")),
])
def test_path_rules_first_match_wins(path: str, extra: tuple, expected: tuple) -> None:
    """Rules: extra rules first, then defaults in order; name globs, dir/* at any depth, path globs at any suffix."""
    from mlaudit.core.roles import classify_by_rules

    assert classify_by_rules(path, extra) == expected
