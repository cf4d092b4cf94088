"""A symbolic pickle machine: decodes every opcode as CPython's C unpickler does, imports and calls nothing.

Globals become ``Global(module, name)`` placeholders (after CPython's protocol<3 renaming of Python 2 names);
calls (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ) become ``Obj`` records holding the callable, its arguments and
the state BUILD gives them, and are logged in call order. Nothing is ever called.

The opcodes live in a dispatch table (``pickle_handlers``); the loop here runs the handful of most frequent
ones inline and hands every other opcode to its handler. The machine fails safe: whatever it cannot model
exactly (a cap reached, damage, an extension code, a joblib array it cannot size) is recorded as a ``Reason``
in the ``StreamResult`` before the exception leaves, so ``result.verdict`` is never "safe" for a stream the
machine did not read to its STOP.

joblib's NumpyArrayWrapper is followed by raw array bytes in the middle of the stream (or by a nested pickle
for object arrays): the machine steps over them only when it can size them exactly as joblib does, and also
reads the same bytes the way a plain ``pickle.load`` would (a fake wrapper must not hide a payload).
Big decompressed inputs arrive through a ``Feed``: the machine keeps a window of LOOKAHEAD bytes ahead of
its position, refills it for longer arguments, and decompresses-and-drops large joblib arrays.
"""

from __future__ import annotations

import struct
from typing import Any

from mlaudit.scanners.models import pickle_handlers
from mlaudit.scanners.models.compress import Feed
from mlaudit.scanners.models.limits import Budget, LimitExceeded
from mlaudit.scanners.models.pickle_handlers import ARGS
from mlaudit.scanners.models.pickle_names import canonical
from mlaudit.scanners.models.pickle_ops import F64, I32, NAMES
from mlaudit.scanners.models.pickle_values import (  # noqa: F401  (re-exported: meta.py and scan.py import them here)
    ARRAY_VALUES_KEPT,
    JOBLIB_WRAPPERS,
    CallRef,
    Global,
    GlobalRef,
    Key,
    Obj,
    Opaque,
    PickleError,
    Reason,
    Stopped,
    StreamResult,
    Unmodelled,
    dtype_info,
)

BLANK = b"\x00\n\r\t "  # padding a file may carry after its last pickle
CHECK_EVERY = 4096  # opcodes between two checks of the op, time, object and memo budgets
MAX_MARKS = 100_000
_CHUNK = range(CHECK_EVERY)
LOOKAHEAD = 1 << 16  # streamed input: bytes kept ahead of the position (> CHECK_EVERY opcodes of fixed size)
FEED_READ = 1 << 18  # streamed input: bytes asked from the decompressor at a time
TORCH_MAGIC = 0x1950A86A20F9469CFC6C  # the first stream of a legacy (non-zip) torch file
LEGACY_TORCH_STREAMS = 5  # magic, protocol, sys_info, the object, the storage keys; raw storages follow


class State:
    """One stream's unpickler state: stack (above the topmost MARK), the stacks below the MARKs, memo, protocol."""

    __slots__ = ("depth", "frame_end", "made", "memo", "metastack", "proto", "stack", "stream")

    def __init__(self, stream: int, depth: int, memo: dict[int, Any] | None = None) -> None:
        self.stack: list[Any] = []
        self.metastack: list[list[Any]] = []
        self.memo: dict[int, Any] = {} if memo is None else memo
        self.proto = 0
        self.stream = stream
        self.depth = depth
        self.made = 0  # lists, dicts and objects built since the last checkpoint
        self.frame_end = 0  # absolute position where the last FRAME ends


class PickleMachine:
    """Runs pickle streams symbolically over ``data`` starting at ``pos``.

    ``plain=True`` reads as ``pickle.load`` does (no joblib array stepping); ``table`` replaces the handlers.
    """

    def __init__(self, data: bytes | memoryview, budget: Budget, result: StreamResult | None = None,
                 feed: Feed | None = None, plain: bool = False, table: list[Any] | None = None,
                 fast: bool = True) -> None:
        self.raw = data if isinstance(data, bytes) else bytes(data)
        self.data = memoryview(self.raw)
        self.n = len(self.raw)
        self.base = 0  # offset of raw[0] in the whole input (moves when a feed refills the window)
        self.feed = feed  # the rest of a streamed (decompressed) input, or None when ``data`` is all of it
        self.budget = budget
        self.result = result if result is not None else StreamResult()
        self.objects = 0
        self.plain = plain
        self.table = table if table is not None else pickle_handlers.TABLE
        self.fast = fast  # False: every opcode through the table (the reference path the tests compare with)
        self.layouts: dict[int, Any] = {}  # joblib: dtype placeholder id -> (dtype, its state, (hasobject, itemsize))
        self.frame_end = 0  # absolute end of the FRAME the running stream is in (0: none), for text arguments

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

    def limit(self) -> int:
        """The position past which a variable-length argument must refill the window first."""
        feed = self.feed
        return self.n if feed is None or feed.exhausted else self.n - LOOKAHEAD

    def need(self, pos: int, k: int) -> int:
        """Make ``k`` bytes at ``pos`` present; return pos in the (possibly new) window; PickleError when the data ends."""
        if k < 0 or pos + k > self.n:
            if 0 <= k <= self.budget.limits.max_decompressed:  # an absurd length is not read for
                pos = self._fill(pos, pos + k)
            if k < 0 or pos + k > self.n:
                raise PickleError(f"truncated: needs {k} bytes", pos)
        return pos

    def line(self, pos: int) -> tuple[bytes, int]:
        """The text argument at ``pos`` up to its newline (any length, as the C unpickler reads it); next position."""
        end = self.raw.find(b"\n", pos)
        step = FEED_READ
        while end < 0 and self.feed is not None and not self.feed.exhausted:
            if self.n - pos > self.budget.limits.max_decompressed:
                raise LimitExceeded(f"a text argument longer than {self.budget.limits.max_decompressed} bytes")
            pos = self._fill(pos, self.n + step)
            step *= 2
            end = self.raw.find(b"\n", pos)
        if end < 0:
            # at the end of the data both unpicklers take the rest as the line and drop its last byte (the
            # pure-Python one even reads an empty line there); the load fails soon after, having read it
            return self.raw[pos:self.n - 1], max(self.n, pos)
        if self.base + pos < self.frame_end <= self.base + end:
            self.note("frame-split-line", "a text argument runs past the end of its FRAME: CPython's unpicklers read it "
                      "differently (pickle.loads joins it across the boundary, the C unpickler reading a file drops the "
                      "frame's rest, the pure-Python one fails), so what it imports cannot be known", pos)
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

    # --- recording -------------------------------------------------------------------------------
    def add_global(self, module: Any, name: Any, pos: int, op: str, st: State) -> Global:
        """Record an imported global under the name CPython imports (protocol < 3 renames Python 2 names)."""
        if not isinstance(module, str):
            module = _describe(module)
        if not isinstance(name, str):
            name = _describe(name)
        mod, nm = canonical(module, name, st.proto)
        self.result.globals.append(GlobalRef(mod, nm, self.base + pos, op, st.stream, (module, name)))
        return Global(mod, nm)

    def add_call(self, obj: Obj, op: str, pos: int, st: State) -> Obj:
        """Log an invocation (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ) in the order CPython makes it."""
        self.result.calls.append(CallRef(obj, op, self.base + pos, st.stream))
        st.made += 1
        return obj

    def note(self, kind: str, message: str, pos: int | None, verdict: str = "inconclusive") -> None:
        """Record why the stream cannot be called safe (or why it is dangerous)."""
        self.result.notes.append(Reason(kind, message, None if pos is None else self.base + pos, verdict))

    # --- the machine -----------------------------------------------------------------------------
    def run_stream(self, pos: int, depth: int = 0) -> tuple[Any, int]:
        """Run one stream from ``pos`` to its STOP; return (root, position after STOP).

        PickleError and LimitExceeded still propagate, but are first recorded as reasons in the result.
        """
        try:
            return self._run(pos, depth)
        except Unmodelled as exc:
            self._record(exc, "unmodelled")
            raise
        except PickleError as exc:
            self._record(exc, "damaged")
            raise
        except LimitExceeded as exc:
            self.result.notes.append(Reason("limit", f"analysis stopped: {exc}", None, "inconclusive"))
            raise

    def _record(self, exc: PickleError, kind: str) -> None:
        if exc.pos is not None and not exc.absolute:
            exc.pos += self.base
            exc.absolute = True
            exc.args = (f"{exc.message} at byte {exc.pos}",)
        if not getattr(exc, "recorded", False):
            self.result.notes.append(Reason(kind, exc.message, exc.pos, "inconclusive"))
            exc.recorded = True  # type: ignore[attr-defined]

    def _run(self, pos: int, depth: int) -> tuple[Any, int]:
        if depth > self.budget.limits.max_depth:
            raise LimitExceeded("nested pickles too deep")
        st = State(self.result.streams, depth)
        self.result.streams += 1
        return self.run_state(st, pos)

    def run_state(self, st: State, pos: int) -> tuple[Any, int]:
        """Run from ``pos`` with the given unpickler state until STOP; return (root, position after STOP)."""
        pos = self._fill(pos, pos)
        start = self.base + pos
        try:
            self.frame_end = st.frame_end
            end = self._loop(st, pos) if self.fast else self._slow_loop(st, pos)
        except Stopped as stop:  # the table's STOP handler
            root, end = stop.root, stop.pos
        else:  # the fast path's inline STOP
            if not st.stack:
                raise PickleError("STOP on an empty stack", end - 1)
            root = st.stack.pop()
        self._objects(st.made)
        # every stream counts (opcodes since the last checkpoint, estimated from its bytes), so many tiny
        # concatenated streams stay bounded
        self.budget.tick(max(1, (self.base + end - start) % (CHECK_EVERY * 2) // 2))
        return root, end

    def damage(self, exc: Exception, pos: int) -> PickleError:
        """The PickleError for a Python error raised while running the opcode at ``pos``."""
        if isinstance(exc, IndexError):  # an empty stack (or no MARK) popped, or the data ended before STOP
            if pos >= self.n - 1 and self.feed is not None and not self.feed.exhausted:
                return PickleError("pickle machine read past its streamed window", pos)
            return PickleError("truncated: no STOP opcode" if pos >= self.n - 1 else "stack underflow", pos)
        if isinstance(exc, struct.error):
            return PickleError("truncated: an argument runs past the end", pos)
        if isinstance(exc, KeyError):
            return PickleError(f"memo key {exc.args[0]!r} not defined", pos)
        if isinstance(exc, UnicodeDecodeError):  # the real unpickler refuses these too
            return PickleError(f"invalid UTF-8 text ({exc.reason})", pos)
        return PickleError(str(exc), pos)

    def _loop(self, st: State, pos: int) -> int:
        """The opcode loop: the most frequent opcodes inline (each exactly as its table handler), the rest through the
        table; budgets every CHECK_EVERY opcodes."""
        raw, table, feed, lim = self.raw, self.table, self.feed, self.limit()
        stack, memo, calls = st.stack, st.memo, self.result.calls
        try:
            while True:
                for _ in _CHUNK:
                    op = raw[pos]
                    if op == 0x68:  # BINGET
                        stack.append(memo[raw[pos + 1]])
                        pos += 2
                    elif op == 0x94:  # MEMOIZE
                        memo[len(memo)] = stack[-1]
                        pos += 1
                    elif op == 0x8C and pos + 2 + raw[pos + 1] <= lim:  # SHORT_BINUNICODE inside the window
                        end = pos + 2 + raw[pos + 1]
                        stack.append(raw[pos + 2:end].decode("utf-8", "surrogatepass"))
                        pos = end
                    elif op == 0x4B:  # BININT1
                        stack.append(raw[pos + 1])
                        pos += 2
                    elif op == 0x71:  # BINPUT
                        memo[raw[pos + 1]] = stack[-1]
                        pos += 2
                    elif op == 0x4E:  # NONE
                        stack.append(None)
                        pos += 1
                    elif op == 0x28:  # MARK
                        st.metastack.append(stack)
                        stack = st.stack = []
                        pos += 1
                    elif op == 0x85:  # TUPLE1
                        stack[-1] = (stack[-1],)
                        pos += 1
                    elif op == 0x2E:  # STOP (the table's handler raises Stopped; inline it is a return)
                        return pos + 1
                    elif op == 0x88:  # NEWTRUE
                        stack.append(True)
                        pos += 1
                    elif op == 0x89:  # NEWFALSE
                        stack.append(False)
                        pos += 1
                    elif op == 0x87:  # TUPLE3
                        c = stack.pop()
                        b = stack.pop()
                        stack[-1] = (stack[-1], b, c)
                        pos += 1
                    elif op == 0x29:  # EMPTY_TUPLE
                        stack.append(())
                        pos += 1
                    elif op == 0x4A:  # BININT
                        stack.append(I32.unpack_from(raw, pos + 1)[0])
                        pos += 5
                    elif op == 0x52:  # REDUCE (as pickle_handlers.op_reduce)
                        args = stack.pop()
                        obj = stack[-1] = Obj(stack[-1], args if type(args) is tuple else (args,))
                        calls.append(CallRef(obj, "REDUCE", self.base + pos, st.stream))
                        st.made += 1
                        pos += 1
                    elif op == 0x47:  # BINFLOAT
                        stack.append(F64.unpack_from(raw, pos + 1)[0])
                        pos += 9
                    else:  # st.stack is the same list as ``stack`` here (only MARK replaces it, and it syncs)
                        pos = table[op](self, st, pos + 1)
                        stack = st.stack
                        if feed is not None:
                            pos = self._fill(pos, pos)
                            raw, lim = self.raw, self.limit()
                st.stack = stack
                pos = self._checkpoint(st, pos)
                raw, lim = self.raw, self.limit()
        except (IndexError, KeyError, struct.error, ValueError) as exc:  # ValueError: bad text, bad UTF-8
            raise self.damage(exc, pos) from None

    def _slow_loop(self, st: State, pos: int) -> int:
        """Every opcode through the table (the reference path)."""
        table = self.table
        try:
            while True:
                for _ in _CHUNK:
                    pos = table[self.raw[pos]](self, st, pos + 1)
                    if self.feed is not None:
                        pos = self._fill(pos, pos)
                pos = self._checkpoint(st, pos)
        except (IndexError, KeyError, struct.error, ValueError) as exc:  # ValueError: bad text, bad UTF-8
            raise self.damage(exc, pos) from None

    def _checkpoint(self, st: State, pos: int) -> int:
        """Every CHECK_EVERY opcodes: the op and time budget, the object, memo and MARK caps; refill the window."""
        self.budget.tick(CHECK_EVERY)
        self._objects(st.made)
        st.made = 0
        if len(st.memo) > self.budget.limits.max_objects:
            raise LimitExceeded(f"more than {self.budget.limits.max_objects} memo entries")
        if len(st.metastack) > MAX_MARKS:
            raise LimitExceeded("MARK nesting too deep")
        return self._fill(pos, pos) if self.feed is not None else pos

    def _objects(self, made: int) -> None:
        self.objects += made
        if self.objects > self.budget.limits.max_objects:
            raise LimitExceeded(f"more than {self.budget.limits.max_objects} objects in one pickle")

    def refresh(self, pos: int) -> int:
        """After a handler that may have moved the window: keep LOOKAHEAD bytes ahead of ``pos``."""
        return self._fill(pos, pos) if self.feed is not None else pos

    def decode_ops(self, pos: int = 0) -> list[tuple[int, str, Any]]:
        """(position, opcode name, decoded argument) of every opcode of the stream at ``pos``, up to its STOP.

        Uses the same argument decoders as the handlers; nothing is executed (the comparison with
        ``pickletools.genops`` in the tests runs through this).
        """
        out: list[tuple[int, str, Any]] = []
        while True:
            op = self.raw[pos]
            if op not in NAMES:
                raise PickleError(f"invalid load key {op:#04x}", pos)
            decoder = ARGS.get(op)
            try:
                arg, nxt = decoder(self, pos + 1) if decoder is not None else (None, pos + 1)
            except (IndexError, struct.error, ValueError) as exc:
                raise self.damage(exc, pos) from None
            out.append((pos, NAMES[op], arg))
            if op == 0x2E:
                return out
            pos = nxt


def _describe(value: Any) -> str:
    """A readable stand-in for a non-string module or name given to STACK_GLOBAL."""
    if isinstance(value, Global):
        return f"<{value.qualname}>"
    if isinstance(value, Obj):
        return f"<result of {value.cls_name}>"
    return f"<{type(value).__name__}>"


def analyse_pickle(data: bytes | memoryview, budget: Budget, feed: Feed | None = None,
                   max_streams: int | None = None) -> StreamResult:
    """Run every concatenated stream of ``data``; damage and caps become reasons (never exceptions) in the result.

    A legacy torch file stops after its fifth stream (``result.legacy_torch``): raw storage bytes follow.
    """
    result = StreamResult()
    machine = PickleMachine(data, budget, result, feed)
    pos, more = 0, bool(len(data))
    try:
        while more and (max_streams is None or len(result.roots) < max_streams):
            root, pos = machine.run_stream(pos)
            result.roots.append(root)
            if result.roots[0] == TORCH_MAGIC and len(result.roots) == LEGACY_TORCH_STREAMS:
                result.legacy_torch = True  # raw storages follow the fifth stream: not a pickle
                break
            pos, more = machine.more_after(pos)
    except PickleError as exc:
        if result.roots:  # a loader calling pickle.load again runs the next stream up to the damage
            result.notes[-1] = Reason("trailing-data", f"{machine.size_after(pos)} bytes after the last complete "
                                      f"pickle are not a complete pickle ({exc.message})", exc.pos)
    except LimitExceeded:
        pass  # already a reason
    if not len(data):
        result.notes.append(Reason("damaged", "empty input: not a pickle", 0, "inconclusive"))
    result.end = machine.base + pos
    return result
