"""The pickle machine's dispatch table: one handler per opcode, written after CPython's ``_pickle.c``.

A handler is ``handler(machine, state, pos) -> pos`` (``pos`` is just past the opcode byte). ``ARGS`` holds
the argument decoders the handlers share with ``PickleMachine.decode_ops``. ``TABLE`` is the normal
table; ``PLAIN_PROBE_TABLE`` is the same grammar without any mutation of existing objects (it reads bytes
the way a plain ``pickle.load`` would, next to the joblib reading, without disturbing it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlaudit.scanners.models import joblib_arrays
from mlaudit.scanners.models.limits import LimitExceeded
from mlaudit.scanners.models.pickle_ops import (
    COUNTED,
    F64,
    HIGHEST_PROTOCOL,
    I32,
    NAMES,
    U8,
    U16,
    U32,
    U64,
    TextArgError,
    parse_float,
    parse_index,
    parse_int,
    parse_long,
    parse_name,
    parse_persid,
    parse_string,
    parse_unicode,
)
from mlaudit.scanners.models.pickle_values import DANGEROUS, CallRef, Global, Key, Obj, Opaque, PickleError, Stopped
from mlaudit.scanners.models.policy import may_be_str

if TYPE_CHECKING:
    from mlaudit.scanners.models.pickle_vm import PickleMachine, State

Handler = Callable[["PickleMachine", "State", int], int]
Decoder = Callable[["PickleMachine", int], tuple[Any, int]]
SMALL = 4096  # byte strings up to this are copied; longer ones stay views into the input


class SetItems(list[Any]):
    """A set being built (EMPTY_SET / ADDITEMS / FROZENSET keep their items in order)."""


# --- argument decoders ---------------------------------------------------------------------------
def _fixed(fmt: Any) -> Decoder:
    size, unpack = fmt.size, fmt.unpack_from

    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        return unpack(m.raw, pos)[0], pos + size

    return decode


def _span(m: PickleMachine, pos: int, op: int) -> tuple[int, int]:
    """(start, length) of a counted argument whose length prefix is at ``pos``; the bytes are made present."""
    fmt = COUNTED[op]
    k = fmt.unpack_from(m.raw, pos)[0]
    pos += fmt.size
    if k < 0:
        raise PickleError(f"{NAMES[op]} with a negative byte count", pos)
    if pos + k > m.limit():
        pos = m.need(pos, k)
    return pos, k


def _text(op: int) -> Decoder:
    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        start, k = _span(m, pos, op)
        return m.raw[start:start + k].decode("utf-8", "surrogatepass"), start + k

    return decode


def _bytes(op: int) -> Decoder:
    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        start, k = _span(m, pos, op)
        return (m.raw[start:start + k] if k <= SMALL else m.data[start:start + k]), start + k

    return decode


def _latin1(op: int) -> Decoder:
    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        start, k = _span(m, pos, op)
        return m.raw[start:start + k].decode("latin-1"), start + k

    return decode


def _long(width: Any) -> Decoder:
    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        k = width.unpack_from(m.raw, pos)[0]
        if k < 0:
            raise PickleError("LONG pickle has negative byte count", pos)
        pos = m.need(pos + width.size, k)
        return int.from_bytes(m.raw[pos:pos + k], "little", signed=True), pos + k

    return decode


def _line(parse: Callable[[bytes], Any]) -> Decoder:
    def decode(m: PickleMachine, pos: int) -> tuple[Any, int]:
        text, pos = m.line(pos)
        return parse(text), pos

    return decode


def _two_names(m: PickleMachine, pos: int) -> tuple[Any, int]:
    module, pos = m.line(pos)
    name, pos = m.line(pos)
    return (parse_name(module), parse_name(name)), pos


ARGS: dict[int, Decoder] = {
    0x4B: _fixed(U8), 0x4D: _fixed(U16), 0x4A: _fixed(I32), 0x47: _fixed(F64),
    0x68: _fixed(U8), 0x71: _fixed(U8), 0x6A: _fixed(U32), 0x72: _fixed(U32),
    0x80: _fixed(U8), 0x95: _fixed(U64), 0x82: _fixed(U8), 0x83: _fixed(U16), 0x84: _fixed(I32),
    0x8C: _text(0x8C), 0x58: _text(0x58), 0x8D: _text(0x8D),
    0x43: _bytes(0x43), 0x42: _bytes(0x42), 0x8E: _bytes(0x8E), 0x96: _bytes(0x96),
    0x55: _latin1(0x55), 0x54: _latin1(0x54),
    0x8A: _long(U8), 0x8B: _long(I32),
    0x49: _line(parse_int), 0x4C: _line(parse_long), 0x46: _line(parse_float),
    0x53: _line(lambda t: parse_string(t).decode("latin-1")), 0x56: _line(parse_unicode),
    0x67: _line(parse_index), 0x70: _line(parse_index), 0x50: _line(parse_persid),
    0x63: _two_names, 0x69: _two_names,
}


# --- handlers ------------------------------------------------------------------------------------
def _push(op: int) -> Handler:
    decode = ARGS[op]

    def handler(m: PickleMachine, st: State, pos: int) -> int:
        value, pos = decode(m, pos)
        st.stack.append(value)
        return pos

    return handler


def _constant(value: Any) -> Handler:
    def handler(m: PickleMachine, st: State, pos: int) -> int:
        st.stack.append(value)
        return pos

    return handler


def _new(factory: Callable[[], Any]) -> Handler:
    def handler(m: PickleMachine, st: State, pos: int) -> int:
        st.stack.append(factory())
        st.made += 1
        return pos

    return handler


def pop_mark(st: State) -> list[Any]:
    """The items above the topmost MARK; the stack below it becomes current (``could not find MARK`` if none)."""
    if not st.metastack:
        raise PickleError("could not find MARK", None)
    items = st.stack
    st.stack = st.metastack.pop()
    return items


def op_mark(m: PickleMachine, st: State, pos: int) -> int:
    st.metastack.append(st.stack)
    st.stack = []
    return pos


def op_stop(m: PickleMachine, st: State, pos: int) -> int:
    if not st.stack:
        raise PickleError("STOP on an empty stack", pos - 1)
    raise Stopped(st.stack.pop(), pos)


def op_proto(m: PickleMachine, st: State, pos: int) -> int:
    proto = m.raw[pos]
    if proto > HIGHEST_PROTOCOL:
        raise PickleError(f"unsupported pickle protocol: {proto}", pos - 1)
    st.proto = proto
    m.result.protocols.add(proto)
    return pos + 1


def op_frame(m: PickleMachine, st: State, pos: int) -> int:
    """FRAME: a size, then opcodes (the C unpickler refuses a frame past the end of the data, the Python one reads on)."""
    size = U64.unpack_from(m.raw, pos)[0]
    pos += 8
    st.frame_end = m.frame_end = m.base + pos + size
    return pos


def op_pop(m: PickleMachine, st: State, pos: int) -> int:
    if st.stack:
        st.stack.pop()
    else:
        pop_mark(st)  # POP at a MARK removes the MARK
    return pos


def op_pop_mark(m: PickleMachine, st: State, pos: int) -> int:
    pop_mark(st)
    return pos


def op_dup(m: PickleMachine, st: State, pos: int) -> int:
    st.stack.append(st.stack[-1])
    return pos


def _get(op: int) -> Handler:
    decode = ARGS[op]

    def handler(m: PickleMachine, st: State, pos: int) -> int:
        index, pos = decode(m, pos)
        st.stack.append(st.memo[index])
        return pos

    return handler


def _put(op: int) -> Handler:
    decode = ARGS[op]

    def handler(m: PickleMachine, st: State, pos: int) -> int:
        index, pos = decode(m, pos)
        if index < 0:
            raise PickleError("negative PUT argument", pos)
        st.memo[index] = st.stack[-1]
        return pos

    return handler


def op_memoize(m: PickleMachine, st: State, pos: int) -> int:
    st.memo[len(st.memo)] = st.stack[-1]
    return pos


def op_tuple1(m: PickleMachine, st: State, pos: int) -> int:
    st.stack[-1] = (st.stack[-1],)
    return pos


def op_tuple2(m: PickleMachine, st: State, pos: int) -> int:
    stack = st.stack
    b = stack.pop()
    stack[-1] = (stack[-1], b)
    return pos


def op_tuple3(m: PickleMachine, st: State, pos: int) -> int:
    stack = st.stack
    c = stack.pop()
    b = stack.pop()
    stack[-1] = (stack[-1], b, c)
    return pos


def op_binunicode(m: PickleMachine, st: State, pos: int) -> int:
    k: int = U32.unpack_from(m.raw, pos)[0]
    pos += 4
    if pos + k > m.limit():
        pos = m.need(pos, k)
    st.stack.append(m.raw[pos:pos + k].decode("utf-8", "surrogatepass"))
    return pos + k


def op_long_binput(m: PickleMachine, st: State, pos: int) -> int:
    st.memo[U32.unpack_from(m.raw, pos)[0]] = st.stack[-1]
    return pos + 4


def op_binint(m: PickleMachine, st: State, pos: int) -> int:
    st.stack.append(I32.unpack_from(m.raw, pos)[0])
    return pos + 4


def op_binfloat(m: PickleMachine, st: State, pos: int) -> int:
    st.stack.append(F64.unpack_from(m.raw, pos)[0])
    return pos + 8


def op_tuple(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    st.stack.append(tuple(items))
    return pos


def op_list(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    st.stack.append(items)
    st.made += 1
    return pos


def op_frozenset(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    st.stack.append(tuple(items))
    return pos


def op_dict(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    if len(items) % 2:
        raise PickleError("odd number of items for DICT", pos - 1)
    out: dict[Any, Any] = {}
    set_items(m, out, items, pos - 1)
    st.stack.append(out)
    st.made += 1
    return pos


def set_items(m: PickleMachine, target: Any, items: list[Any], at: int) -> None:
    """SETITEM(S) / DICT: ``target[key] = value`` for each pair, as PyObject_SetItem would."""
    if type(target) is dict:
        try:
            target.update(zip(items[::2], items[1::2], strict=False))
        except TypeError:  # an unhashable key: wrap it (pairs already set are set again, in the same order)
            for i in range(0, len(items) - 1, 2):
                target[_hashable(items[i])] = items[i + 1]
    elif isinstance(target, Obj):
        target.dictitems.extend(zip(items[::2], items[1::2], strict=False))
    elif type(target) is list:
        for i in range(0, len(items) - 1, 2):
            key = items[i]
            if type(key) is not int or not -len(target) <= key < len(target):
                raise PickleError("SETITEM on a list with an index it does not have", at)
            target[key] = items[i + 1]
    else:
        container_call(m, target, "SETITEMS", at)


def container_call(m: PickleMachine, target: Any, op: str, at: int) -> None:
    """APPEND/SETITEM/ADDITEMS on something that is not a plain container: a method of it runs."""
    if isinstance(target, (Global, Opaque)):
        what = target.qualname if isinstance(target, Global) else target.what
        m.note("container-call", f"{op} calls a method of {what} (an imported or unknown object)", at)


def _hashable(key: Any) -> Any:
    try:
        hash(key)
        return key
    except TypeError:
        return Key(key)


def op_setitem(m: PickleMachine, st: State, pos: int) -> int:
    value = st.stack.pop()
    key = st.stack.pop()
    set_items(m, st.stack[-1], [key, value], pos - 1)
    return pos


def op_setitems(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    target = st.stack[-1]
    if items:
        if len(items) % 2:
            raise PickleError("odd number of items for SETITEMS", pos - 1)
        set_items(m, target, items, pos - 1)
    return pos


def append_items(m: PickleMachine, target: Any, items: list[Any], op: str, at: int) -> None:
    if isinstance(target, list):
        target.extend(items)
    elif isinstance(target, Obj):
        target.listitems.extend(items)
    else:
        container_call(m, target, op, at)


def op_append(m: PickleMachine, st: State, pos: int) -> int:
    value = st.stack.pop()
    append_items(m, st.stack[-1], [value], "APPEND", pos - 1)
    return pos


def op_appends(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    target = st.stack[-1]
    if items:
        append_items(m, target, items, "APPENDS", pos - 1)
    return pos


def op_additems(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    target = st.stack[-1]
    if items:
        append_items(m, target, items, "ADDITEMS", pos - 1)
    return pos


def op_build(m: PickleMachine, st: State, pos: int) -> int:
    state = st.stack.pop()
    target = st.stack[-1]
    if type(target) is Obj:
        if not m.plain and not target.array_read and _maybe_wrapper(target) \
                and target.cls_name in joblib_arrays.WRAPPER_NAMES:
            return joblib_arrays.build_wrapper(m, st, target, state, pos)
        target.state = state
    elif isinstance(target, Global):
        m.note("build-on-global", f"BUILD on {target.qualname} itself: its __setstate__ runs, or attributes "
                                  "are set on the class or function", pos - 1)
    elif isinstance(target, Opaque):
        m.note("build-on-global", f"BUILD on a {target.what}: the loader decides what runs", pos - 1)
    return pos


def _maybe_wrapper(obj: Obj) -> bool:
    """Cheap pre-test for BUILD: a NumpyArrayWrapper is built by that class or by a copyreg helper given it."""
    func = obj.func
    return type(func) is Global and (func.name == "NumpyArrayWrapper" or func.module in ("copyreg", "copy_reg"))


def _call(m: PickleMachine, st: State, func: Any, args: Any, kwargs: Any, op: str, at: int) -> Obj:
    obj = Obj(func, args if type(args) is tuple else (args,), kwargs)
    return m.add_call(obj, op, at, st)


def op_reduce(m: PickleMachine, st: State, pos: int) -> int:
    stack = st.stack
    args = stack.pop()
    obj = stack[-1] = Obj(stack[-1], args if type(args) is tuple else (args,))
    m.result.calls.append(CallRef(obj, "REDUCE", m.base + pos - 1, st.stream))
    st.made += 1
    return pos


def op_newobj(m: PickleMachine, st: State, pos: int) -> int:
    args = st.stack.pop()
    st.stack[-1] = _call(m, st, st.stack[-1], args, None, "NEWOBJ", pos - 1)
    return pos


def op_newobj_ex(m: PickleMachine, st: State, pos: int) -> int:
    kwargs = st.stack.pop()
    args = st.stack.pop()
    st.stack[-1] = _call(m, st, st.stack[-1], args, kwargs, "NEWOBJ_EX", pos - 1)
    return pos


def op_global(m: PickleMachine, st: State, pos: int) -> int:
    (module, name), nxt = _two_names(m, pos)
    st.stack.append(m.add_global(module, name, pos - 1, "GLOBAL", st))
    return nxt


def op_stack_global(m: PickleMachine, st: State, pos: int) -> int:
    name = st.stack.pop()
    module = st.stack[-1]
    for value in (module, name):
        if type(value) is not str and not may_be_str(value):
            raise PickleError("STACK_GLOBAL requires str", pos - 1)
    st.stack[-1] = m.add_global(module, name, pos - 1, "STACK_GLOBAL", st)
    return pos


def op_inst(m: PickleMachine, st: State, pos: int) -> int:
    """INST: the pure-Python unpickler imports before it looks for the MARK; the C one after (the earlier is kept)."""
    (module, name), nxt = _two_names(m, pos)
    cls = m.add_global(module, name, pos - 1, "INST", st)
    items = pop_mark(st)
    st.stack.append(_call(m, st, cls, tuple(items), None, "INST", pos - 1))
    return nxt


def op_obj(m: PickleMachine, st: State, pos: int) -> int:
    items = pop_mark(st)
    if not items:
        raise PickleError("OBJ without a class", pos - 1)
    st.stack.append(_call(m, st, items[0], tuple(items[1:]), None, "OBJ", pos - 1))
    return pos


def op_persid(m: PickleMachine, st: State, pos: int) -> int:
    pid, pos = ARGS[0x50](m, pos)
    m.result.persistent_ids.append(pid)
    st.stack.append(Opaque("persistent id", pid))
    return pos


def op_binpersid(m: PickleMachine, st: State, pos: int) -> int:
    pid = st.stack.pop()
    m.result.persistent_ids.append(pid)
    st.stack.append(Opaque("persistent id", pid))
    return pos


def _ext(op: int) -> Handler:
    decode = ARGS[op]

    def handler(m: PickleMachine, st: State, pos: int) -> int:
        code, nxt = decode(m, pos)
        if code <= 0:
            raise PickleError("EXT specifies code <= 0", pos - 1)
        m.note("extension-code", f"{NAMES[op]} {code}: the callable comes from copyreg's extension registry, "
                                 "which is the loading process's runtime state", pos - 1, DANGEROUS)
        st.stack.append(Opaque("extension code", code))
        return nxt

    return handler


def op_next_buffer(m: PickleMachine, st: State, pos: int) -> int:
    st.stack.append(Opaque("out-of-band buffer"))
    return pos


def op_readonly_buffer(m: PickleMachine, st: State, pos: int) -> int:
    st.stack[-1]
    return pos


def op_unknown(m: PickleMachine, st: State, pos: int) -> int:
    raise PickleError(f"invalid load key {m.raw[pos - 1]:#04x}", pos - 1)


def _build_table() -> list[Handler]:
    table: list[Handler] = [op_unknown] * 256
    for op in (0x4B, 0x4D, 0x4A, 0x47, 0x8C, 0x58, 0x8D, 0x43, 0x42, 0x8E, 0x96, 0x55, 0x54, 0x8A, 0x8B,
               0x49, 0x4C, 0x46, 0x53, 0x56):
        table[op] = _push(op)
    for op in (0x68, 0x6A, 0x67):
        table[op] = _get(op)
    for op in (0x71, 0x72, 0x70):
        table[op] = _put(op)
    for op in (0x82, 0x83, 0x84):
        table[op] = _ext(op)
    named: dict[int, Handler] = {
        0x28: op_mark, 0x2E: op_stop, 0x80: op_proto, 0x95: op_frame, 0x30: op_pop, 0x31: op_pop_mark,
        0x32: op_dup, 0x94: op_memoize, 0x4E: _constant(None), 0x88: _constant(True), 0x89: _constant(False),
        0x29: _constant(()), 0x5D: _new(list), 0x7D: _new(dict), 0x8F: _new(SetItems),
        0x85: op_tuple1, 0x86: op_tuple2, 0x87: op_tuple3, 0x58: op_binunicode, 0x72: op_long_binput,
        0x4A: op_binint, 0x47: op_binfloat, 0x74: op_tuple, 0x6C: op_list, 0x64: op_dict,
        0x91: op_frozenset, 0x73: op_setitem, 0x75: op_setitems, 0x61: op_append, 0x65: op_appends,
        0x90: op_additems, 0x62: op_build, 0x52: op_reduce, 0x81: op_newobj, 0x92: op_newobj_ex,
        0x63: op_global, 0x93: op_stack_global, 0x69: op_inst, 0x6F: op_obj, 0x50: op_persid,
        0x51: op_binpersid, 0x97: op_next_buffer, 0x98: op_readonly_buffer,
    }
    for op, handler in named.items():
        table[op] = handler
    return table


def _probe_mutation(op: int) -> Handler:
    """The probe's version of a mutating opcode: same pops and errors, existing objects left alone."""
    def handler(m: PickleMachine, st: State, pos: int) -> int:
        if op in (0x75, 0x65, 0x90):  # SETITEMS APPENDS ADDITEMS
            pop_mark(st)
        elif op == 0x73:  # SETITEM
            if len(st.stack) < 3:
                _underflow()
            del st.stack[-2:]
        elif op in (0x61, 0x62):  # APPEND BUILD
            if len(st.stack) < 2:
                _underflow()
            target = st.stack[-2]
            del st.stack[-1]
            if op == 0x62 and isinstance(target, (Global, Opaque)):
                return op_build_note(m, target, pos)
        st.stack[-1]
        return pos

    return handler


def op_build_note(m: PickleMachine, target: Any, pos: int) -> int:
    what = target.qualname if isinstance(target, Global) else target.what
    m.note("build-on-global", f"BUILD on {what} itself", pos - 1)
    return pos


def _underflow() -> None:
    raise IndexError


TABLE: list[Handler] = _build_table()
PLAIN_PROBE_TABLE: list[Handler] = list(TABLE)
for _op in (0x75, 0x65, 0x90, 0x73, 0x61, 0x62):
    PLAIN_PROBE_TABLE[_op] = _probe_mutation(_op)

__all__ = ["ARGS", "PLAIN_PROBE_TABLE", "TABLE", "LimitExceeded", "TextArgError"]
