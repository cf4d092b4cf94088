"""joblib's NumpyArrayWrapper: the array bytes that follow its BUILD, stepped over exactly as joblib reads them.

joblib's ``NumpyUnpickler.load_build`` replaces a wrapper by the array it reads from the file right after
the BUILD opcode: a nested pickle when the dtype has objects, else an optional padding byte and padding,
then ``count * itemsize`` bytes. The machine steps over them only when it knows those numbers exactly as
numpy and joblib would compute them; anything else is ``Unmodelled`` (the stream is inconclusive).

A plain ``pickle.load`` of the same bytes does not know the wrapper and reads the array bytes as opcodes.
So the bytes after every wrapper are also read the plain way by a probe (bounded, mutating nothing), and
the dangerous imports that reading reaches are reported too: a fake wrapper cannot hide a payload.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from mlaudit.scanners.models.limits import LimitExceeded
from mlaudit.scanners.models.pickle_ops import NAMES
from mlaudit.scanners.models.pickle_values import (
    ARRAY_VALUES_KEPT,
    JOBLIB_WRAPPERS,
    Global,
    Obj,
    PickleError,
    Reason,
    StreamResult,
    Unmodelled,
    numpy_kind,
)

if TYPE_CHECKING:
    from mlaudit.scanners.models.pickle_vm import PickleMachine, State

WRAPPER_NAMES = frozenset(f"{m}.NumpyArrayWrapper" for m in JOBLIB_WRAPPERS)
KEEP_ARRAY = 1 << 20  # streamed input: joblib arrays of more bytes are dropped
PROBE_BYTES = 1 << 16  # bytes after a wrapper read the plain-pickle way
INT64_MAX = (1 << 63) - 1
HASOBJECT = 0x01  # NPY_ITEM_HASOBJECT in a pickled dtype's flags


def build_wrapper(m: PickleMachine, st: State, wrapper: Obj, state: Any, pos: int) -> int:
    """BUILD on a wrapper: set its state, probe the plain reading, step over the array; the array replaces it."""
    m.result.joblib_arrays += 1
    if isinstance(wrapper.state, dict) and isinstance(state, dict):
        wrapper.state = {**wrapper.state, **state}  # BUILD updates __dict__: a second BUILD adds to the first
    else:
        wrapper.state = state
    probe_plain(m, st, pos)
    if st.frame_end > m.base + pos:
        raise Unmodelled("a joblib array inside an unfinished pickle frame (joblib reads it from after the frame)", pos)
    array = Obj(wrapper.func, wrapper.args, wrapper.kwargs, wrapper.state, array_read=True)
    pos = _skip(m, st, array, pos)
    st.stack[-1] = array
    return pos


def element_count(shape: Any, pos: int) -> int:
    """``count`` as joblib computes it (a product of int64 values); Unmodelled when it would not be exact."""
    if type(shape) is tuple and len(shape) == 1 and type(shape[0]) is int and 0 <= shape[0] <= INT64_MAX:
        return shape[0]  # the usual one-dimensional array
    if not isinstance(shape, (tuple, list)) or not all(type(d) in (int, bool) for d in shape):
        raise Unmodelled("a joblib array whose shape is not a sequence of integers", pos)
    count = 1
    for d in shape:
        count *= int(d)
        if not 0 <= count <= INT64_MAX:
            raise Unmodelled("a joblib array whose element count is negative or overflows int64", pos)
    return count


def dtype_layout(dtype: Any, pos: int) -> tuple[bool, int]:
    """(hasobject, itemsize) of a pickled numpy.dtype as numpy's __setstate__ leaves them; Unmodelled otherwise."""
    real = _base_dtype(dtype, pos)
    state = dtype.state
    if state is None:
        return real.hasobject, real.itemsize
    if not (isinstance(state, tuple) and len(state) >= 8 and state[0] in (3, 4) and isinstance(state[7], int)):
        raise Unmodelled("a joblib array whose dtype state the machine does not know", pos)
    if real.kind == "O":
        return True, real.itemsize
    if real.kind not in "SUV":
        return _numeric_layout(real, state, pos)
    return _flexible_layout(real, state, pos)


def _base_dtype(dtype: Any, pos: int) -> Any:
    """The numpy dtype a pickled ``numpy.dtype(code, ...)`` call starts from (only the code string reaches numpy)."""
    if not (isinstance(dtype, Obj) and isinstance(dtype.func, Global) and dtype.func.qualname == "numpy.dtype"
            and dtype.args and isinstance(dtype.args[0], str)):
        raise Unmodelled("a joblib array whose dtype is not a plain numpy.dtype", pos)
    code = dtype.args[0]
    real = _simple_dtype(code) if numpy_kind(code)[0] is not None else None
    if real is None:
        raise Unmodelled(f"a joblib array with a dtype code numpy reads differently ({code[:40]!r})", pos)
    return real


def _numeric_layout(real: Any, state: tuple[Any, ...], pos: int) -> tuple[bool, int]:
    """Numbers, booleans, dates: numpy ignores the pickled size; objects or fields would be a lie."""
    if state[7] & HASOBJECT or state[2] is not None or state[4] is not None:
        raise Unmodelled("a numeric joblib dtype with object flags or fields", pos)
    return False, real.itemsize


def _flexible_layout(real: Any, state: tuple[Any, ...], pos: int) -> tuple[bool, int]:
    """S, U and V dtypes: numpy takes the size and the object flag from the pickled state."""
    elsize, flag_object = state[5], bool(state[7] & HASOBJECT)
    if type(elsize) is not int or elsize <= 0:
        raise Unmodelled("a flexible joblib dtype without a positive item size", pos)
    inner_object = _inner_object(state[2], state[3], state[4], pos) if real.kind == "V" else False
    if inner_object != flag_object:
        raise Unmodelled("a joblib dtype whose object flag disagrees with its fields", pos)
    return flag_object, elsize


@functools.lru_cache(maxsize=1024)
def _simple_dtype(code: str) -> Any:
    try:
        real = np.dtype(code)
    except (TypeError, ValueError, SyntaxError):
        return None
    return real if real.fields is None and real.subdtype is None else None


def _inner_object(subdescr: Any, names: Any, fields: Any, pos: int) -> bool:
    """Whether a structured or subarray dtype holds Python objects (from its pickled parts)."""
    found = False
    if subdescr is not None:
        if not (isinstance(subdescr, tuple) and len(subdescr) == 2):
            raise Unmodelled("a joblib subarray dtype the machine does not know", pos)
        found = dtype_layout(subdescr[0], pos)[0]
    if fields is not None:
        if not isinstance(fields, dict) or not isinstance(names, tuple):
            raise Unmodelled("a joblib structured dtype the machine does not know", pos)
        for value in fields.values():
            if not (isinstance(value, tuple) and len(value) >= 2):
                raise Unmodelled("a joblib structured dtype field the machine does not know", pos)
            found = dtype_layout(value[0], pos)[0] or found
    return found


def _skip(m: PickleMachine, st: State, array: Obj, pos: int) -> int:
    """Step over the array data joblib reads after the wrapper; return the new position."""
    state = array.state
    if not isinstance(state, dict):
        raise Unmodelled("a joblib array wrapper whose state is not an attribute dict", pos)
    count = element_count(state.get("shape", ()), pos)
    dtype = state.get("dtype")
    cached = m.layouts.get(id(dtype))  # joblib memoizes a dtype and reuses it for every array of that type
    if cached is not None and cached[0] is dtype and cached[1] is getattr(dtype, "state", None):
        hasobject, itemsize = cached[2]
    else:
        hasobject, itemsize = dtype_layout(dtype, pos)
        m.layouts[id(dtype)] = (dtype, getattr(dtype, "state", None), (hasobject, itemsize))
    if hasobject:  # a complete nested pickle, read by a plain unpickler
        plain, m.plain = m.plain, True
        try:
            root, pos = m.run_stream(pos, st.depth + 1)
        finally:
            m.plain = plain
        array.raw = root
        return pos
    if state.get("numpy_array_alignment_bytes") is not None:
        pos = m.need(pos, 1)
        pos += 1 + m.raw[pos]
    return _step(m, array, pos, count, count * itemsize)


def _step(m: PickleMachine, array: Obj, pos: int, count: int, size: int) -> int:
    if m.feed is None:
        pos = m.need(pos, size)
        array.raw = m.data[pos:pos + size]
        return pos + size
    if count <= ARRAY_VALUES_KEPT and size <= KEEP_ARRAY:  # streamed: values metadata may read, copied out
        pos = m.need(pos, size)
        array.raw = bytes(m.data[pos:pos + size])
        return pos + size
    if pos + size <= m.n:  # streamed, larger: stepped over, never kept
        return pos + size
    missing = pos + size - m.n  # decompressed and dropped
    skipped = m.feed.skip(missing)
    m.base += m.n + skipped
    m.raw, m.n = b"", 0
    m.data = memoryview(m.raw)
    if skipped < missing:
        raise PickleError(f"truncated: needs {size} bytes", 0)
    return 0


class _CopyOnPop(list[Any]):
    """The probe's MARK stack: a level it pops is a copy, so the real levels are never appended to."""

    def pop(self, index: int = -1) -> Any:  # type: ignore[override]
        return list(super().pop(index))


class _MemoOverlay(dict[Any, Any]):
    """The probe's memo: reads fall through to the real memo, writes stay here."""

    def __init__(self, parent: dict[int, Any]) -> None:
        super().__init__()
        self.parent = parent
        self.extra = 0

    def __missing__(self, key: int) -> Any:
        return self.parent[key]

    def __setitem__(self, key: int, value: Any) -> None:
        if not dict.__contains__(self, key) and key not in self.parent:
            self.extra += 1
        dict.__setitem__(self, key, value)

    def __len__(self) -> int:
        return len(self.parent) + self.extra


def probe_plain(m: PickleMachine, st: State, pos: int) -> None:
    """Read the bytes after a wrapper's BUILD as plain ``pickle.load`` would; report what that reading reaches."""
    if pos < m.n and m.raw[pos] not in NAMES:
        return  # the plain unpickler stops right there ("invalid load key"): the usual case (a padding byte)
    from mlaudit.scanners.models.pickle_handlers import PLAIN_PROBE_TABLE
    from mlaudit.scanners.models.pickle_vm import PickleMachine, State

    probe = PickleMachine(m.raw, m.budget, StreamResult(), plain=True, table=PLAIN_PROBE_TABLE)
    probe.base = m.base
    probe.n = min(m.n, pos + PROBE_BYTES)
    pst = State(st.stream, st.depth, _MemoOverlay(st.memo))
    pst.stack = list(st.stack)
    pst.metastack = _CopyOnPop(st.metastack)
    pst.proto = st.proto
    whole = probe.n == m.n and (m.feed is None or m.feed.exhausted)
    try:
        probe.run_state(pst, pos)
    except PickleError as exc:
        if exc.message.startswith("truncated") and not whole:
            _note(m, probe, "the bytes after a joblib array wrapper, read as plain pickle.load would, "
                            "run past what the probe reads", pos)
    except LimitExceeded as exc:
        _note(m, probe, f"reading the bytes after a joblib array wrapper as plain pickle.load would stopped: {exc}", pos)
    _merge(m, probe.result)


def _note(m: PickleMachine, probe: PickleMachine, message: str, pos: int) -> None:
    probe.result.notes.append(Reason("joblib-desync", message, m.base + pos, "inconclusive"))


PLAIN_READ = "read by a plain pickle.load after a joblib array wrapper"


def _merge(m: PickleMachine, found: StreamResult) -> None:
    """What the plain reading reaches that is not proven harmless, added to the stream's (it runs under a plain
    pickle.load): dangerous imports and findings, and every invocation of a callable outside the allowlist or
    computed while loading (inconclusive; it runs before the load fails).

    Imports alone of names neither allowed nor denied are not kept: read the plain way, the array bytes of a real
    joblib file are noise (an object array's nested pickle then indexes the outer memo), and an import that is
    never called must not make real files inconclusive (the joblib reading of the same file still reports it).
    """
    from mlaudit.scanners.models.policy import DANGEROUS, call_reasons, classify_global

    for ref in found.globals:
        if classify_global(ref.module, ref.name) == DANGEROUS:
            ref.opcode += f" ({PLAIN_READ})"
            m.result.globals.append(ref)
    m.result.notes.extend(r for r in found.notes if r.verdict == DANGEROUS)
    for r in call_reasons(found):
        if r.verdict != DANGEROUS or not any(n.message == r.message for n in m.result.notes):
            m.result.notes.append(Reason(f"joblib-plain-{r.kind}", f"{r.message} ({PLAIN_READ})", r.pos, r.verdict))
