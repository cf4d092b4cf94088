"""Read API over the data tables (store only; never rereads files). See ``mlaudit.store.schema.data``.

- ``list_data_files(store)`` -> [DataFile(path, versions, latest_key, sources)]
- ``data_versions(store, path)`` -> [DataVersion] oldest first (working tree last)
- ``profile(store, key)`` -> Profile | None
- ``sample_frame(store, key)`` -> pandas.DataFrame (the deterministic row sample; whole file below the cap)
- ``sorted_values(store, key, column)`` -> float64 array of the column's non-missing sample values, sorted
- ``row_hashes(store, key, column=None)`` -> sorted uint64 array (whole rows, or one identifier-like column)
- ``resolve_version(store, repo, "path@rev")`` -> DataVersion (raises MlauditError with a clear reason)
- ``split_pairs(store, rev=None)`` -> [SplitPair(reference, current, kind, reason)] train vs test/valid/...
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlaudit.core.errors import MlauditError
from mlaudit.core.repo import RepoInfo, resolve_rev
from mlaudit.store import data_content
from mlaudit.store.db import Store
from mlaudit.store.scope import current_commit

if TYPE_CHECKING:  # pandas and numpy load on first use: a report read from the store needs neither (0.5 s)
    import numpy as np
    import pandas as pd

AVAILABLE = "available"


@dataclass(slots=True)
class DataVersion:
    """One appearance of a content at a path: commit ('' = working tree), source, availability."""

    path: str
    key: str
    source: str
    commit: str
    committer_time: int | None
    status: str | None
    availability: str
    size: int | None

    @property
    def available(self) -> bool:
        return self.availability == AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "hash": self.key, "source": self.source, "commit": self.commit or None,
                "time": self.committer_time, "status": self.status, "availability": self.availability, "size": self.size}


@dataclass(slots=True)
class Profile:
    """A stored profile: shape, columns ({name, type, arrow_type}), per-column stats, or the read error."""

    key: str
    format: str | None
    rows: int | None
    columns: list[dict[str, Any]]
    stats: dict[str, dict[str, Any]]
    sampled: bool
    sample_rows: int
    error: str | None
    coverage: str = "complete"  # or which part of the file the profile covers and which bound stopped it

    @property
    def bounded(self) -> bool:
        """True when only part of the file was profiled (a row or time bound stopped it)."""
        return self.error is None and self.coverage not in ("complete", None)

    def column_types(self) -> dict[str, str]:
        return {c["name"]: c["type"] for c in self.columns}


@dataclass(slots=True)
class DataFile:
    """A data path with its number of versions, newest content key and where its versions come from."""

    path: str
    versions: int
    latest_key: str
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SplitPair:
    """A reference split (train) and a split compared against it (test, valid, holdout, serving)."""

    reference: DataVersion
    current: DataVersion
    kind: str
    reason: str


_VERSION_COLS = "path, key, source, commit_sha, committer_time, status, availability, size"


def _versions(rows: list[tuple[Any, ...]]) -> list[DataVersion]:
    return [DataVersion(*r) for r in rows]


def list_data_files(store: Store) -> list[DataFile]:
    """Every data path seen in history (any ref) or on disk, alphabetically; ``current_data_files`` for the project now."""
    out = []
    for path in [r[0] for r in store.db.execute("SELECT DISTINCT path FROM data_versions ORDER BY path")]:
        versions = data_versions(store, path)
        out.append(DataFile(path, len(versions), versions[-1].key, sorted({v.source for v in versions})))
    return out


def data_versions(store: Store, path: str, follow_renames: bool = False) -> list[DataVersion]:
    """Versions of ``path`` in commit order (oldest first), the working-tree copy last; with
    ``follow_renames`` also the versions it had under earlier names (git renames)."""
    paths = renamed_from(store, path) if follow_renames else [path]
    rows = store.db.execute(
        f"SELECT {_VERSION_COLS} FROM data_versions WHERE path IN ({','.join('?' * len(paths))}) "
        "ORDER BY commit_sha = '', committer_time, source", paths).fetchall()
    return _versions(rows)


def renamed_from(store: Store, path: str) -> list[str]:
    """``path`` and every earlier name it was renamed from (git rename records), newest first."""
    names = [path]
    while len(names) < 50:
        row = store.db.execute("SELECT old_path FROM file_changes WHERE path = ? AND status = 'R' AND old_path IS NOT NULL "
                               "ORDER BY rowid DESC LIMIT 1", [names[-1]]).fetchone()
        if row is None or row[0] in names:
            break
        names.append(row[0])
    return names


def profile(store: Store, key: str) -> Profile | None:
    """The stored profile of a content key, or None when it was never profiled."""
    row = store.db.execute("SELECT key, format, rows, columns, stats, sampled, sample_rows, error, coverage FROM data_profiles "
                           "WHERE key = ?", [key]).fetchone()
    if row is None:
        return None
    return Profile(row[0], row[1], row[2], json.loads(row[3] or "[]"), json.loads(row[4] or "{}"), bool(row[5]),
                   int(row[6] or 0), row[7], row[8] or "complete")


def sample_frame(store: Store, key: str) -> pd.DataFrame:
    """The stored row sample as a DataFrame (empty when the content has none)."""
    table = data_content.sample_table(store, key)
    if table is None:
        import pandas as pd

        return pd.DataFrame()
    frame: pd.DataFrame = table.to_pandas()
    return frame


def sorted_values(store: Store, key: str, column: str) -> np.ndarray:
    """Non-missing sample values of a numeric or datetime column, sorted (float64)."""
    return data_content.sorted_values(store, key, column)


def row_hashes(store: Store, key: str, column: str | None = None) -> np.ndarray:
    """Sorted 64-bit hashes of every row (``column`` None) or of one identifier-like column's values."""
    return data_content.row_hashes(store, key, column or "")


def hashed_columns(store: Store, key: str) -> list[str]:
    """Identifier-like columns that have per-column row hashes."""
    return data_content.hashed_columns(store, key)


def change_status(a: DataVersion | None, b: DataVersion | None) -> str:
    """How a data file changed from version ``a`` to ``b`` (either None where the file is absent): added, removed,
    unchanged or changed (absent on both sides reads removed; callers skip that case)."""
    if a is None:
        return "added" if b is not None else "removed"
    if b is None:
        return "removed"
    return "unchanged" if a.key == b.key else "changed"


def version_at(store: Store, path: str, commit: str | None, ancestors: set[str] | None = None) -> DataVersion | None:
    """The version of ``path`` current at ``commit`` (its last change among the commit's ancestors), or the
    working-tree copy when ``commit`` is None (else its version at HEAD — never a file that exists only on
    another ref)."""
    versions = data_versions(store, path)
    if commit is None:
        wt = [v for v in versions if v.commit == ""]
        if wt:
            return wt[-1]
        commit = current_commit(store)
        if commit is None:
            return None
    ancestors = ancestors if ancestors is not None else commit_ancestors(store, commit)
    hist = [v for v in versions if v.commit in ancestors]
    return hist[-1] if hist else None


def scope_ancestors(store: Store, rev: str | None) -> set[str]:
    """The commits a current-state verdict may draw on: ``rev`` and its ancestors, else HEAD's (the project now)."""
    commit = rev or current_commit(store)
    return commit_ancestors(store, commit) if commit else set()


def current_data_files(store: Store, rev: str | None = None) -> list[DataVersion]:
    """The version of every data file in the project now: on disk, else at HEAD (or at ``rev`` when given)."""
    ancestors = scope_ancestors(store, rev)
    out = []
    for path in [r[0] for r in store.db.execute("SELECT DISTINCT path FROM data_versions ORDER BY path")]:
        v = version_at(store, path, rev, ancestors)
        if v is not None and v.status != "D":
            out.append(v)
    return out


def commit_ancestors(store: Store, commit: str) -> set[str]:
    """``commit`` and every commit reachable from it through stored parents."""
    parents = {r[0]: (r[1] or "").split() for r in store.db.execute("SELECT sha, parents FROM commits")}
    seen, todo = set(), [commit] if commit in parents else []
    while todo:
        sha = todo.pop()
        if sha not in seen:
            seen.add(sha)
            todo.extend(parents.get(sha, []))
    return seen


def resolve_version(store: Store, repo: RepoInfo, spec: str) -> DataVersion:
    """``path[@rev]`` to a stored version. rev: a commit, tag or branch (default HEAD), or ``worktree`` for
    the copy on disk; a folder that is not a git repository always means the files on disk."""
    path, _, rev = spec.partition("@")
    path = posixpath.normpath(path.strip().removeprefix("./")) if path.strip() not in ("", ".") else ""
    if not path or store.db.execute("SELECT 1 FROM data_versions WHERE path = ? LIMIT 1", [path]).fetchone() is None:
        known = [r[0] for r in store.db.execute("SELECT DISTINCT path FROM data_versions ORDER BY path LIMIT 8")]
        raise MlauditError(f"no data file {path!r} in this repository" + (f" (known: {', '.join(known)})" if known else ""))
    commit = None
    if rev.lower() != "worktree" and repo.is_git and (rev or repo.head):
        commit = resolve_rev(repo, rev or "HEAD")
    elif rev and rev.lower() != "worktree":
        raise MlauditError(f"{spec}: revisions need a git repository")
    version = version_at(store, path, commit)
    if version is None:
        raise MlauditError(f"{path} does not exist at {rev or 'HEAD'}")
    return version


_SPLIT = re.compile(r"(?<![a-z])(train|training|test|testing|valid|validation|val|dev|holdout|hold_out|eval|serving|"
                    r"inference|production|prod|live)(?![a-z])", re.IGNORECASE)
_KIND = {"test": "test", "testing": "test", "valid": "valid", "validation": "valid", "val": "valid", "dev": "valid",
         "holdout": "holdout", "hold_out": "holdout", "eval": "test", "serving": "serving", "inference": "serving",
         "production": "serving", "prod": "serving", "live": "serving"}


def split_pairs(store: Store, rev: str | None = None) -> list[SplitPair]:
    """Train files paired with test / valid / holdout / serving files whose names differ only by the split word.

    ``rev`` is a commit sha (None = working tree, falling back to the newest commit). DVC outputs are data
    paths like any other, so ``data/prepared/train.csv`` pairs with ``data/prepared/test.csv`` from a stage.
    """
    paths = [r[0] for r in store.db.execute("SELECT DISTINCT path FROM data_versions")]
    ancestors = commit_ancestors(store, rev) if rev else None
    versions = {p: v for p in paths if (v := version_at(store, p, rev, ancestors)) is not None}
    by_template: dict[str, dict[str, str]] = {}
    for p in versions:
        m = list(_SPLIT.finditer(p))
        if not m:
            continue
        last = m[-1]
        word = last.group(1).lower()
        head, _, tail = (p[:last.start()] + "{}" + p[last.end():]).rpartition("/")
        by_template.setdefault(f"{head}/{tail.split('.')[0]}", {})[word] = p
    pairs = []
    for _template, members in sorted(by_template.items()):
        train = members.get("train") or members.get("training")
        if train is None:
            pairs += _unnamed_reference(store, versions, members)
            continue
        for word, p in sorted(members.items()):
            if word in ("train", "training"):
                continue
            if not _related(store, versions[train], versions[p]):
                continue  # same name pattern, no column in common: two unrelated files, not a split
            pairs.append(SplitPair(versions[train], versions[p], _KIND.get(word, word),
                                   f"names differ only by the split word ({train} vs {p})"))
    return pairs


def _columns(store: Store, v: DataVersion) -> frozenset[str] | None:
    prof = profile(store, v.key)
    if prof is None or prof.error or not prof.columns:
        return None
    return frozenset(c["name"].lower() for c in prof.columns)


def _unnamed_reference(store: Store, versions: dict[str, DataVersion], members: dict[str, str]) -> list[SplitPair]:
    """A holdout/test file without a ``train`` partner (``dataset.csv`` + ``holdout.csv``) pairs with the one other
    data file of its folder holding exactly the same columns — two versions of one table, split in two."""
    out = []
    for word, p in sorted(members.items()):
        if _KIND.get(word, word) not in ("test", "holdout", "valid"):
            continue
        cols = _columns(store, versions[p])
        folder = posixpath.dirname(p)
        same = [q for q in versions if q != p and posixpath.dirname(q) == folder and not _SPLIT.search(posixpath.basename(q))
                and cols is not None and _columns(store, versions[q]) == cols]
        if len(same) == 1:
            out.append(SplitPair(versions[same[0]], versions[p], _KIND.get(word, word),
                                 f"{same[0]} is the only other file of {folder or 'the root'} with the same columns as {p}"))
    return out


def _related(store: Store, a: DataVersion, b: DataVersion) -> bool:
    """Two profiled tables share at least one column (by name, ignoring case, or by content); unprofiled
    contents are given the benefit of the doubt (the checks then say they could not be compared)."""
    from mlaudit.store.data_columns import match_columns

    pa_, pb_ = profile(store, a.key), profile(store, b.key)
    if pa_ is None or pb_ is None or pa_.error or pb_.error or not pa_.columns or not pb_.columns:
        return True
    return bool(match_columns(pa_, pb_))
