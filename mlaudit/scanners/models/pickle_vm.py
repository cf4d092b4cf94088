"""A symbolic pickle machine: decodes every opcode and rebuilds the object tree without importing anything.

Globals become ``Global(module, name)`` placeholders; calls (REDUCE, NEWOBJ, INST, OBJ) become ``Obj``
records holding the callable, its arguments and the state BUILD gives them. Nothing is ever called.
joblib's NumpyArrayWrapper is followed by raw array bytes in the middle of the stream (or by a nested
pickle for object arrays): the machine steps over them using the wrapper's shape, dtype and alignment,
so whatever comes after the arrays is still read.
"""

from __future__ import annotations

import codecs
import functools
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlaudit.scanners.models.limits import Budget, LimitExceeded

MAX_LINE = 1 << 20
JOBLIB_WRAPPERS = ("joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle")


class PickleError(Exception):
    """The stream is not a valid pickle at ``pos`` (truncated, unknown opcode, stack misuse)."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        super().__init__(message if pos is None else f"{message} at byte {pos}")
        self.pos = pos


@dataclass(slots=True, eq=False)
class Global:
    """An imported name, never resolved."""

    module: str
    name: str

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(slots=True, eq=False)
class Obj:
    """The result of calling ``func`` with ``args`` at load time, plus the state and items set afterwards."""

    func: Any
    args: tuple = ()
    kwargs: Any = None
    state: Any = None
    listitems: list = field(default_factory=list)
    dictitems: list = field(default_factory=list)
    raw: Any = None  # joblib: the array bytes (memoryview) or the nested object array that followed

    @property
    def cls_name(self) -> str:
        """``module.name`` of the class or callable that builds this object, when it is a plain global."""
        func = self.func
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
    """One global imported by the stream: module, name, byte offset, opcode."""

    module: str
    name: str
    pos: int
    opcode: str
    stream: int = 0


@dataclass(slots=True)
class StreamResult:
    """What one run over a byte buffer found: the roots of each stream, its globals, where it stopped."""

    roots: list[Any] = field(default_factory=list)
    globals: list[GlobalRef] = field(default_factory=list)
    persistent_ids: list[Any] = field(default_factory=list)
    end: int = 0
    streams: int = 0
    protocols: set[int] = field(default_factory=set)
    joblib_arrays: int = 0
    errors: list[str] = field(default_factory=list)


_MARK = object()


class PickleMachine:
    """Runs pickle streams symbolically over ``data`` starting at ``pos``."""

    def __init__(self, data: bytes | memoryview, budget: Budget, result: StreamResult | None = None) -> None:
        self.raw = data if isinstance(data, bytes) else bytes(data)
        self.data = memoryview(self.raw)
        self.n = len(self.raw)
        self.budget = budget
        self.result = result or StreamResult()
        self.objects = 0

    # --- reading ---------------------------------------------------------------------------------
    def _take(self, pos: int, k: int) -> memoryview:
        if k < 0 or pos + k > self.n:
            raise PickleError(f"truncated: needs {k} bytes", pos)
        return self.data[pos:pos + k]

    def _line(self, pos: int) -> tuple[bytes, int]:
        end = self.raw.find(b"\n", pos, pos + MAX_LINE)
        if end < 0:
            raise PickleError("unterminated text argument", pos)
        return self.raw[pos:end], end + 1

    def _memo_index(self, op: int, pos: int, start: int) -> tuple[int, int]:
        """The memo index after a GET/PUT (text line), BINGET/BINPUT (1 byte) or LONG_* (4 bytes) opcode, and the next position."""
        if op in (0x67, 0x70):
            text, pos = self._line(pos)
            return _int_or_fail(text, start), pos
        if op in (0x68, 0x71):
            return self._take(pos, 1)[0], pos + 1
        return struct.unpack("<I", self._take(pos, 4))[0], pos + 4

    def _count(self) -> None:
        self.objects += 1
        if self.objects > self.budget.limits.max_objects:
            raise LimitExceeded(f"more than {self.budget.limits.max_objects} objects in one pickle")

    # --- the machine -----------------------------------------------------------------------------
    def run_stream(self, pos: int, depth: int = 0) -> tuple[Any, int]:
        """Run one stream from ``pos`` to its STOP; return (root, position after STOP)."""
        try:
            return self._run(pos, depth)
        except IndexError:  # popping an empty stack: the stream is inconsistent
            raise PickleError(f"stack underflow in the stream starting at byte {pos}") from None
        except UnicodeDecodeError as exc:  # the real unpickler refuses these too
            raise PickleError(f"invalid UTF-8 text ({exc.reason}) in the stream starting at byte {pos}") from None

    def _run(self, pos: int, depth: int) -> tuple[Any, int]:
        if depth > self.budget.limits.max_depth:
            raise LimitExceeded("nested pickles too deep")
        stack: list[Any] = []
        metastack: list[list[Any]] = []
        memo: dict[int, Any] = {}
        stream = self.result.streams
        self.result.streams += 1
        data, take, line, budget = self.data, self._take, self._line, self.budget

        def pop_mark() -> list[Any]:
            nonlocal stack
            if not metastack:
                raise PickleError("MARK expected", pos)
            items = stack
            stack = metastack.pop()
            return items

        def add_global(module: Any, name: Any, op: str) -> Global:
            if not isinstance(module, str) or not isinstance(name, str):
                ref = GlobalRef(module if isinstance(module, str) else _describe(module),
                                name if isinstance(name, str) else _describe(name), start, op, stream)
                self.result.globals.append(ref)
                return Global(ref.module, ref.name)
            self.result.globals.append(GlobalRef(module, name, start, op, stream))
            return Global(module, name)

        n = self.n
        ops = 0
        memo_cap = budget.limits.max_objects
        while True:
            ops += 1
            if ops & 0xFFF == 0:
                budget.tick(0x1000)
            if pos >= n:
                raise PickleError("truncated: no STOP opcode", pos)
            start = pos
            op = data[pos]
            pos += 1
            # the most frequent opcodes first (memo, short strings, marks, dict items, small ints)
            if op == 0x94:  # MEMOIZE
                if not stack:
                    raise PickleError("MEMOIZE on an empty stack", start)
                if len(memo) >= memo_cap:
                    raise LimitExceeded(f"more than {memo_cap} memo entries")
                memo[len(memo)] = stack[-1]
            elif op == 0x8C:  # SHORT_BINUNICODE
                k = data[pos] if pos < n else -1
                if k < 0 or pos + 1 + k > n:
                    raise PickleError("truncated string", start)
                stack.append(str(data[pos + 1:pos + 1 + k], "utf-8", "surrogatepass"))
                pos += 1 + k
            elif op == 0x71:  # BINPUT
                if not stack or pos >= n:
                    raise PickleError("bad BINPUT", start)
                memo[data[pos]] = stack[-1]
                pos += 1
            elif op == 0x68:  # BINGET
                if pos >= n or data[pos] not in memo:
                    raise PickleError("memo key not defined", start)
                stack.append(memo[data[pos]])
                pos += 1
            elif op == 0x28:  # MARK
                metastack.append(stack)
                stack = []
                if len(metastack) > 100_000:
                    raise LimitExceeded("MARK nesting too deep")
            elif op == 0x75:  # SETITEMS
                items = pop_mark()
                _setitems(pop_top(stack, start), items)
            elif op == 0x80:  # PROTO
                self.result.protocols.add(take(pos, 1)[0])
                pos += 1
            elif op == 0x95:  # FRAME
                take(pos, 8)
                pos += 8
            elif op == 0x2E:  # STOP
                root = stack.pop()
                return root, pos
            elif op == 0x30:  # POP
                if stack:
                    stack.pop()
                else:
                    pop_mark()
            elif op == 0x31:  # POP_MARK
                pop_mark()
            elif op == 0x32:  # DUP
                if not stack:
                    raise PickleError("stack underflow", start)
                stack.append(stack[-1])
            elif op == 0x4E:  # NONE
                stack.append(None)
            elif op == 0x88:
                stack.append(True)
            elif op == 0x89:
                stack.append(False)
            elif op == 0x4B:  # BININT1
                stack.append(take(pos, 1)[0])
                pos += 1
            elif op == 0x4D:  # BININT2
                stack.append(struct.unpack("<H", take(pos, 2))[0])
                pos += 2
            elif op == 0x4A:  # BININT
                stack.append(struct.unpack("<i", take(pos, 4))[0])
                pos += 4
            elif op == 0x8A:  # LONG1
                k = take(pos, 1)[0]
                stack.append(int.from_bytes(take(pos + 1, k), "little", signed=True))
                pos += 1 + k
            elif op == 0x8B:  # LONG4
                k = struct.unpack("<i", take(pos, 4))[0]
                if k < 0 or k > 1 << 16:
                    raise PickleError(f"LONG4 of {k} bytes", start)
                stack.append(int.from_bytes(take(pos + 4, k), "little", signed=True))
                pos += 4 + k
            elif op in (0x49, 0x4C):  # INT, LONG (text)
                text, pos = line(pos)
                text = text.rstrip(b"L")
                if text in (b"00", b"01") and op == 0x49:
                    stack.append(text == b"01")
                else:
                    try:
                        stack.append(int(text[:4000]))
                    except ValueError:
                        raise PickleError("bad integer", start) from None
            elif op == 0x46:  # FLOAT
                text, pos = line(pos)
                try:
                    stack.append(float(text[:400]))
                except ValueError:
                    raise PickleError("bad float", start) from None
            elif op == 0x47:  # BINFLOAT
                stack.append(struct.unpack(">d", take(pos, 8))[0])
                pos += 8
            elif op in (0x43, 0x42, 0x8E, 0x96, 0x55, 0x54):  # SHORT_BINBYTES BINBYTES BINBYTES8 BYTEARRAY8 SHORT_BINSTRING BINSTRING
                width = {0x43: 1, 0x55: 1, 0x42: 4, 0x54: 4, 0x8E: 8, 0x96: 8}[op]
                raw = take(pos, width)
                k = raw[0] if width == 1 else int.from_bytes(raw, "little", signed=(op == 0x54))
                pos += width
                blob = take(pos, k)
                pos += k
                if op in (0x55, 0x54):
                    stack.append(bytes(blob).decode("latin-1"))
                else:
                    stack.append(bytes(blob) if k <= 4096 else blob)
            elif op == 0x53:  # STRING (quoted text)
                text, pos = line(pos)
                if len(text) >= 2 and text[0] == text[-1] and text[0] in b"'\"":
                    text = text[1:-1]
                try:
                    stack.append(codecs.escape_decode(text)[0].decode("latin-1"))
                except ValueError:
                    raise PickleError("bad STRING", start) from None
            elif op in (0x8C, 0x58, 0x8D):  # (SHORT_)BINUNICODE(8)
                width = {0x8C: 1, 0x58: 4, 0x8D: 8}[op]
                raw = take(pos, width)
                k = raw[0] if width == 1 else int.from_bytes(raw, "little")
                pos += width
                stack.append(str(take(pos, k), "utf-8", "surrogatepass"))
                pos += k
            elif op == 0x56:  # UNICODE (text)
                text, pos = line(pos)
                stack.append(text.decode("raw-unicode-escape", "replace"))
            elif op == 0x97:  # NEXT_BUFFER
                stack.append(Opaque("out-of-band buffer"))
            elif op == 0x98:  # READONLY_BUFFER
                pass
            elif op == 0x5D:  # EMPTY_LIST
                self._count()
                stack.append([])
            elif op == 0x29:  # EMPTY_TUPLE
                stack.append(())
            elif op == 0x7D:  # EMPTY_DICT
                self._count()
                stack.append({})
            elif op == 0x8F:  # EMPTY_SET
                self._count()
                stack.append([])
            elif op == 0x6C:  # LIST
                self._count()
                items = pop_mark()
                stack.append(items)
            elif op == 0x74:  # TUPLE
                items = pop_mark()
                stack.append(tuple(items))
            elif op in (0x85, 0x86, 0x87):  # TUPLE1..3
                k = op - 0x84
                if len(stack) < k:
                    raise PickleError("stack underflow", start)
                items = tuple(stack[-k:])
                del stack[-k:]
                stack.append(items)
            elif op == 0x64:  # DICT
                items = pop_mark()
                self._count()
                stack.append(_to_dict(items))
            elif op == 0x91:  # FROZENSET
                items = pop_mark()
                stack.append(tuple(items))
            elif op == 0x61:  # APPEND
                value = stack.pop()
                _append(pop_top(stack, start), [value])
            elif op == 0x65:  # APPENDS
                items = pop_mark()
                _append(pop_top(stack, start), items)
            elif op == 0x90:  # ADDITEMS
                items = pop_mark()
                _append(pop_top(stack, start), items)
            elif op == 0x73:  # SETITEM
                value = stack.pop()
                k_ = stack.pop()
                _setitems(pop_top(stack, start), [k_, value])
            elif op in (0x67, 0x68, 0x6A):  # GET BINGET LONG_BINGET
                idx, pos = self._memo_index(op, pos, start)
                if idx not in memo:
                    raise PickleError(f"memo key {idx} not defined", start)
                stack.append(memo[idx])
            elif op in (0x70, 0x71, 0x72):  # PUT BINPUT LONG_BINPUT
                idx, pos = self._memo_index(op, pos, start)
                if not stack:
                    raise PickleError("PUT on an empty stack", start)
                if len(memo) >= memo_cap:
                    raise LimitExceeded(f"more than {memo_cap} memo entries")
                memo[idx] = stack[-1]
            elif op in (0x82, 0x83, 0x84):  # EXT1 EXT2 EXT4
                width = {0x82: 1, 0x83: 2, 0x84: 4}[op]
                code = int.from_bytes(take(pos, width), "little")
                pos += width
                self.result.globals.append(GlobalRef("extension-registry", str(code), start, "EXT", stream))
                stack.append(Opaque("extension", code))
            elif op == 0x63:  # GLOBAL
                module, pos = line(pos)
                name, pos = line(pos)
                stack.append(add_global(module.decode("utf-8", "replace"), name.decode("utf-8", "replace"), "GLOBAL"))
            elif op == 0x93:  # STACK_GLOBAL
                name = stack.pop()
                module = stack.pop()
                stack.append(add_global(module, name, "STACK_GLOBAL"))
            elif op == 0x69:  # INST
                module, pos = line(pos)
                name, pos = line(pos)
                cls = add_global(module.decode("utf-8", "replace"), name.decode("utf-8", "replace"), "INST")
                self._count()
                items = pop_mark()
                stack.append(Obj(cls, tuple(items)))
            elif op == 0x6F:  # OBJ
                items = pop_mark()
                if not items:
                    raise PickleError("OBJ without a class", start)
                self._count()
                stack.append(Obj(items[0], tuple(items[1:])))
            elif op == 0x52:  # REDUCE
                args = stack.pop()
                func = stack.pop()
                self._count()
                stack.append(Obj(func, args if isinstance(args, tuple) else (args,)))
            elif op == 0x81:  # NEWOBJ
                args = stack.pop()
                cls = stack.pop()
                self._count()
                stack.append(Obj(cls, args if isinstance(args, tuple) else (args,)))
            elif op == 0x92:  # NEWOBJ_EX
                kwargs = stack.pop()
                args = stack.pop()
                cls = stack.pop()
                self._count()
                stack.append(Obj(cls, args if isinstance(args, tuple) else (args,), kwargs))
            elif op == 0x62:  # BUILD
                state = stack.pop()
                if not stack:
                    raise PickleError("BUILD on an empty stack", start)
                target = stack[-1]
                if isinstance(target, Obj):
                    target.state = state
                    if _is_joblib_wrapper(target):
                        pos = self._skip_joblib_array(target, pos, depth)
            elif op == 0x50:  # PERSID
                text, pos = line(pos)
                self.result.persistent_ids.append(text.decode("utf-8", "replace"))
                stack.append(Opaque("persistent id", text.decode("utf-8", "replace")))
            elif op == 0x51:  # BINPERSID
                pid = stack.pop()
                self.result.persistent_ids.append(pid)
                stack.append(Opaque("persistent id", pid))
            else:
                raise PickleError(f"unknown opcode 0x{op:02x}", start)

    def _skip_joblib_array(self, wrapper: Obj, pos: int, depth: int) -> int:
        """Step over the array data joblib wrote right after a NumpyArrayWrapper; return the new position."""
        state = wrapper.state if isinstance(wrapper.state, dict) else {}
        shape = state.get("shape", ())
        dtype = state.get("dtype")
        self.result.joblib_arrays += 1
        if not isinstance(shape, tuple) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise PickleError("joblib array with an invalid shape", pos)
        count = 1
        for d in shape:
            count *= d
        kind, itemsize = dtype_info(dtype)
        if kind == "O":  # object arrays are a complete nested pickle
            root, pos = self.run_stream(pos, depth + 1)
            wrapper.raw = root
            return pos
        if itemsize is None:
            raise PickleError("joblib array with an unreadable dtype", pos)
        if state.get("numpy_array_alignment_bytes") is not None:
            padding = self._take(pos, 1)[0]
            pos += 1 + padding
        size = count * itemsize
        wrapper.raw = self._take(pos, size)
        return pos + size


def pop_top(stack: list[Any], pos: int) -> Any:
    if not stack:
        raise PickleError("stack underflow", pos)
    return stack[-1]


def _int_or_fail(text: bytes, pos: int) -> int:
    try:
        return int(text[:20])
    except ValueError:
        raise PickleError("bad memo index", pos) from None


def _describe(value: Any) -> str:
    """A readable stand-in for a non-string module or name given to STACK_GLOBAL."""
    if isinstance(value, Global):
        return f"<{value.qualname}>"
    if isinstance(value, Obj):
        return f"<result of {value.cls_name}>"
    return f"<{type(value).__name__}>"


def _hashable(key: Any) -> Any:
    try:
        hash(key)
        return key
    except TypeError:
        return Key(key)


def _to_dict(items: list[Any]) -> dict[Any, Any]:
    return {_hashable(items[i]): items[i + 1] for i in range(0, len(items) - 1, 2)}


def _append(target: Any, items: list[Any]) -> None:
    if isinstance(target, list):
        target.extend(items)
    elif isinstance(target, Obj):
        target.listitems.extend(items)


def _setitems(target: Any, items: list[Any]) -> None:
    if isinstance(target, dict):
        for i in range(0, len(items) - 1, 2):
            target[_hashable(items[i])] = items[i + 1]
    elif isinstance(target, Obj):
        target.dictitems.extend(zip(items[::2], items[1::2]))


def _is_joblib_wrapper(obj: Obj) -> bool:
    func = obj.func
    return isinstance(func, Global) and func.name == "NumpyArrayWrapper" and func.module in JOBLIB_WRAPPERS


def dtype_info(dtype: Any) -> tuple[str | None, int | None]:
    """(kind, itemsize) of a pickled ``numpy.dtype`` placeholder, without numpy evaluating anything foreign."""
    if not isinstance(dtype, Obj) or not dtype.args or not isinstance(dtype.args[0], str):
        return None, None
    code = dtype.args[0]
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    if code.startswith("O"):
        return "O", None
    if len(state) > 5 and isinstance(state[5], int) and state[5] > 0:
        return code[0], state[5]
    return _numpy_kind(code)


@functools.lru_cache(maxsize=1024)
def _numpy_kind(code: str) -> tuple[str | None, int | None]:
    """(kind, itemsize) numpy gives a dtype string (only strings are ever passed to numpy)."""
    try:
        dt = np.dtype(code)
    except (TypeError, ValueError, SyntaxError):
        return None, None
    if dt.hasobject:
        return "O", None
    return dt.kind, dt.itemsize or None
