"""The data-leakage checks' shared work: train/test pairs of the judged tree, loaded once per audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from mlaudit.checks.base import Check, CheckResult, Evidence, Status
from mlaudit.checks.context import CheckContext
from mlaudit.checks.leakage.code import code_report, per_context
from mlaudit.checks.leakage.measures import (
    EntityOverlap,
    Overlap,
    entity_overlap,
    entity_overlap_from_hashes,
    overlap,
    overlap_from_hashes,
)
from mlaudit.checks.leakage.pairs import MAX_PAIR_BYTES, LoadedPair, Pair, PairLoad, code_pairs, load_pairs, read_frame
from mlaudit.core.config import define_threshold
from mlaudit.core.objects import GitObjects
from mlaudit.core.tree import CommitTreeSource, FileTooLarge
from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.leakage.links import same_file
from mlaudit.store import data_queries as dq
from mlaudit.store.leakage_queries import commits_changing

if TYPE_CHECKING:  # pandas loads on first use: listing the checks (a report's ML Test Score) never needs it
    import pandas as pd

OVERLAP_SHARE = define_threshold("leakage.overlap_share", 0.01,
                                 "LEAK-OVERLAP fails above this share of test rows that copy a training row (any copy warns).")
ENTITY_SHARE = define_threshold("leakage.entity_share", 0.01,
                                "LEAK-ENTITY fails above this share of test entities (ids) also present in training (any warns).")
TEMPORAL_SHARE = define_threshold("leakage.temporal_share", 0.05,
                                  "LEAK-TEMPORAL fails above this share of test rows dated before the last training row (any warns).")
TARGET_SCORE = define_threshold("leakage.target_score", 0.98,
                                "LEAK-TARGET fails when one feature alone predicts the target with at least this CV score "
                                "(balanced accuracy or R²).")

HISTORY = define_threshold("leakage.history_commits", 10,
                           "How many past commits that changed a train/test pair the data leakage checks also measure.")

_CACHE: dict[str, tuple[CheckContext, Any]] = {}


@dataclass(slots=True)
class PastPair:
    """A train/test pair as it was at a past commit that changed it."""

    commit: str
    time: int
    pair: LoadedPair


def pairs(ctx: CheckContext) -> PairLoad:
    """The loaded train/test pairs of the judged tree (computed once per audit and tree)."""
    load: PairLoad | None = per_context(_CACHE, ctx, "pairs")
    if load is None:
        reads = [(f.path, side, path) for f in code_report(ctx).files for side, path in f.side_reads]
        extra = code_pairs(reads, [e.path for e in ctx.tree.files()])
        load = load_pairs(ctx.tree, int(ctx.threshold(MAX_PAIR_BYTES)), extra)
        load.loaded += stored_pairs(ctx, {(lp.pair.train, lp.pair.test) for lp in load.loaded})
        _CACHE["pairs"] = (ctx, load)
    return load


def measure_overlap(ctx: CheckContext, lp: LoadedPair) -> tuple[Overlap, str]:
    """Exact overlap: from the frames, or from the store's row hashes for a stored pair (then ids are ignored on the sample)."""
    if lp.keys is None:
        return overlap(lp.train, lp.test), ""
    o = overlap_from_hashes(dq.row_hashes(ctx.store, lp.keys[0]), dq.row_hashes(ctx.store, lp.keys[1]))
    on_sample = overlap(lp.train, lp.test)
    o.ignored, o.copied_ignoring_ids = on_sample.ignored, on_sample.copied_ignoring_ids
    o.sample_rows = on_sample.sample_rows
    return o, " (row hashes from the data store; 'ignoring ids' measured on the stored sample)"


def measure_entities(ctx: CheckContext, lp: LoadedPair) -> list[EntityOverlap]:
    """Shared ids: from the frames, or from the store's per-column hashes for a stored pair."""
    if lp.keys is None:
        return entity_overlap(lp.train, lp.test)
    cols = sorted(set(dq.hashed_columns(ctx.store, lp.keys[0])) & set(dq.hashed_columns(ctx.store, lp.keys[1])))
    return [entity_overlap_from_hashes(c, dq.row_hashes(ctx.store, lp.keys[0], c), dq.row_hashes(ctx.store, lp.keys[1], c))
            for c in cols]


def stored_pairs(ctx: CheckContext, known: set[tuple[str, str]]) -> list[LoadedPair]:
    """Pairs the data scan holds but the tree does not (DVC outputs in the cache, LFS objects): stored samples + row hashes."""
    out = []
    for sp in dq.split_pairs(ctx.store, ctx.rev):
        ref, cur = sp.reference, sp.current
        if (ref.path, cur.path) in known or not (ref.available and cur.available):
            continue
        pair = Pair(ref.path, cur.path, f"store:{ref.key}|{cur.key}", f"data store, {ref.source}")
        out.append(LoadedPair(pair, dq.sample_frame(ctx.store, ref.key), dq.sample_frame(ctx.store, cur.key),
                              keys=(ref.key, cur.key)))
    return out


def history(ctx: CheckContext, lp: LoadedPair) -> list[PastPair]:
    """The pair at each recent commit that changed either file (newest first, both files present and readable),
    except commits whose content is the judged tree's own."""
    past_by_pair: dict[tuple[str, str], list[PastPair]] | None = per_context(_CACHE, ctx, "history")
    if past_by_pair is None:
        past_by_pair = {}
        _CACHE["history"] = (ctx, past_by_pair)
    key = (lp.pair.train, lp.pair.test)
    if key in past_by_pair:
        return past_by_pair[key]
    if not ctx.repo.is_git:
        return []
    before = None
    if ctx.rev is not None:
        row = ctx.store.db.execute("SELECT committer_time FROM commits WHERE sha = ?", [ctx.rev]).fetchone()
        before = row[0] if row else None
    out: list[PastPair] = []
    frames = pairs(ctx).frames  # content already loaded for the judged tree is not parsed again
    cap = int(ctx.threshold(MAX_PAIR_BYTES))
    with GitObjects(ctx.repo.root) as objects:
        for sha, when in commits_changing(ctx.store, [lp.pair.train, lp.pair.test], int(ctx.threshold(HISTORY)), before):
            tree = CommitTreeSource(ctx.repo, sha, objects)
            try:
                sides = []
                for path in (lp.pair.train, lp.pair.test):
                    entry = tree.entry(path)
                    if entry is None or entry.blob is None:
                        break
                    if entry.blob not in frames:
                        frames[entry.blob] = read_frame(tree.read_bytes(path, cap), path)
                    sides.append(frames[entry.blob])
                if len(sides) == 2 and (sides[0] is lp.train and sides[1] is lp.test):
                    continue  # the same content as the judged tree: already measured
                if len(sides) == 2:
                    out.append(PastPair(sha, when, LoadedPair(lp.pair, sides[0], sides[1])))
            except (OSError, FileTooLarge, ValueError):
                continue
    past_by_pair[key] = out
    return out


def history_evidence(ctx: CheckContext, lp: LoadedPair, describe: Callable[[LoadedPair], str | None]) -> list[Evidence]:
    """One 'history:' evidence line per past commit that changed the pair, with the measure at that commit."""
    out = []
    for past in history(ctx, lp):
        text = describe(past.pair)
        if text:
            day = datetime.fromtimestamp(past.time, UTC).strftime("%Y-%m-%d")
            out.append(Evidence(f"history: at {past.commit[:10]} ({day}): {text}", path=lp.pair.test, commit=past.commit))
    return out


def no_pairs(check: Check, ctx: CheckContext, load: PairLoad) -> CheckResult | None:
    """The result when no pair could be measured: unknown, with the reason (never a pass)."""
    if load.loaded:
        return None
    if load.failed:
        return check.result(Status.UNKNOWN, 0, message="Train/test files exist but could not be read.",
                            evidence=[Evidence(f"{p.train} / {p.test}: {why}", path=p.test) for p, why in load.failed])
    return check.result(Status.NOT_APPLICABLE, 0, message="No train/test pair of data files in the repository to measure "
                        "(files are paired by name, e.g. data/train.csv and data/test.csv).")


def graded(check: Check, value: float, limit: float, message: str, evidence: list[Evidence]) -> CheckResult:
    """fail above the limit, warn when above zero, pass at zero."""
    status = Status.FAIL if value > limit else Status.WARN if value > 0 else Status.PASS
    points = {Status.FAIL: 0, Status.WARN: 0.5, Status.PASS: 1}[status]
    return check.result(status, points, value=round(value, 6), threshold=limit, message=message, evidence=evidence)


def pair_label(lp: LoadedPair) -> str:
    how = f" ({lp.pair.source})" if lp.pair.source != "file names" else ""
    return f"{lp.pair.train} vs {lp.pair.test}{how}"


@dataclass(slots=True)
class Target:
    column: str
    source: str  # how it was found


def find_target(ctx: CheckContext, frame: pd.DataFrame, test: pd.DataFrame | None) -> Target | None:
    """The target column: from code (y = df[...]), params (target:), or the one column train has and test lacks."""
    cols = set(map(str, frame.columns))
    for f in code_report(ctx).files:
        for t in f.targets:
            if t in cols:
                return Target(t, f"code: {f.path}")
    for p in ("params.yaml", "params.yml", "config.yaml", "config.yml"):
        if ctx.tree.exists(p):
            try:
                params = load_yaml(ctx.tree.read_text(p, 1 << 20))
            except (yaml.YAMLError, OSError, FileTooLarge):
                continue
            stack = [params]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    for k, v in node.items():
                        if str(k).lower() in ("target", "label", "target_column", "label_column", "target_col") and str(v) in cols:
                            return Target(str(v), f"params: {p}")
                        stack.append(v)
    if test is not None:
        test_cols = {str(c).lower() for c in test.columns}  # a column renamed only in case is still shared
        only = [c for c in frame.columns if str(c).lower() not in test_cols]
        if len(only) == 1:
            return Target(str(only[0]), "the only column in train but not in test")
        identity = _identity_target(frame, [str(c) for c in only])
        if identity is not None:
            return identity
    return None


def _identity_target(frame: pd.DataFrame, only: list[str]) -> Target | None:
    """Among several train-only columns, the one that is the sum of two others on every row
    (``count = casual + registered``): the others are its parts, so it is the target."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    num = frame[[c for c in only if c in frame.columns]].apply(pd.to_numeric, errors="coerce")
    num = num.loc[:, num.notna().all()]
    cols = list(num.columns)
    if len(cols) < 3 or len(num) == 0:
        return None
    hits = []
    for t in cols:
        rest = [c for c in cols if c != t]
        for i, a in enumerate(rest):
            for b in rest[i + 1:]:
                if np.allclose(num[a].to_numpy() + num[b].to_numpy(), num[t].to_numpy(), rtol=0, atol=1e-9):
                    hits.append((t, a, b))
    if len({t for t, _, _ in hits}) != 1:
        return None
    t, a, b = hits[0]
    return Target(t, f"train-only columns with {t} = {a} + {b} on every row")


def code_frames(ctx: CheckContext) -> list[tuple[str, pd.DataFrame]]:
    """Data files the code reads that are in the tree (for LEAK-TARGET when no pair exists)."""
    paths = [e.path for e in ctx.tree.files()]
    found = sorted({p for f in code_report(ctx).files for r in f.reads for p in paths if same_file(r, p)})
    out = []
    for p in found[:5]:
        try:
            out.append((p, read_frame(ctx.tree.read_bytes(p, int(ctx.threshold(MAX_PAIR_BYTES))), p)))
        except (OSError, FileTooLarge, ValueError):
            continue
    return out
