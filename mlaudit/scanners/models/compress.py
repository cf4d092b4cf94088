"""Compressed payloads (joblib, pandas.read_pickle, any name): the codec by magic bytes, decompressed whole or as a
stream within size and ratio caps. Concatenated streams (gzip members, bz2/xz/zstd/lz4 frames) are all read, as
joblib's and Python's file readers do; damage after the first stream is an error, never silently ignored."""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable, Generator, Iterator
from typing import Any

from mlaudit.scanners.models.limits import LimitExceeded, Limits

try:  # imported once here, not on the first lz4 file (a runtime dependency; a broken install still scans the rest)
    import lz4.frame as lz4_frame
except ImportError:
    lz4_frame = None
zstandard: Any
try:
    import zstandard
except ImportError:
    zstandard = None

ZSTD_IN = 1 << 10  # zstd input slice: one call cannot expand past ~256 blocks of 128 KiB (bounded memory on a bomb)

CHUNK = 1 << 20  # largest decompressed piece
IN_CHUNK = 1 << 16  # compressed bytes handed to the decompressor at a time


def codec_of(head: bytes) -> str | None:
    """The compression of a file from its first bytes (never its name), or None."""
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh" and head[3:4].isdigit():
        return "bz2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:4] == b"\x04\x22\x4d\x18":
        return "lz4"
    if head[:4] == b"\x28\xb5\x2f\xfd" or (len(head) >= 4 and head[0] & 0xF0 == 0x50 and head[1:4] == b"\x2a\x4d\x18"):
        return "zstd"  # a frame, or a skippable frame (0x184D2A5?) in front of one
    if head[:3] == b"]\x00\x00":
        return "lzma"
    if len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0:
        return "zlib"
    return None


def _stream(codec: str) -> Any:
    if codec == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if codec == "zlib":
        return zlib.decompressobj()
    if codec == "bz2":
        return bz2.BZ2Decompressor()
    if codec in ("xz", "lzma"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ if codec == "xz" else lzma.FORMAT_ALONE)
    raise ValueError(codec)


def pieces(data: bytes, codec: str, limits: Limits, tick: Callable[[], None] | None = None) -> Iterator[bytes]:
    """Decompressed pieces of at most CHUNK bytes (never empty), capped by size and ratio.

    Raises LimitExceeded on a compression bomb and ValueError when the stream is corrupt or truncated.
    """
    cap = min(limits.max_decompressed, int(max(len(data), 1 << 16) * limits.max_ratio))
    total = 0
    for piece in _pieces(data, codec):
        total += len(piece)
        if total > cap:
            raise LimitExceeded(f"decompresses to more than {cap} bytes ({limits.max_ratio:g}x cap): a compression bomb")
        if tick is not None:
            tick()
        yield piece


def decompress(data: bytes, codec: str, limits: Limits, tick: Callable[[], None] | None = None) -> bytes:
    """Decompress ``data`` whole (capped by size and ratio); raise LimitExceeded on a bomb, ValueError when corrupt."""
    return b"".join(pieces(data, codec, limits, tick))


def open_stream(data: bytes, codec: str, limits: Limits, tick: Callable[[], None] | None = None) -> tuple[bytes, Feed | None]:
    """The decompressed content whole (feed None) when it is at most ``limits.stream_above`` bytes, else its head and a Feed.

    A corrupt or truncated stream gives what decompressed before the damage and an exhausted Feed naming the error:
    a loader unpickles that much before failing, so it is analysed. Raises LimitExceeded on a compression bomb.
    """
    source = pieces(data, codec, limits, tick)
    parts, got = [], 0
    try:
        for piece in source:
            parts.append(piece)
            got += len(piece)
            if got > limits.stream_above:
                return b"".join(parts), Feed(source)
    except ValueError as exc:
        feed = Feed(iter(()))
        feed.error = str(exc)
        return b"".join(parts), feed
    return b"".join(parts), None


def _decoder(codec: str) -> Any:
    if codec == "lz4":
        if lz4_frame is None:
            raise ValueError("lz4 is not installed; cannot read an lz4-compressed file (pip install lz4)")
        return lz4_frame.LZ4FrameDecompressor()
    if codec == "zstd":
        if zstandard is None:
            raise ValueError("zstandard is not installed; cannot read a zstd-compressed file (pip install zstandard)")
        return zstandard.ZstdDecompressor().decompressobj()
    return _stream(codec)


def _pieces(data: bytes, codec: str) -> Iterator[bytes]:
    """Every stream of ``data`` one after the other (as gzip.GzipFile, bz2/lzma files and joblib's readers do).

    Input is handed over in slices so no codec copies the whole remaining input at each step.
    """
    view, off = memoryview(data), 0
    streams = 0
    errors: tuple[type[BaseException], ...] = (zlib.error, OSError, lzma.LZMAError, EOFError, RuntimeError)
    if zstandard is not None:
        errors += (zstandard.ZstdError,)
    while True:
        dec = _decoder(codec)
        streams += 1
        try:
            if codec in ("gzip", "zlib"):
                off = yield from _zlib_like(dec, view, off)
            else:
                off = yield from _framed(dec, view, off, codec)
        except errors as exc:
            raise ValueError(f"corrupt {codec} stream{f' (stream {streams})' if streams > 1 else ''}: {exc}") from None
        if not dec.eof:
            raise ValueError(f"truncated {codec} stream")
        rest = bytes(dec.unused_data or b"")
        off -= len(rest)  # unused bytes are the start of what follows
        tail = view[off:]
        if codec == "gzip":
            skip = len(tail) - len(bytes(tail[:1 << 16]).lstrip(b"\x00")) if bytes(tail[:1]) == b"\x00" else 0
            off += skip  # gzip readers skip NUL padding between members
            tail = view[off:]
        if not len(tail) or codec == "lzma":  # FORMAT_ALONE has no end marker readers continue after
            return
        if codec_of(bytes(tail[:8])) != codec:
            raise ValueError(f"{len(tail)} bytes after the {codec} stream are not another {codec} stream")


def _zlib_like(dec: Any, view: memoryview, off: int) -> Generator[bytes, None, int]:
    pending: bytes | memoryview = b""
    while not dec.eof:
        if not pending and off < len(view):
            pending, off = view[off:off + IN_CHUNK], off + IN_CHUNK
        piece = dec.decompress(pending, CHUNK)
        pending = dec.unconsumed_tail
        if piece:
            yield piece
        elif not pending and off >= len(view):
            break
    return min(off, len(view)) - len(pending)


def _framed(dec: Any, view: memoryview, off: int, codec: str) -> Generator[bytes, None, int]:
    if codec == "zstd":  # no max_length: small input slices bound each call's output
        step = ZSTD_IN
        while not dec.eof and off < len(view):
            piece = dec.decompress(view[off:off + step])
            off += step
            if piece:
                yield piece
        return min(off, len(view))
    while not dec.eof:
        chunk: bytes | memoryview = b""
        if dec.needs_input and off < len(view):
            chunk, off = view[off:off + IN_CHUNK], off + IN_CHUNK
        piece = dec.decompress(chunk, max_length=CHUNK)
        if piece:
            yield piece
        elif dec.needs_input and off >= len(view):
            break
    return min(off, len(view))


class Feed:
    """Decompressed bytes handed out on demand to the pickle machine; skipped spans are decompressed and dropped.

    A corrupt or truncated stream ends the feed early and leaves the reason in ``error``.
    """

    def __init__(self, source: Iterator[bytes]) -> None:
        self._source = source
        self._left = b""  # decompressed, not handed out yet
        self._done = False
        self.error: str | None = None

    @property
    def exhausted(self) -> bool:
        return self._done and not self._left

    def _next(self) -> bytes:
        if self._left:
            piece, self._left = self._left, b""
            return piece
        if not self._done:
            try:
                return next(self._source)
            except StopIteration:
                self._done = True
            except ValueError as exc:
                self._done = True
                self.error = str(exc)
        return b""

    def read(self, k: int) -> bytes:
        """At least ``k`` bytes (fewer only at the end of the stream)."""
        parts, got = [], 0
        while got < k:
            piece = self._next()
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        return b"".join(parts)

    def skip(self, k: int) -> int:
        """Decompress and drop ``k`` bytes; return how many there were."""
        left = k
        while left > 0:
            piece = self._next()
            if not piece:
                break
            if len(piece) > left:
                self._left = piece[left:]
                left = 0
            else:
                left -= len(piece)
        return k - left
