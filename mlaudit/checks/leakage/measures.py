"""Data leakage statistics on pandas frames: overlap, shared entities, temporal order, target proxies.

Pure functions (no store, no files) so they can be verified on constructed cases with known answers.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas loads on first use: listing the checks (a report's ML Test Score) never needs it
    import pandas as pd

ID_NAME = re.compile(r"(^|_)(id|ids|uuid|guid|key)$|^(user|customer|client|patient|ticket|account|member|session|device"
                     r"|order|subject|person|employee|driver|household|store|visit|encounter)(_?(id|no|number|code|key))?$",
                     re.IGNORECASE)
DATE_NAME = re.compile(r"date|time|timestamp|day|month|year|_at$|^dt$|period", re.IGNORECASE)


@dataclass(slots=True)
class Overlap:
    """Test rows that are exact copies of training rows, and duplicates inside each split."""

    test_rows: int
    copied: int
    copied_ignoring_ids: int
    dup_train: int
    dup_test: int
    ignored: list[str] = field(default_factory=list)
    sample_rows: list[int] = field(default_factory=list)  # positions of a few copied test rows

    @property
    def share(self) -> float:
        return self.copied / self.test_rows if self.test_rows else 0.0

    @property
    def share_ignoring_ids(self) -> float:
        return self.copied_ignoring_ids / self.test_rows if self.test_rows else 0.0


def _aligned(train: pd.DataFrame, test: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames on the same columns with the same dtypes (mismatched columns compared as text)."""
    a, b = train[cols].copy(), test[cols].copy()
    for c in cols:
        if a[c].dtype != b[c].dtype:
            a[c], b[c] = a[c].astype(str), b[c].astype(str)
    return a, b


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hash of each row's values (index ignored)."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=np.uint64)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def id_columns(frame: pd.DataFrame) -> list[str]:
    """Identifier-like columns: an id-like name and integer or text values (not measurements)."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    out = []
    for c in frame.columns:
        s = frame[c]
        if ID_NAME.search(str(c)) and (pd.api.types.is_integer_dtype(s) or pd.api.types.is_object_dtype(s)
                                       or pd.api.types.is_string_dtype(s)):
            out.append(str(c))
    return out


def overlap(train: pd.DataFrame, test: pd.DataFrame, ignore: list[str] | None = None) -> Overlap:
    """Share of test rows equal to some training row, on the shared columns, and again without ``ignore`` columns."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    cols = [c for c in train.columns if c in set(test.columns)]
    a, b = _aligned(train, test, cols)
    ha, hb = row_hashes(a), row_hashes(b)
    hit = np.isin(hb, ha)
    ignore = [c for c in (ignore if ignore is not None else id_columns(test)) if c in cols]
    rest = [c for c in cols if c not in ignore]
    hit2 = np.isin(row_hashes(b[rest]), row_hashes(a[rest])) if ignore and rest else hit
    return Overlap(
        test_rows=len(test), copied=int(hit.sum()), copied_ignoring_ids=int(hit2.sum()),
        dup_train=int(pd.Series(ha).duplicated().sum()), dup_test=int(pd.Series(hb).duplicated().sum()),
        ignored=ignore, sample_rows=[int(i) for i in np.flatnonzero(hit)[:5]],
    )


def overlap_from_hashes(train: np.ndarray, test: np.ndarray) -> Overlap:
    """Overlap counts from 64-bit row hashes of every row of each side (as the data scan stores them)."""
    return Overlap(test_rows=len(test), copied=int(np.isin(test, train).sum()), copied_ignoring_ids=0,
                   dup_train=len(train) - len(np.unique(train)), dup_test=len(test) - len(np.unique(test)))


@dataclass(slots=True)
class EntityOverlap:
    column: str
    test_entities: int
    shared: int
    examples: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.shared / self.test_entities if self.test_entities else 0.0


def entity_overlap(train: pd.DataFrame, test: pd.DataFrame, columns: list[str] | None = None) -> list[EntityOverlap]:
    """For each identifier column in both splits: distinct test values also present in training."""
    cols = columns if columns is not None else [c for c in id_columns(test) if c in train.columns]
    out = []
    for c in cols:
        a, b = train[c].dropna().astype(str).unique(), test[c].dropna().astype(str).unique()
        shared = np.intersect1d(a, b)
        out.append(EntityOverlap(c, len(b), len(shared), [str(x) for x in shared[:5]]))
    return out


def entity_overlap_from_hashes(column: str, train: np.ndarray, test: np.ndarray) -> EntityOverlap:
    """Shared identifier values from per-column value hashes (examples are not recoverable from hashes)."""
    values = np.unique(test)
    return EntityOverlap(column, len(values), int(np.isin(values, train).sum()))


def _date_shaped(s: pd.Series) -> bool:
    """Nearly every sampled value is written like a date (2011-01-01, 01/02/2011 00:00)."""
    from mlaudit.store.data_columns import DATE_SHAPE, DATE_SHARE

    values = s.dropna().astype(str).head(500)
    return bool(len(values)) and float(values.str.match(DATE_SHAPE).mean()) >= DATE_SHARE


def as_dates(s: pd.Series) -> pd.Series | None:
    """The column as datetimes when it holds dates (dtype, or text that parses for 95% of values), else None."""
    import pandas as pd  # on first use (see TYPE_CHECKING above)

    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return None
    if not DATE_NAME.search(str(s.name)) and not _date_shaped(s):
        return None  # by content too: a text column like created_on holding "2020-02-17 06:30:41"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(s, errors="coerce", utc=True)
    valid = s.notna().sum()
    return parsed if valid and parsed.notna().sum() >= 0.95 * valid else None


@dataclass(slots=True)
class Temporal:
    column: str
    test_rows: int
    before: int  # test rows dated before the last training row
    train_last: str
    test_first: str

    @property
    def share(self) -> float:
        return self.before / self.test_rows if self.test_rows else 0.0


def temporal(train: pd.DataFrame, test: pd.DataFrame) -> list[Temporal]:
    """For each date column of both splits: test rows dated strictly before the latest training row."""
    out = []
    for c in train.columns:
        if c not in test.columns:
            continue
        a, b = as_dates(train[c]), as_dates(test[c])
        if a is None or b is None:
            continue
        a, b = a.dropna(), b.dropna()
        if a.empty or b.empty:
            continue
        last = a.max()
        out.append(Temporal(str(c), len(b), int((b < last).sum()), str(last), str(b.min())))
    return out


@dataclass(slots=True)
class TargetLeak:
    feature: str
    score: float
    how: str  # "single feature" | "arithmetic"


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.select_dtypes(include=["number", "bool"]).astype(float)


def single_feature_scores(frame: pd.DataFrame, target: str, max_rows: int = 20_000) -> dict[str, float]:
    """How well each feature alone predicts the target: balanced accuracy (classes) or R² (numbers), 3-fold CV.

    A depth-4 decision tree on one feature: bounded and deterministic; ids are left out. At most ``max_rows``
    rows, fewer for wide frames (about two million cells in all).
    """
    import pandas as pd  # on first use (see TYPE_CHECKING above)
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    data = frame.dropna(subset=[target])
    max_rows = min(max_rows, max(2_000, 2_000_000 // max(frame.shape[1], 1)))  # wide frames: fewer rows per feature
    if len(data) > max_rows:
        data = data.sample(max_rows, random_state=0)
    y = data[target]
    classify = not pd.api.types.is_float_dtype(y) or y.nunique() <= 20
    if classify and y.nunique() < 2:
        return {}
    if classify:
        y = y.astype(str)
        if y.value_counts().min() < 3:
            return {}
    ids = set(id_columns(data))
    scores = {}
    for c in data.columns:
        if c == target or c in ids:
            continue
        x = data[c]
        X: np.ndarray
        if pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
            X = x.astype(float).fillna(-1e12).to_numpy().reshape(-1, 1)
        elif x.nunique() <= 50:
            X = x.astype("category").cat.codes.to_numpy().reshape(-1, 1)
        else:
            continue
        if classify:
            est = DecisionTreeClassifier(max_depth=4, random_state=0)
            s = cross_val_score(est, X, y, cv=3, scoring="balanced_accuracy")
        else:
            est = DecisionTreeRegressor(max_depth=6, random_state=0)
            s = cross_val_score(est, X, y, cv=3, scoring="r2")
        scores[str(c)] = float(np.mean(s))
    return scores


def arithmetic_sources(frame: pd.DataFrame, target: str, tol: float = 1e-9, max_cols: int = 60) -> list[TargetLeak]:
    """Pairs of numeric columns whose sum or difference equals the target on every row (``count = casual + registered``)."""
    num = _numeric(frame)
    if target not in num.columns:
        return []
    y = num.pop(target).to_numpy()
    cols = [c for c in num.columns if c not in set(id_columns(frame))][:max_cols]
    ok = ~np.isnan(y)
    out = []
    for a, b in combinations(cols, 2):
        va, vb = num[a].to_numpy(), num[b].to_numpy()
        for how, v in ((f"{a} + {b}", va + vb), (f"{a} - {b}", va - vb), (f"{b} - {a}", vb - va)):
            if ok.sum() and np.allclose(v[ok], y[ok], atol=tol, rtol=0, equal_nan=False):
                out.append(TargetLeak(how, 1.0, "arithmetic"))
    return out


def target_leaks(frame: pd.DataFrame, target: str, threshold: float) -> list[TargetLeak]:
    """Features that alone predict the target with a score at or above ``threshold``, and exact arithmetic sources."""
    found = [TargetLeak(c, s, "single feature") for c, s in single_feature_scores(frame, target).items() if s >= threshold]
    return sorted(found, key=lambda t: -t.score) + arithmetic_sources(frame, target)


# ---- measured effect of a code leak on the data it reads ----------------------------------------------------

LOW_SHIFT, HIGH_SHIFT = 0.01, 0.05  # shift of a fitted statistic in training standard deviations: < low, >= high
FIT_QUANTILES = (0.25, 0.5, 0.75)


@dataclass(slots=True)
class FitEffect:
    """How much statistics fitted on all rows differ from the same statistics fitted on the training rows only.

    ``shift`` per column is the largest of |mean_all - mean_train|, |q_all - q_train| (quartiles), each over the
    training standard deviation, and |std_all / std_train - 1|.
    """

    rows: int
    test_share: float  # share of the fitted rows that were test rows
    columns: dict[str, float] = field(default_factory=dict)  # column -> shift
    worst: str | None = None

    @property
    def shift(self) -> float:
        return max(self.columns.values(), default=0.0)

    @property
    def impact(self) -> str:
        return "low" if self.shift < LOW_SHIFT else "medium" if self.shift < HIGH_SHIFT else "high"


def fit_effect(frame: pd.DataFrame, test_share: float, columns: list[str] | None = None, seed: int = 0) -> FitEffect:
    """The shift of mean, std and quartiles when ``test_share`` of the rows (a random draw) join the fit.

    The training rows are a seeded random ``1 - test_share`` of the rows, as a shuffled split would give; the
    audited code's own random split is not reproduced (its code is never run).
    """
    num = frame.select_dtypes("number")
    if columns:
        num = num[[c for c in num.columns if str(c) in set(columns)]] if any(str(c) in set(columns) for c in num.columns) else num
    n = len(num)
    out = FitEffect(rows=n, test_share=test_share)
    n_train = int(round(n * (1 - test_share)))
    if n < 4 or not 1 < n_train < n or num.shape[1] == 0:
        return out
    train = num.iloc[np.random.default_rng(seed).permutation(n)[:n_train]]
    for c in num.columns:
        a, t = num[c].astype(float), train[c].astype(float)
        sd = float(t.std())
        if not np.isfinite(sd) or sd == 0:
            continue
        moves = [abs(float(a.mean()) - float(t.mean())) / sd, abs(float(a.std()) / sd - 1)]
        moves += [abs(float(a.quantile(q)) - float(t.quantile(q))) / sd for q in FIT_QUANTILES]
        out.columns[str(c)] = max(m for m in moves if np.isfinite(m))
    if out.columns:
        out.worst = max(out.columns, key=lambda k: out.columns[k])
    return out


def split_duplicates(frame: pd.DataFrame, test_share: float) -> tuple[int, float]:
    """Rows that repeat another row, and how many of them a random split is expected to put across the split.

    A row with a copy lands in a different part than that copy with probability 2 p (1 - p) (p the test share).
    """
    dups = int(frame.duplicated().sum())
    return dups, dups * 2 * test_share * (1 - test_share)
