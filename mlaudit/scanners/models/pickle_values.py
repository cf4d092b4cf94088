"""The values the symbolic pickle machine builds and reports: placeholders, call and global logs, reasons, the result."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ARRAY_VALUES_KEPT = 2000  # streamed input: joblib arrays of more elements are dropped (metadata decodes up to this)
JOBLIB_WRAPPERS = ("joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle")
DANGEROUS, INCONCLUSIVE, SAFE = "dangerous", "inconclusive", "safe"


class PickleError(Exception):
    """The stream is not a valid pickle at ``pos`` (truncated, unknown opcode, stack misuse)."""

    def __init__(self, message: str, pos: int | None = None, absolute: bool = False) -> None:
        super().__init__(message if pos is None else f"{message} at byte {pos}")
        self.message = message
        self.pos = pos
        self.absolute = absolute  # pos counts from the start of the data, not of the machine's current window


class Unmodelled(PickleError):
    """Bytes the machine cannot read exactly as the loader would (e.g. a joblib array it cannot size)."""


class Stopped(Exception):
    """Raised by the STOP handler to leave the loop with the root object."""

    def __init__(self, root: Any, pos: int) -> None:
        super().__init__("STOP")
        self.root = root
        self.pos = pos


@dataclass(slots=True, eq=False)
class Global:
    """An imported name, never resolved; ``qualname`` (``module.name``) is computed once."""

    module: str
    name: str
    qualname: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.qualname = f"{self.module}.{self.name}"


@dataclass(slots=True, eq=False)
class Obj:
    """The result of calling ``func`` with ``args`` at load time, plus the state and items set afterwards."""

    func: Any
    args: tuple[Any, ...] = ()
    kwargs: Any = None
    state: Any = None
    listitems: list[Any] = field(default_factory=list)
    dictitems: list[Any] = field(default_factory=list)
    raw: Any = None  # joblib: the array bytes (memoryview) or the nested object array that followed
    array_read: bool = False  # joblib: this is the array a wrapper's BUILD produced (not the wrapper itself)

    @property
    def cls_name(self) -> str:
        """``module.name`` of the class or callable that builds this object, when it is a plain global."""
        func = self.func
        if type(func) is Global and not func.name.endswith(("_reconstructor", "__newobj__")):
            return func.qualname  # the usual case: a plain class
        if isinstance(func, Global) and func.qualname.endswith(("copyreg._reconstructor", "copy_reg._reconstructor")):
            func = self.args[0] if self.args else func
        if isinstance(func, Global) and func.name == "__newobj__" and self.args:
            func = self.args[0]
        return func.qualname if isinstance(func, Global) else type(func).__name__


@dataclass(slots=True, eq=False)
class Opaque:
    """A value the machine cannot know (persistent id, out-of-band buffer, extension code)."""

    what: str
    detail: Any = None


@dataclass(slots=True, eq=False)
class Key:
    """Wraps an unhashable dict key."""

    value: Any


@dataclass(slots=True)
class GlobalRef:
    """One global imported by the stream: module and name as CPython imports them, byte offset, opcode.

    ``written`` is the (module, name) pair as the stream spells it (differs for Python 2 names at protocol < 3).
    """

    module: str
    name: str
    pos: int
    opcode: str
    stream: int = 0
    written: tuple[str, str] | None = None

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(slots=True)
class CallRef:
    """One invocation at load time (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ), in the order CPython makes it."""

    obj: Obj
    opcode: str
    pos: int
    stream: int = 0

    @property
    def target(self) -> str:
        """``module.name`` of the invoked global, or ``<...>`` for a value computed while loading."""
        func = self.obj.func
        if isinstance(func, Global):
            return func.qualname
        if isinstance(func, Obj):
            return f"<result of {func.cls_name}>"
        if isinstance(func, Opaque):
            return f"<{func.what}>"
        return f"<{type(func).__name__}>"


@dataclass(slots=True, frozen=True)
class Reason:
    """Why a stream is not safe: kind, one-sentence message, byte offset of the opcode, the verdict it implies."""

    kind: str
    message: str
    pos: int | None
    verdict: str = INCONCLUSIVE

    def __str__(self) -> str:
        return self.message if self.pos is None else f"{self.message} (byte {self.pos})"


@dataclass(slots=True)
class StreamResult:
    """What one run over a byte buffer found: roots, globals in import order, calls in call order, reasons."""

    roots: list[Any] = field(default_factory=list)
    globals: list[GlobalRef] = field(default_factory=list)
    calls: list[CallRef] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)  # the machine's own: damage, caps, unmodelled bytes, EXT
    persistent_ids: list[Any] = field(default_factory=list)
    end: int = 0
    streams: int = 0
    protocols: set[int] = field(default_factory=set)
    joblib_arrays: int = 0
    errors: list[str] = field(default_factory=list)
    legacy_torch: bool = False  # the legacy (non-zip) torch format: five streams, then raw storages

    def judge(self) -> tuple[str, list[Reason]]:
        """(verdict, every reason) from the machine's reasons and the policy applied to globals and calls."""
        from mlaudit.scanners.models.policy import judge

        return judge(self)

    @property
    def verdict(self) -> str:
        """dangerous | inconclusive | safe (safe only when every opcode was read and every callable is allowed)."""
        return self.judge()[0]

    @property
    def reasons(self) -> list[Reason]:
        """Every reason: the machine's notes plus the policy's (dangerous and unknown globals, unknown callables)."""
        return self.judge()[1]


def dtype_info(dtype: Any) -> tuple[str | None, int | None]:
    """(kind, itemsize) of a pickled ``numpy.dtype`` placeholder, for metadata display only (not for stepping)."""
    if not isinstance(dtype, Obj) or not dtype.args or not isinstance(dtype.args[0], str):
        return None, None
    code = dtype.args[0]
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    if code.startswith("O"):
        return "O", None
    kind, size = numpy_kind(code)
    if kind in ("S", "U", "V") and len(state) > 5 and isinstance(state[5], int) and state[5] > 0:
        return kind, state[5]
    return kind, size


@functools.lru_cache(maxsize=1024)
def numpy_kind(code: str) -> tuple[str | None, int | None]:
    """(kind, itemsize) numpy gives a dtype string (only strings are ever passed to numpy)."""
    try:
        dt = np.dtype(code)
    except (TypeError, ValueError, SyntaxError):
        return None, None
    if dt.hasobject:
        return "O", None
    return dt.kind, dt.itemsize or None
