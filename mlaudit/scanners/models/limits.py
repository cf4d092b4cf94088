"""Bounds for static model analysis: sizes, decompression, recursion and a time budget per file."""

from __future__ import annotations

import time
from dataclasses import dataclass


class LimitExceeded(Exception):
    """A bound was hit (time, size, depth, object count); the analysis stops with a finding."""


@dataclass(slots=True)
class Limits:
    """Caps applied to one file; the defaults suit files of a few hundred MB on a laptop."""

    max_bytes: int = 256 * 1024 * 1024  # largest input analysed
    max_decompressed: int = 512 * 1024 * 1024  # largest output of one decompression
    max_ratio: float = 200.0  # decompressed / compressed size above which a stream is a bomb
    stream_above: int = 2 * 1024 * 1024  # decompressed joblib content past this is streamed: big arrays are not kept
    max_members: int = 10_000  # zip entries looked at
    max_ops: int = 5_000_000  # pickle opcodes per file (each may add one stack or memo entry)
    max_objects: int = 2_000_000  # symbolic objects kept
    max_depth: int = 40  # nesting of containers (zip in zip, pickle in array ...)
    seconds: float = 30.0  # time budget per file


class Budget:
    """A deadline and counters shared by every reader working on one file."""

    __slots__ = ("deadline", "limits", "ops")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.ops = 0

    def tick(self, n: int) -> None:
        """Count ``n`` opcodes (callers tick in batches); raise LimitExceeded past the op cap or the deadline."""
        self.ops += n
        if self.ops > self.limits.max_ops:
            raise LimitExceeded(f"more than {self.limits.max_ops} pickle opcodes")
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"analysis took longer than {self.limits.seconds:g} s")
