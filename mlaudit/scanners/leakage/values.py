"""Abstract values of the leakage data-flow analysis: where data came from and what it went through."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

_ids = itertools.count(1)


@dataclass(slots=True, frozen=True)
class Site:
    """A place in the code: file, notebook cell (None for scripts), line in the file or cell, and what happens."""

    path: str
    line: int
    cell: int | None = None
    what: str = ""
    via: Site | None = None  # inside a user function or method: the top-level call that ran it

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "line": self.line, "cell": self.cell, "what": self.what}
        if self.via is not None:
            d["via"] = self.via.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Site:
        via = d.get("via")
        return cls(d["path"], d["line"], d.get("cell"), d.get("what", ""), cls.from_dict(via) if via else None)

    def moved(self, path: str) -> Site:
        """The same place in a file found at another path."""
        return replace(self, path=path, via=self.via.moved(path) if self.via is not None else None)

    def where(self) -> str:
        cell = f" cell {self.cell}" if self.cell is not None else ""
        return f"{self.path}{cell} line {self.line}"


@dataclass(slots=True, frozen=True)
class Event:
    """Something data went through: 'fit' (statistics learned from it), 'resample', or 'stats' (test statistics used)."""

    kind: str
    site: Site
    detail: str
    own: bool = False  # 'stats' of test rows computed on those very rows (a property of the test rows alone)


@dataclass(slots=True, eq=False)
class Obj:
    """An estimator-like object: its class, role, and what it was fitted on."""

    cls: str
    role: str  # pre | stateless | outlier | resampler | pipeline | search | splitter | estimator
    site: Site
    in_loop: bool = False
    fitted_sides: frozenset[str] | None = None
    fit_event: Event | None = None
    has_pre: bool = False  # a pipeline or search containing preprocessing
    attrs: dict[str, Val] = field(default_factory=dict)
    fit_text: str | None = None  # the expression the model was fitted on (to tell in-sample scoring)
    fit_scope: int | None = None  # the user function the fit was written in (None: top level)
    fit_split: Site | None = None  # the split (or file read) of the data a preprocessor was fitted on
    id: int = field(default_factory=lambda: next(_ids))


@dataclass(slots=True, frozen=True)
class Val:
    """The abstract value of an expression."""

    kind: str = "other"  # data | obj | str | stat | score | tuple | index | splits | other
    sides: frozenset[str] = frozenset()  # {'train'}, {'test'}, both, or empty (not split)
    events: frozenset[Event] = frozenset()
    split: Site | None = None  # where this part was separated from the rest
    carved: bool = False  # this split part was cut out of a larger whole (not a separately loaded file)
    obj: Obj | None = None
    text: str | None = None  # a literal string (file paths)
    items: tuple[Val, ...] = ()
    preds: frozenset[int] = frozenset()  # ids of models whose predictions this holds
    reads: frozenset[tuple[str, Site]] = frozenset()  # (file path, read site) the data comes from
    testscore: bool = False  # a score measured on test data
    src: Val | None = None  # for 'splits': the data being split
    roots: frozenset[Site] = frozenset()  # where the rows were loaded or made (to trace a statistic to its frame)
    made: Site | None = None  # for 'stat': where the statistic was computed
    looped: bool = False  # a test score measured inside a loop (one of several candidates)
    labelled: bool = False  # a part cut by a split API or fold indices (a labelled hold-out, not an unlabelled file)
    insample: bool = False  # predictions made on the very expression the model was fitted on
    single: bool = False  # one sample (a row, an image) taken by iterating the data: its statistics are its own
    part: bool = False  # rows cut from a train+test join under a name that says neither (which part: decided by use)

    def with_(self, **kw: Any) -> Val:
        return replace(self, **kw)


OTHER = Val()


def join(*vals: Val) -> Val:
    """Merge the facts of several values (the result of a call or an operator over them)."""
    flat = [x for v in vals if v is not None for x in deep(v)]
    if not flat:
        return OTHER
    if len(flat) == 1:
        return flat[0]
    if all(v == OTHER for v in flat):
        return OTHER
    kind = "data" if any(v.kind in ("data", "index") for v in flat) else (
        "score" if any(v.kind == "score" for v in flat) else ("stat" if any(v.kind == "stat" for v in flat) else flat[0].kind))
    obj = next((v.obj for v in flat if v.obj is not None), None) if kind == "obj" else None
    return Val(
        kind=kind,
        sides=frozenset().union(*(v.sides for v in flat)),
        events=frozenset().union(*(v.events for v in flat)),
        split=next((v.split for v in flat if v.split is not None), None),
        carved=any(v.carved for v in flat),
        obj=obj,
        preds=frozenset().union(*(v.preds for v in flat)),
        reads=frozenset().union(*(v.reads for v in flat)),
        testscore=any(v.testscore for v in flat),
        roots=frozenset().union(*(v.roots for v in flat)),
        made=next((v.made for v in flat if v.made is not None), None),
        looped=any(v.looped for v in flat),
        insample=any(v.insample for v in flat),
        labelled=any(v.labelled for v in flat),
        single=all_single(flat),
    )


def all_single(vals: list[Val]) -> bool:
    """Whether every data-like value among ``vals`` is one sample (so what they make is one sample too)."""
    datas = [v for v in vals if v.kind in ("data", "index", "stat")]
    return bool(datas) and all(v.single for v in datas)


def flatten(v: Val) -> list[Val]:
    """The items of a tuple/list value, or the value itself."""
    return list(v.items) if v.kind == "tuple" and v.items else [v]


def deep(v: Val) -> list[Val]:
    """The leaves of nested tuple/list values."""
    if v.kind == "tuple":
        return [x for item in v.items for x in deep(item)]
    return [v]
