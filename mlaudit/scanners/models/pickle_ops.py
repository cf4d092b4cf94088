"""The pickle opcodes (protocols 0-5) and how CPython's C unpickler (``_pickle.c``) parses their arguments.

The text opcodes are parsed with the C unpickler's rules, not the pure-Python ``pickle._Unpickler``'s:
``INT`` goes through ``strtol(s, &end, 0)`` (so ``010`` is octal 8, ``0x10`` is 16 and ``I\\n`` is 0) with
``PyLong_FromString(s, 0)`` as the fallback; ``LONG`` drops one trailing ``L``; ``FLOAT`` accepts what
``PyOS_string_to_double`` accepts; ``GET``/``PUT`` read base-10 integers; ``STRING`` must be quoted.
A C string stops at its first NUL byte, so every text argument is cut there. Where the pure-Python
unpickler (which joblib uses) accepts more than the C one, the machine accepts the union, so it never
stops reading before either of them: ``FLOAT`` overflow gives inf, a FRAME longer than the data is read
as far as it goes. Names come from ``pickletools`` (metadata only); nothing here unpickles anything.
"""

from __future__ import annotations

import codecs
import pickletools
import re
import struct

NAMES: dict[int, str] = {ord(op.code.encode("latin-1")): op.name for op in pickletools.opcodes}
HIGHEST_PROTOCOL = 5  # the C unpickler refuses PROTO above pickle.HIGHEST_PROTOCOL

U8 = struct.Struct("<B")
U16 = struct.Struct("<H")
I32 = struct.Struct("<i")
U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")
F64 = struct.Struct(">d")
# The length prefix of each counted bytes/string opcode.
COUNTED = {0x43: U8, 0x55: U8, 0x8C: U8, 0x42: U32, 0x58: U32, 0x54: I32, 0x8E: U64, 0x8D: U64, 0x96: U64}
LONG_MAX = (1 << 63) - 1
_SPACE = b" \t\n\v\f\r"
_FLOAT = re.compile(rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE)


class TextArgError(ValueError):
    """A text argument the C unpickler refuses (it raises, so the load stops there)."""


def c_string(text: bytes) -> bytes:
    """The argument as C code sees it: up to its first NUL byte."""
    cut = text.find(b"\0")
    return text if cut < 0 else text[:cut]


def _strtol(text: bytes) -> tuple[int, int]:
    """``strtol(text, &end, 0)``: (value, index of end); end is 0 when no digit was read."""
    i, n = 0, len(text)
    while i < n and text[i] in _SPACE:
        i += 1
    sign = 1
    if i < n and text[i] in b"+-":
        sign = -1 if text[i] == 0x2D else 1
        i += 1
    base, digits = 10, b"0123456789"
    if text[i:i + 2] in (b"0x", b"0X") and i + 2 < n and text[i + 2] in b"0123456789abcdefABCDEF":
        base, digits, i = 16, b"0123456789abcdefABCDEF", i + 2
    elif text[i:i + 1] == b"0":
        base, digits = 8, b"01234567"
    start = i
    while i < n and text[i] in digits:
        i += 1
    if i == start:
        return 0, 0
    return sign * int(text[start:i], base), i


def parse_int(line: bytes) -> int | bool:
    """The value of an ``INT`` argument (``line`` without its newline), as ``load_int`` computes it."""
    text = c_string(line)
    value, end = _strtol(text)
    if end == len(text) and -LONG_MAX - 1 <= value <= LONG_MAX:
        if len(line) == 2 and value in (0, 1):  # "00"/"01" are the protocol-0 booleans
            return value == 1
        return value
    return parse_long(text, strip_l=False)


def parse_long(line: bytes, strip_l: bool = True) -> int:
    """The value of a ``LONG`` argument: ``PyLong_FromString(s, NULL, 0)`` after one trailing ``L`` is dropped."""
    if strip_l and len(line) > 0 and line[-1:] == b"L":
        line = line[:-1]
    text = c_string(line)
    try:
        return int(text, 0)
    except ValueError:
        raise TextArgError("invalid integer literal") from None


def parse_float(line: bytes) -> float:
    """The value of a ``FLOAT`` argument as either unpickler reads it: ``PyOS_string_to_double`` in C (no spaces, no
    underscores), ``float()`` in the pure-Python one joblib uses (which also takes surrounding whitespace and
    underscores); the union is kept, so the machine goes on wherever one of them would."""
    text = c_string(line)
    m = _FLOAT.match(text)
    if m is None or m.end() != len(text):
        try:
            return float(line)
        except ValueError:
            raise TextArgError("could not convert string to float") from None
    return float(text)  # an overflow is an error in C, inf in the pure-Python unpickler: the union is kept


def parse_index(line: bytes) -> int:
    """A ``GET``/``PUT`` memo index: ``PyLong_FromString(s, NULL, 10)``."""
    try:
        return int(c_string(line), 10)
    except ValueError:
        raise TextArgError("invalid memo index") from None


def parse_string(line: bytes) -> bytes:
    """A ``STRING`` argument: quoted (same quote both ends), escapes decoded; the bytes before text decoding."""
    if len(line) < 2 or line[0] != line[-1] or line[0] not in b"'\"":
        raise TextArgError("the STRING opcode argument must be quoted")
    try:
        return codecs.escape_decode(line[1:-1])[0]
    except ValueError:
        raise TextArgError("invalid escape in STRING") from None


def parse_unicode(line: bytes) -> str:
    """A ``UNICODE`` argument: raw-unicode-escape, strict."""
    try:
        return line.decode("raw-unicode-escape")
    except UnicodeDecodeError:
        raise TextArgError("invalid raw-unicode-escape text") from None


def parse_name(line: bytes) -> str:
    """A module or class name of ``GLOBAL``/``INST``: UTF-8, strict."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise TextArgError("a global name that is not UTF-8") from None


def parse_persid(line: bytes) -> str:
    """A ``PERSID`` argument: ASCII, strict."""
    try:
        return line.decode("ascii")
    except UnicodeDecodeError:
        raise TextArgError("a persistent id that is not ASCII") from None
