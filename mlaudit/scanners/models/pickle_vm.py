"""A symbolic pickle machine: decodes every opcode and rebuilds the object tree without importing anything.

Globals become ``Global(module, name)`` placeholders; calls (REDUCE, NEWOBJ, INST, OBJ) become ``Obj``
records holding the callable, its arguments and the state BUILD gives them. Nothing is ever called.
joblib's NumpyArrayWrapper is followed by raw array bytes in the middle of the stream (or by a nested
pickle for object arrays): the machine steps over them using the wrapper's shape, dtype and alignment,
so whatever comes after the arrays is still read.

The opcode loop is written for speed (frequent opcodes first, budgets checked every CHECK_EVERY opcodes).
Big decompressed inputs arrive through a ``Feed``: the machine keeps a window of LOOKAHEAD bytes ahead of
its position, refills it for longer arguments, and decompresses-and-drops large joblib arrays.
"""

from __future__ import annotations

import codecs
import functools
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlaudit.scanners.models.compress import Feed
from mlaudit.scanners.models.limits import Budget, LimitExceeded

MAX_LINE = 1 << 20
BLANK = b"\x00\n\r\t "  # padding a file may carry after its last pickle
CHECK_EVERY = 4096  # opcodes between two checks of the op, time, object and memo budgets
MAX_MARKS = 100_000
_CHUNK = range(CHECK_EVERY)
_U16 = struct.Struct("<H").unpack_from
_I32 = struct.Struct("<i").unpack_from
_U32 = struct.Struct("<I").unpack_from
_U64 = struct.Struct("<Q").unpack_from
_F64 = struct.Struct(">d").unpack_from
_LENGTH = {0x43: struct.Struct("<B"), 0x55: struct.Struct("<B"), 0x42: struct.Struct("<I"), 0x54: struct.Struct("<i"),
           0x8E: struct.Struct("<Q"), 0x96: struct.Struct("<Q")}
LOOKAHEAD = 1 << 16  # streamed input: bytes kept ahead of the position (> CHECK_EVERY opcodes of fixed size)
FEED_READ = 1 << 18  # streamed input: bytes asked from the decompressor at a time
ARRAY_VALUES_KEPT = 2000  # streamed input: joblib arrays of more elements are dropped (metadata decodes up to this)
KEEP_ARRAY = 1 << 20  # streamed input: joblib arrays of more bytes are dropped too
JOBLIB_WRAPPERS = ("joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle")


class PickleError(Exception):
    """The stream is not a valid pickle at ``pos`` (truncated, unknown opcode, stack misuse)."""

    def __init__(self, message: str, pos: int | None = None, absolute: bool = False) -> None:
        super().__init__(message if pos is None else f"{message} at byte {pos}")
        self.message = message
        self.pos = pos
        self.absolute = absolute  # pos counts from the start of the data, not of the machine's current window


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

    def __init__(self, data: bytes | memoryview, budget: Budget, result: StreamResult | None = None,
                 feed: Feed | None = None) -> None:
        self.raw = data if isinstance(data, bytes) else bytes(data)
        self.data = memoryview(self.raw)
        self.n = len(self.raw)
        self.base = 0  # offset of raw[0] in the whole input (moves when a feed refills the window)
        self.feed = feed  # the rest of a streamed (decompressed) input, or None when ``data`` is all of it
        self.budget = budget
        self.result = result or StreamResult()
        self.objects = 0

    # --- reading ---------------------------------------------------------------------------------
    def _fill(self, pos: int, end: int) -> int:
        """Streamed input: make raw[pos:end + LOOKAHEAD] present while the feed lasts; return pos in the new window."""
        feed = self.feed
        if feed is None or feed.exhausted or self.n >= end + LOOKAHEAD:
            return pos
        kept = self.raw[pos:]
        if pos > self.n:  # stepping past the window (padding): those bytes are consumed, not kept
            feed.skip(pos - self.n)
        more = feed.read(max(end - pos + LOOKAHEAD - len(kept), FEED_READ))
        self.base += pos
        self.raw = kept + more
        self.data = memoryview(self.raw)
        self.n = len(self.raw)
        return 0

    def _limit(self) -> int:
        """The position past which a variable-length argument must refill the window first."""
        feed = self.feed
        return self.n if feed is None or feed.exhausted else self.n - LOOKAHEAD

    def _need(self, pos: int, k: int) -> int:
        """Make ``k`` bytes at ``pos`` present; return pos in the (possibly new) window; PickleError when the data ends."""
        if k < 0 or pos + k > self.n:
            if 0 <= k <= self.budget.limits.max_decompressed:  # an absurd length is not read for
                pos = self._fill(pos, pos + k)
            if k < 0 or pos + k > self.n:
                raise PickleError(f"truncated: needs {k} bytes", pos)
        return pos

    def _line(self, pos: int) -> tuple[bytes, int]:
        end = self.raw.find(b"\n", pos, pos + MAX_LINE)
        if end < 0 and self.feed is not None:
            pos = self._fill(pos, pos + MAX_LINE)
            end = self.raw.find(b"\n", pos, pos + MAX_LINE)
        if end < 0:
            raise PickleError("unterminated text argument", pos)
        return self.raw[pos:end], end + 1

    def more_after(self, pos: int) -> tuple[int, bool]:
        """Whether anything but whitespace and NUL bytes follows ``pos``; returns (pos in the window, answer)."""
        while True:
            if self.raw[pos:pos + 4096].strip(BLANK) or self.raw[pos:].strip(BLANK):
                return pos, True
            if self.feed is None or self.feed.exhausted:
                return pos, False
            self.base += self.n  # a blank window is dropped, not kept
            self.raw = self.feed.read(FEED_READ)
            self.data = memoryview(self.raw)
            self.n = len(self.raw)
            pos = 0

    def size_after(self, pos: int) -> int:
        """How many bytes follow ``pos`` (a streamed input is decompressed to its end, nothing kept)."""
        rest = max(self.n - pos, 0)
        return rest + (self.feed.skip(1 << 62) if self.feed is not None else 0)

    # --- the machine -----------------------------------------------------------------------------
    def run_stream(self, pos: int, depth: int = 0) -> tuple[Any, int]:
        """Run one stream from ``pos`` to its STOP; return (root, position after STOP)."""
        try:
            return self._run(pos, depth)
        except PickleError as exc:
            if not self.base or exc.absolute or exc.pos is None:
                raise
            raise PickleError(exc.message, exc.pos + self.base, absolute=True) from None
        except UnicodeDecodeError as exc:  # the real unpickler refuses these too
            raise PickleError(f"invalid UTF-8 text ({exc.reason}) in the stream starting at byte {pos}") from None

    def _global(self, module: Any, name: Any, pos: int, op: str, stream: int) -> Global:
        """Record an imported global (a non-string module or name is described, never resolved)."""
        if not isinstance(module, str):
            module = _describe(module)
        if not isinstance(name, str):
            name = _describe(name)
        self.result.globals.append(GlobalRef(module, name, pos, op, stream))  # pos: from the start of the data
        return Global(module, name)

    def _checkpoint(self, made: int, memo: dict[int, Any], marks: int) -> None:
        """Every CHECK_EVERY opcodes: the op and time budget, and the object, memo and MARK caps."""
        self.budget.tick(CHECK_EVERY)
        self._objects(made)
        if len(memo) > self.budget.limits.max_objects:
            raise LimitExceeded(f"more than {self.budget.limits.max_objects} memo entries")
        if marks > MAX_MARKS:
            raise LimitExceeded("MARK nesting too deep")

    def _objects(self, made: int) -> None:
        self.objects += made
        if self.objects > self.budget.limits.max_objects:
            raise LimitExceeded(f"more than {self.budget.limits.max_objects} objects in one pickle")

    def _run(self, pos: int, depth: int) -> tuple[Any, int]:
        """The opcode loop: the most frequent opcodes first; bounds are checked every CHECK_EVERY opcodes."""
        if depth > self.budget.limits.max_depth:
            raise LimitExceeded("nested pickles too deep")
        stack: list[Any] = []
        metastack: list[list[Any]] = []
        memo: dict[int, Any] = {}
        stream = self.result.streams
        self.result.streams += 1
        pos = self._fill(pos, pos)
        raw, n, lim, add_global = self.raw, self.n, self._limit(), self._global
        made = 0  # lists, dicts and objects built since the last checkpoint
        try:
            while True:
                for i in _CHUNK:
                    op = raw[pos]
                    pos += 1
                    if op == 0x68:  # BINGET
                        stack.append(memo[raw[pos]])
                        pos += 1
                    elif op == 0x94:  # MEMOIZE
                        memo[len(memo)] = stack[-1]
                    elif op == 0x8C:  # SHORT_BINUNICODE
                        end = pos + 1 + raw[pos]
                        if end > lim:
                            pos = self._need(pos, 1 + raw[pos])
                            raw, n, lim = self.raw, self.n, self._limit()
                            end = pos + 1 + raw[pos]
                        stack.append(raw[pos + 1:end].decode("utf-8", "surrogatepass"))
                        pos = end
                    elif op == 0x4B:  # BININT1
                        stack.append(raw[pos])
                        pos += 1
                    elif op == 0x71:  # BINPUT
                        memo[raw[pos]] = stack[-1]
                        pos += 1
                    elif op == 0x4E:  # NONE
                        stack.append(None)
                    elif op == 0x28:  # MARK
                        metastack.append(stack)
                        stack = []
                    elif op == 0x62:  # BUILD
                        state = stack.pop()
                        target = stack[-1]
                        if type(target) is Obj:
                            target.state = state
                            func = target.func
                            if type(func) is Global and func.name == "NumpyArrayWrapper" and func.module in JOBLIB_WRAPPERS:
                                pos = self._skip_joblib_array(target, pos, depth)
                                pos = self._fill(pos, pos)
                                raw, n, lim = self.raw, self.n, self._limit()
                    elif op == 0x85:  # TUPLE1
                        stack[-1] = (stack[-1],)
                    elif op == 0x52:  # REDUCE
                        args = stack.pop()
                        stack[-1] = Obj(stack[-1], args if type(args) is tuple else (args,))
                        made += 1
                    elif op == 0x88:  # NEWTRUE
                        stack.append(True)
                    elif op == 0x75:  # SETITEMS
                        items = stack
                        stack = metastack.pop()
                        _setitems(stack[-1], items)
                    elif op == 0x7D:  # EMPTY_DICT
                        stack.append({})
                        made += 1
                    elif op == 0x87:  # TUPLE3
                        c = stack.pop()
                        b = stack.pop()
                        stack[-1] = (stack[-1], b, c)
                    elif op == 0x89:  # NEWFALSE
                        stack.append(False)
                    elif op == 0x29:  # EMPTY_TUPLE
                        stack.append(())
                    elif op == 0x81:  # NEWOBJ
                        args = stack.pop()
                        stack[-1] = Obj(stack[-1], args if type(args) is tuple else (args,))
                        made += 1
                    elif op == 0x4A:  # BININT
                        stack.append(_I32(raw, pos)[0])
                        pos += 4
                    elif op == 0x74:  # TUPLE
                        items = stack
                        stack = metastack.pop()
                        stack.append(tuple(items))
                    elif op == 0x58:  # BINUNICODE
                        k = _U32(raw, pos)[0]
                        pos += 4
                        if pos + k > lim:
                            pos = self._need(pos, k)
                            raw, n, lim = self.raw, self.n, self._limit()
                        stack.append(raw[pos:pos + k].decode("utf-8", "surrogatepass"))
                        pos += k
                    elif op == 0x95:  # FRAME
                        _U64(raw, pos)
                        pos += 8
                    elif op == 0x47:  # BINFLOAT
                        stack.append(_F64(raw, pos)[0])
                        pos += 8
                    elif op == 0x93:  # STACK_GLOBAL
                        name = stack.pop()
                        stack[-1] = add_global(stack[-1], name, self.base + pos - 1, "STACK_GLOBAL", stream)
                    elif op == 0x72:  # LONG_BINPUT
                        memo[_U32(raw, pos)[0]] = stack[-1]
                        pos += 4
                    elif op == 0x86:  # TUPLE2
                        b = stack.pop()
                        stack[-1] = (stack[-1], b)
                    elif op == 0x6A:  # LONG_BINGET
                        stack.append(memo[_U32(raw, pos)[0]])
                        pos += 4
                    elif op in (0x43, 0x42, 0x8E, 0x96):  # SHORT_BINBYTES BINBYTES BINBYTES8 BYTEARRAY8: skipped by length
                        k, pos = _length(raw, pos, op)
                        if pos + k > lim:
                            pos = self._need(pos, k)
                            raw, n, lim = self.raw, self.n, self._limit()
                        stack.append(raw[pos:pos + k] if k <= 4096 else self.data[pos:pos + k])
                        pos += k
                    elif op == 0x5D:  # EMPTY_LIST
                        stack.append([])
                        made += 1
                    elif op == 0x65:  # APPENDS
                        items = stack
                        stack = metastack.pop()
                        _append(stack[-1], items)
                    elif op == 0x61:  # APPEND
                        value = stack.pop()
                        _append(stack[-1], [value])
                    elif op == 0x2E:  # STOP
                        if not stack:
                            raise PickleError("STOP on an empty stack", pos - 1)
                        self._objects(made)
                        self.budget.tick(i + 1)  # every stream counts, so many tiny concatenated ones stay bounded
                        return stack.pop(), pos
                    elif op == 0x80:  # PROTO
                        self.result.protocols.add(raw[pos])
                        pos += 1
                    else:
                        pos, stack = self._rare(op, pos, stack, metastack, memo, stream)
                        if self.feed is not None:
                            pos = self._fill(pos, pos)
                            raw, n, lim = self.raw, self.n, self._limit()
                self._checkpoint(made, memo, len(metastack))
                made = 0
                if self.feed is not None:
                    pos = self._fill(pos, pos)
                    raw, n, lim = self.raw, self.n, self._limit()
        except IndexError:  # an empty stack (or no MARK) popped, or the data ended before STOP
            if pos >= n and self.feed is not None and not self.feed.exhausted:
                raise RuntimeError("pickle machine read past its streamed window") from None
            raise PickleError("truncated: no STOP opcode" if pos >= n else "stack underflow", pos) from None
        except struct.error:
            raise PickleError("truncated: an argument runs past the end", pos) from None
        except KeyError as exc:
            raise PickleError(f"memo key {exc.args[0]} not defined", pos) from None

    def _rare(self, op: int, pos: int, stack: list[Any], metastack: list[list[Any]], memo: dict[int, Any],
              stream: int) -> tuple[int, list[Any]]:
        """The opcodes rare in real model files (text protocols, sets, extensions ...); returns (pos, stack)."""
        start = pos - 1
        raw, line, need = self.raw, self._line, self._need
        if op == 0x30:  # POP
            if stack:
                stack.pop()
            else:
                stack = _pop_mark(metastack, start)
        elif op == 0x31:  # POP_MARK
            stack = _pop_mark(metastack, start)
        elif op == 0x32:  # DUP
            stack.append(stack[-1])
        elif op == 0x4D:  # BININT2
            stack.append(_U16(raw, pos)[0])
            pos += 2
        elif op == 0x8A:  # LONG1
            k = raw[pos]
            pos = need(pos + 1, k)
            stack.append(int.from_bytes(self.raw[pos:pos + k], "little", signed=True))
            pos += k
        elif op == 0x8B:  # LONG4
            k = _I32(raw, pos)[0]
            if k < 0 or k > 1 << 16:
                raise PickleError(f"LONG4 of {k} bytes", start)
            pos = need(pos + 4, k)
            stack.append(int.from_bytes(self.raw[pos:pos + k], "little", signed=True))
            pos += k
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
        elif op in (0x55, 0x54):  # SHORT_BINSTRING BINSTRING
            k, pos = _length(raw, pos, op)
            pos = need(pos, k)
            stack.append(self.raw[pos:pos + k].decode("latin-1"))
            pos += k
        elif op == 0x53:  # STRING (quoted text)
            text, pos = line(pos)
            if len(text) >= 2 and text[0] == text[-1] and text[0] in b"'\"":
                text = text[1:-1]
            try:
                stack.append(codecs.escape_decode(text)[0].decode("latin-1"))
            except ValueError:
                raise PickleError("bad STRING", start) from None
        elif op == 0x8D:  # BINUNICODE8
            k = _U64(raw, pos)[0]
            pos = need(pos + 8, k)
            stack.append(self.raw[pos:pos + k].decode("utf-8", "surrogatepass"))
            pos += k
        elif op == 0x56:  # UNICODE (text)
            text, pos = line(pos)
            stack.append(text.decode("raw-unicode-escape", "replace"))
        elif op == 0x97:  # NEXT_BUFFER
            stack.append(Opaque("out-of-band buffer"))
        elif op == 0x98:  # READONLY_BUFFER
            pass
        elif op == 0x8F:  # EMPTY_SET
            stack.append([])
            self.objects += 1
        elif op == 0x6C:  # LIST
            items = stack
            stack = _pop_mark(metastack, start)
            stack.append(items)
            self.objects += 1
        elif op == 0x64:  # DICT
            items = stack
            stack = _pop_mark(metastack, start)
            stack.append(_to_dict(items))
            self.objects += 1
        elif op == 0x91:  # FROZENSET
            items = stack
            stack = _pop_mark(metastack, start)
            stack.append(tuple(items))
        elif op == 0x90:  # ADDITEMS
            items = stack
            stack = _pop_mark(metastack, start)
            _append(stack[-1], items)
        elif op == 0x73:  # SETITEM
            value = stack.pop()
            key = stack.pop()
            _setitems(stack[-1], [key, value])
        elif op == 0x67:  # GET
            text, pos = line(pos)
            stack.append(memo[_int_or_fail(text, start)])
        elif op == 0x70:  # PUT
            text, pos = line(pos)
            memo[_int_or_fail(text, start)] = stack[-1]
        elif op in (0x82, 0x83, 0x84):  # EXT1 EXT2 EXT4
            width = {0x82: 1, 0x83: 2, 0x84: 4}[op]
            pos = need(pos, width)
            code = int.from_bytes(self.raw[pos:pos + width], "little")
            pos += width
            self.result.globals.append(GlobalRef("extension-registry", str(code), self.base + start, "EXT", stream))
            stack.append(Opaque("extension", code))
        elif op == 0x63:  # GLOBAL
            at = self.base + start
            module, pos = line(pos)
            name, pos = line(pos)
            stack.append(self._global(module.decode("utf-8", "replace"), name.decode("utf-8", "replace"), at, "GLOBAL", stream))
        elif op == 0x69:  # INST
            at = self.base + start
            module, pos = line(pos)
            name, pos = line(pos)
            cls = self._global(module.decode("utf-8", "replace"), name.decode("utf-8", "replace"), at, "INST", stream)
            items = stack
            stack = _pop_mark(metastack, start)
            stack.append(Obj(cls, tuple(items)))
            self.objects += 1
        elif op == 0x6F:  # OBJ
            items = stack
            stack = _pop_mark(metastack, start)
            if not items:
                raise PickleError("OBJ without a class", start)
            stack.append(Obj(items[0], tuple(items[1:])))
            self.objects += 1
        elif op == 0x92:  # NEWOBJ_EX
            kwargs = stack.pop()
            args = stack.pop()
            stack[-1] = Obj(stack[-1], args if isinstance(args, tuple) else (args,), kwargs)
            self.objects += 1
        elif op == 0x50:  # PERSID
            text, pos = line(pos)
            pid = text.decode("utf-8", "replace")
            self.result.persistent_ids.append(pid)
            stack.append(Opaque("persistent id", pid))
        elif op == 0x51:  # BINPERSID
            pid = stack.pop()
            self.result.persistent_ids.append(pid)
            stack.append(Opaque("persistent id", pid))
        else:
            raise PickleError(f"unknown opcode 0x{op:02x}", start)
        return pos, stack

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
            pos = self._need(pos, 1)
            pos += 1 + self.raw[pos]
        size = count * itemsize
        if self.feed is None:
            pos = self._need(pos, size)
            wrapper.raw = self.data[pos:pos + size]
            return pos + size
        if count <= ARRAY_VALUES_KEPT and size <= KEEP_ARRAY:  # streamed: values metadata may read, copied out
            pos = self._need(pos, size)
            wrapper.raw = bytes(self.data[pos:pos + size])
            return pos + size
        if pos + size <= self.n:  # streamed, larger: stepped over, never kept
            return pos + size
        missing = pos + size - self.n  # decompressed and dropped
        skipped = self.feed.skip(missing)
        self.base += self.n + skipped
        self.raw, self.n = b"", 0
        self.data = memoryview(self.raw)
        if skipped < missing:
            raise PickleError(f"truncated: needs {size} bytes", 0)
        return 0


def _length(raw: bytes, pos: int, op: int) -> tuple[int, int]:
    """The length prefix of a bytes or string opcode at ``pos``, and the position after it."""
    fmt = _LENGTH[op]
    return fmt.unpack_from(raw, pos)[0], pos + fmt.size


def _pop_mark(metastack: list[list[Any]], pos: int) -> list[Any]:
    """The stack below the topmost MARK."""
    if not metastack:
        raise PickleError("MARK expected", pos)
    return metastack.pop()


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
    out: dict[Any, Any] = {}
    _setitems(out, items)
    return out


def _append(target: Any, items: list[Any]) -> None:
    if isinstance(target, list):
        target.extend(items)
    elif isinstance(target, Obj):
        target.listitems.extend(items)


def _setitems(target: Any, items: list[Any]) -> None:
    if type(target) is dict:
        try:
            target.update(zip(items[::2], items[1::2]))
        except TypeError:  # an unhashable key: wrap it (pairs already set are set again, in the same order)
            for i in range(0, len(items) - 1, 2):
                target[_hashable(items[i])] = items[i + 1]
    elif isinstance(target, Obj):
        target.dictitems.extend(zip(items[::2], items[1::2]))


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
