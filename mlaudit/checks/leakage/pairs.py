"""Train/test pairs of data files in a tree (paired by name), loaded as frames with a size cap."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlaudit.core.config import define_threshold
from mlaudit.core.tree import FileTooLarge, TreeSource
from mlaudit.scanners.leakage.links import same_file
from mlaudit.scanners.leakage.sources import content_id

if TYPE_CHECKING:  # pandas loads on first use: listing the checks (a report's ML Test Score) never needs it
    import pandas as pd

DATA_EXT = (".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow", ".jsonl", ".ndjson", ".csv.gz")
_TRAIN = r"train|training|trn"
_TEST = r"test|testing|tst|val|valid|validation|holdout|eval|dev|serving"
_SIDE = re.compile(rf"(?<![a-z])({_TRAIN}|{_TEST})(?![a-z])", re.IGNORECASE)

MAX_PAIR_BYTES = define_threshold(
    "leakage.max_pair_bytes", 512 * 1024 * 1024,
    "Largest data file (bytes) the leakage data checks load; bigger pairs are reported as unknown.")


@dataclass(slots=True)
class Pair:
    """A training file and a held-out file that differ only by the split word in their path."""

    train: str
    test: str
    key: str
    source: str = "file names"  # how the pair was found


@dataclass(slots=True)
class LoadedPair:
    """Both sides as frames; ``keys`` are the store content keys when the frames are the stored samples."""

    pair: Pair
    train: pd.DataFrame
    test: pd.DataFrame
    keys: tuple[str, str] | None = None


@dataclass(slots=True)
class PairLoad:
    """Pairs whose frames loaded, and the ones that could not be read (with the reason)."""

    loaded: list[LoadedPair] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # by git blob id of the loaded content
    failed: list[tuple[Pair, str]] = field(default_factory=list)


def side_key(path: str) -> tuple[str, str] | None:
    """('train' | 'test', path with the split word replaced by '{}'), or None when the path names no split."""
    low = path.lower()
    if not low.endswith(DATA_EXT):
        return None
    matches = list(_SIDE.finditer(low))
    if not matches:
        return None
    m = matches[-1]
    side = "train" if re.fullmatch(_TRAIN, m.group(1)) else "test"
    return side, low[:m.start()] + "{}" + low[m.end():]


def find_pairs(paths: list[str]) -> list[Pair]:
    """Every (train, test) pair of data paths with the same key; a train file pairs with each held-out file."""
    trains: dict[str, str] = {}
    tests: dict[str, list[str]] = {}
    for p in sorted(paths):
        sk = side_key(p)
        if sk is None:
            continue
        if sk[0] == "train":
            trains.setdefault(sk[1], p)
        else:
            tests.setdefault(sk[1], []).append(p)
    return [Pair(trains[k], t, k) for k in sorted(trains) if k in tests for t in tests[k]]


def read_frame(data: bytes, path: str) -> pd.DataFrame:
    """Parse a data file's bytes by extension (raises ValueError with the reason)."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    low = path.lower()
    buf = io.BytesIO(data)
    try:
        if low.endswith((".parquet", ".pq")):
            return pd.read_parquet(buf)
        if low.endswith((".feather", ".arrow")):
            return pd.read_feather(buf)
        if low.endswith((".jsonl", ".ndjson")):
            return pd.read_json(buf, lines=True)
        return pd.read_csv(buf, sep="\t" if low.endswith(".tsv") else ",", low_memory=False,
                           compression="gzip" if low.endswith(".gz") else None)
    except Exception as exc:  # noqa: BLE001 - pandas raises many types for bad files
        raise ValueError(f"{path} could not be parsed: {type(exc).__name__}: {exc}") from None


def code_pairs(side_reads: list[tuple[str, str, str]], paths: list[str]) -> list[Pair]:
    """Pairs from code: a file read into a train-named variable and one read into a test-named variable by the same script.

    ``side_reads`` holds (script, side, literal path); literal paths are matched to tree paths.
    """
    by_script: dict[str, dict[str, list[str]]] = {}
    for script, side, literal in side_reads:
        for p in paths:
            if same_file(literal, p) and p.lower().endswith(DATA_EXT):
                by_script.setdefault(script, {}).setdefault(side, []).append(p)
    out = []
    for script, sides in sorted(by_script.items()):
        for train in sorted(set(sides.get("train", []))):
            for test in sorted(set(sides.get("test", []))):
                if train != test:
                    out.append(Pair(train, test, f"{script}:{train}|{test}", f"read as train/test by {script}"))
    return out


def load_pairs(tree: TreeSource, max_bytes: int, extra: list[Pair] | None = None) -> PairLoad:
    """The pairs of a tree (by name, plus ``extra`` ones found in code), both sides loaded (``max_bytes`` per file)."""
    out = PairLoad()
    cache: dict[str, pd.DataFrame] = {}
    found = find_pairs([e.path for e in tree.files()])
    known = {(p.train, p.test) for p in found}
    for extra_pair in extra or []:
        if (extra_pair.train, extra_pair.test) not in known:
            known.add((extra_pair.train, extra_pair.test))
            found.append(extra_pair)
    for pair in found:
        try:
            frames = []
            for p in (pair.train, pair.test):
                if p not in cache:
                    data = tree.read_bytes(p, max_bytes)
                    cache[p] = read_frame(data, p)
                    entry = tree.entry(p)
                    assert entry is not None
                    out.frames[content_id(entry, data)] = cache[p]
                frames.append(cache[p])
            out.loaded.append(LoadedPair(pair, frames[0], frames[1]))
        except (FileTooLarge, OSError, ValueError) as exc:
            out.failed.append((pair, str(exc)))
    return out
