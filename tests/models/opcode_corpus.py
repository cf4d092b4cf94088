"""Pickle streams assembled opcode by opcode (protocols 0-5) and a hypothesis strategy for random opcode programs.

Nothing here is ever unpickled by a real unpickler: the oracle (``pickle_oracle``) runs CPython's with stubs.
``hand_corpus()`` covers every opcode and the spellings where parsers differ (text INT in octal/hex/with NUL,
LONG with L, FLOAT forms, quoted STRING escapes, GET/PUT with long indices, long text lines, INST before MARK,
POP at a MARK, FRAME, big LONG4, STACK_GLOBAL from memo, NEWOBJ_EX, PERSID, sets, buffers, extension codes).
``dumps_corpus()`` pickles real values of this process at every protocol. ``programs()`` builds random opcode
programs (each opcode with a well-formed argument) for the differential fuzz test.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import pickle
import struct
from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

NAMES = [("os", "system"), ("builtins", "eval"), ("__builtin__", "set"), ("copy_reg", "_reconstructor"),
         ("collections", "OrderedDict"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
         ("joblib.numpy_pickle", "NumpyArrayWrapper"), ("a.b", "c.d"), ("torch._utils", "_rebuild_tensor_v2")]


def bu(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def g(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(module: str, name: str, arg: bytes = b"N") -> bytes:
    """GLOBAL, then a one-element tuple, then REDUCE (protocol 2 spelling)."""
    return g(module, name) + arg + b"\x85R"


def hand_corpus() -> list[tuple[str, bytes]]:
    """(name, stream) pairs built byte by byte."""
    p2, p4, p5 = b"\x80\x02", b"\x80\x04", b"\x80\x05"
    frame = p4 + b"\x95" + struct.pack("<Q", 12) + bu("os") + bu("system") + b"\x93N\x85R."
    out = [
        ("int text forms", b"(I010\nI0x1f\nI-7\nI 5\nI00\nI01\nI+1\nI\nI5\x00junk\nl."),
        ("int text bad", b"I08\n."),
        ("int text huge", b"I" + b"9" * 40 + b"\n."),
        ("long text", b"(L12L\nL-0x10\nL1_000\nL" + b"7" * 5000 + b"L\nt."),
        ("float text", b"(F1.5\nF-inf\nFnan\nF1e10\nF.5\nt."),
        ("float text bad", b"F1e\n."),
        ("float overflow", b"F1e999\n."),
        ("string quoted", b"(S'a\\x41\\n'\nS\"q\"\nt."),
        ("string unquoted", b"Sabc\n."),
        ("unicode text", b"(V\\u0041b\nVplain\nt."),
        ("get put text", b"(I1\np0000000000000000000001\ng1\ng0000000000000000000001\nt."),
        ("get put long index", b"(I1\np" + b"0" * 30 + b"7\ng7\nt."),
        ("put negative", b"I1\np-1\n."),
        ("global text call", call("os", "system", b"S'id'\n")),
        ("global proto2 py2 name", p2 + call("__builtin__", "eval", bu("1")) + b"."),
        ("global proto3 py2 name", b"\x80\x03" + call("__builtin__", "eval", bu("1")) + b"."),
        ("copy_reg reconstructor", p2 + g("copy_reg", "_reconstructor") + g("collections", "OrderedDict")
         + g("__builtin__", "object") + b"N\x87R}b."),
        ("long global line", g("os", "system" + "x" * 200_000) + b"."),
        ("inst", b"(S'id'\nios\nsystem\n."),
        ("inst without mark", b"ios\nsystem\n."),
        ("obj", b"(" + g("os", "system") + b"S'id'\no."),
        ("obj empty", b"(o."),
        ("newobj", p2 + g("collections", "OrderedDict") + b")\x81."),
        ("newobj_ex", p4 + bu("collections") + bu("OrderedDict") + b"\x93)}\x92."),
        ("stack global from memo", p4 + bu("os") + b"\x94" + bu("system") + b"\x94\x93h\x00h\x01\x93\x86."),
        ("stack global non str", p4 + b"K\x01K\x02\x93."),
        ("stack global from call", p4 + bu("builtins") + bu("str") + b"\x93" + bu("os") + b"\x85R" + bu("system")
         + b"\x93N\x85R."),
        ("frame", frame),
        ("frame past end", p4 + b"\x95" + struct.pack("<Q", 1000) + b"N."),
        ("proto too high", b"\x80\x06N."),
        ("leading no-ops", p4 + b"\x95" + struct.pack("<Q", 2) + b"N0" + b"\x80\x02" + call("os", "system") + b"."),
        ("pop at mark", b"(0" + call("os", "system") + b"."),
        ("pop mark", b"(K\x01K\x021" + call("os", "system") + b"."),
        ("dup", p2 + g("os", "system") + b"2N\x85R."),
        ("long1 long4", p2 + b"(\x8a\x02\xff\x00\x8b" + struct.pack("<i", 3) + b"\x01\x02\x03t."),
        ("big long4", p2 + b"\x8b" + struct.pack("<i", 200_000) + b"\x01" * 200_000 + b"0" + call("os", "system") + b"."),
        ("long4 negative", p2 + b"\x8b" + struct.pack("<i", -1) + b"."),
        ("bytes forms", b"\x80\x03(C\x02ab" + b"B" + struct.pack("<I", 3) + b"xyz" + b"\x8e" + struct.pack("<Q", 1)
         + b"q\x96" + struct.pack("<Q", 2) + b"rst."),
        ("binstring forms", p2 + b"(U\x02ab" + b"T" + struct.pack("<i", 2) + b"cdt."),
        ("binstring negative", p2 + b"T" + struct.pack("<i", -5) + b"."),
        ("unicode8", p4 + b"\x8d" + struct.pack("<Q", 2) + b"hi."),
        ("sets", p4 + b"\x8f(K\x01K\x02\x90(K\x03\x91\x86."),
        ("dict odd", b"(K\x01d."),
        ("setitems odd", p2 + b"}(K\x01u."),
        ("setitem on list", p2 + b"]K\x01aK\x00" + g("os", "system") + b"s."),
        ("appends to global", p2 + g("collections", "OrderedDict") + b"(K\x01e."),
        ("build on global", p2 + g("collections", "OrderedDict") + b"}b."),
        ("build with slots", p2 + g("collections", "OrderedDict") + b")R}}\x86b."),
        ("persid", b"(Pfoo\n" + call("os", "system") + b"t."),
        ("binpersid call", p2 + bu("x") + b"QN\x85R."),
        ("ext1", p2 + b"\x82\x01N\x85R."),
        ("ext4 zero", p2 + b"\x84" + struct.pack("<i", 0) + b"."),
        ("next buffer", p5 + b"\x97\x98."),
        ("readonly empty", p5 + b"\x98."),
        ("invalid opcode", p2 + b"\x00."),
        ("stop empty", b"."),
        ("stop at mark", b"N(."),
        ("stack underflow", b"\x85."),
        ("truncated", p2 + g("os", "system")),
        ("no stop", p2 + b"N"),
        ("memo missing", p2 + b"h\x05."),
        ("reduce non tuple", p2 + g("os", "system") + b"NR."),
        ("tuple3 short", p2 + b"(K\x01\x87."),
        ("empty", b""),
    ]
    for name, data in list(out):
        if data[:1] != b"\x80" and data:
            out.append((name + " (proto 1 frame)", b"\x80\x01" + data))
    return out


class _Custom:
    def __init__(self) -> None:
        self.a = [1, 2]
        self.b = {"k": (1.5, None)}


def dumps_corpus() -> list[tuple[str, bytes]]:
    """Real values of this process pickled at protocols 0-5 (``pickle.dumps`` only: nothing is loaded)."""
    values: dict[str, Callable[[], object]] = {
        "containers": lambda: {"a": [1, 2.5, "x", b"y", (1, 2, 3)], "s": {1, 2}, "f": frozenset({3}), "n": None,
                               "t": (True, False), "big": 10**100, "neg": -(2**70), "c": complex(1, 2)},
        "shared": lambda: [[1, 2]] * 3,
        "ordered": lambda: collections.OrderedDict(a=1, b=[2]),
        "numpy": lambda: {"arr": np.arange(6.0).reshape(2, 3), "obj": np.array(["a", None], dtype=object),
                          "rec": np.zeros(2, dtype=[("x", "<i4"), ("y", "O")]), "s": np.float32(1.5)},
        "dates": lambda: [datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2020, 1, 1), decimal.Decimal("1.5")],
        "custom": _Custom,
        "text": lambda: ["é" * 300, "\ud800" if False else "x", "a\nb\\c'\""],
    }
    return [(f"{name} p{proto}", pickle.dumps(make(), protocol=proto)) for name, make in values.items() for proto in range(6)]


# --- random opcode programs -------------------------------------------------------------------------
def _text_int() -> st.SearchStrategy[bytes]:
    return st.sampled_from([b"0", b"1", b"00", b"01", b"010", b"0x1f", b"-3", b" 7", b"12L", b"1_0", b"", b"9" * 25])


def _op() -> st.SearchStrategy[bytes]:
    """One opcode with a well-formed argument (or a deliberately odd one)."""
    names = st.sampled_from(NAMES)
    small = st.integers(0, 6)
    return st.one_of(
        st.sampled_from([b"(", b")", b"]", b"}", b"\x8f", b"N", b"\x88", b"\x89", b"0", b"1", b"2", b"t", b"l", b"d",
                         b"\x91", b"\x85", b"\x86", b"\x87", b"a", b"e", b"s", b"u", b"\x90", b"b", b"R", b"\x81",
                         b"\x92", b"\x93", b"\x94", b"o", b"Q", b"\x98", b"\x97"]),
        st.integers(0, 255).map(lambda i: b"K" + bytes([i])),
        st.integers(-(2**31), 2**31 - 1).map(lambda i: b"J" + struct.pack("<i", i)),
        st.integers(0, 65535).map(lambda i: b"M" + struct.pack("<H", i)),
        st.text(max_size=8).map(bu),
        st.binary(max_size=8).map(lambda b: b"C" + bytes([len(b)]) + b),
        names.map(lambda n: bu(n[0]) + bu(n[1])),
        names.map(lambda n: g(*n)),
        names.map(lambda n: b"i" + n[0].encode() + b"\n" + n[1].encode() + b"\n"),
        small.map(lambda i: b"q" + bytes([i])),
        small.map(lambda i: b"h" + bytes([i])),
        small.map(lambda i: b"p" + str(i).encode() + b"\n"),
        small.map(lambda i: b"g" + str(i).encode() + b"\n"),
        _text_int().map(lambda t: b"I" + t + b"\n"),
        _text_int().map(lambda t: b"L" + t + b"\n"),
        st.sampled_from([b"F1.5\n", b"S'x'\n", b"Vy\n", b"Pid\n", b"\x8a\x01\x05", b"\x82\x01"]),
    )


def programs(proto: int | None = None) -> st.SearchStrategy[bytes]:
    """A random stream: optional PROTO (and FRAME), 1-30 opcodes, then STOP (sometimes junk instead)."""
    protos = st.just(proto) if proto is not None else st.integers(0, 5)

    def assemble(p: int, ops: list[bytes], framed: bool, tail: bytes) -> bytes:
        body = b"".join(ops) + tail
        head = b"" if p == 0 else b"\x80" + bytes([p])
        if framed and p >= 4:
            head += b"\x95" + struct.pack("<Q", len(body))
        return head + body

    return st.builds(assemble, protos, st.lists(_op(), min_size=1, max_size=30), st.booleans(),
                     st.sampled_from([b".", b".", b".", b"", b"\x00", b"N."]))
