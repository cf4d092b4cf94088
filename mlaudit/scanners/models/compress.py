"""Compressed joblib payloads: detect the codec by magic bytes and decompress within size and ratio caps."""

from __future__ import annotations

import bz2
import lzma
import zlib
from collections.abc import Callable
from typing import Any

from mlaudit.scanners.models.limits import Limits, LimitExceeded

try:  # imported once here, not on the first lz4 file (a runtime dependency; a broken install still scans the rest)
    import lz4.frame as lz4_frame
except ImportError:
    lz4_frame = None

CHUNK = 1 << 20


def codec_of(head: bytes) -> str | None:
    """The compression of a joblib file from its first bytes, or None."""
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh" and head[3:4].isdigit():
        return "bz2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:4] == b"\x04\x22\x4d\x18":
        return "lz4"
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


def decompress(data: bytes, codec: str, limits: Limits, tick: Callable[[], None] | None = None) -> bytes:
    """Decompress ``data`` (capped by size and ratio); raise LimitExceeded on a bomb, ValueError when corrupt."""
    cap = min(limits.max_decompressed, int(max(len(data), 1 << 16) * limits.max_ratio))
    if codec == "lz4":
        return _lz4(data, cap, tick)
    dec = _stream(codec)
    out = bytearray()
    pending = data
    try:
        while True:
            if codec in ("gzip", "zlib"):
                piece = dec.decompress(pending, CHUNK)
                pending = dec.unconsumed_tail
            else:
                piece = dec.decompress(pending, max_length=CHUNK)
                pending = b""
            out += piece
            if len(out) > cap:
                raise LimitExceeded(f"decompresses to more than {cap} bytes ({limits.max_ratio:g}x cap): a compression bomb")
            if tick is not None:
                tick()
            finished = dec.eof if hasattr(dec, "eof") else False
            if finished or (not piece and not pending and (codec in ("gzip", "zlib") or dec.needs_input)):
                break
    except (zlib.error, OSError, lzma.LZMAError, EOFError) as exc:
        raise ValueError(f"corrupt {codec} stream: {exc}") from None
    if not getattr(dec, "eof", True):
        raise ValueError(f"truncated {codec} stream")
    return bytes(out)


def _lz4(data: bytes, cap: int, tick: Callable[[], None] | None) -> bytes:
    if lz4_frame is None:
        raise ValueError("lz4 is not installed; cannot read an lz4-compressed joblib file (pip install lz4)")
    dec = lz4_frame.LZ4FrameDecompressor()
    out = bytearray()
    pending = data
    try:
        while not dec.eof:
            piece = dec.decompress(pending, max_length=CHUNK)
            pending = b""
            out += piece
            if len(out) > cap:
                raise LimitExceeded(f"decompresses to more than {cap} bytes: a compression bomb")
            if tick is not None:
                tick()
            if not piece and dec.needs_input:
                raise ValueError("truncated lz4 stream")
    except RuntimeError as exc:
        raise ValueError(f"corrupt lz4 stream: {exc}") from None
    return bytes(out)
