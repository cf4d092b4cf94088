"""Building blocks shared by the sample-project recipes: notebooks, CSV text, model bytes, hashes."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import struct
from typing import Any

import joblib
import pandas as pd


def notebook(*cells: str | tuple[str, str]) -> str:
    """An nbformat-4 notebook; each cell is code text, or ``("markdown", text)``."""
    out = []
    for cell in cells:
        kind, text = cell if isinstance(cell, tuple) else ("code", cell)
        lines = text.strip("\n").splitlines(keepends=True)
        entry: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": lines}
        if kind == "code":
            entry |= {"execution_count": None, "outputs": []}
        out.append(entry)
    doc = {
        "cells": out,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i, entry in enumerate(doc["cells"]):
        entry["id"] = f"cell-{i:02d}"
    return json.dumps(doc, indent=1) + "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """CSV text with a fixed float format and line ending, so rebuilds give the same bytes."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.4f")


def pickle_bytes(obj: Any, protocol: int = 4) -> bytes:
    """Pickle bytes of a live object (the recipes dump, and nothing in mlaudit ever loads them)."""
    return pickle.dumps(obj, protocol=protocol)


def joblib_bytes(obj: Any, compress: int = 0) -> bytes:
    """joblib bytes of a live object, written to memory."""
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=compress)
    return buffer.getvalue()


def unsafe_pickle(command: str) -> bytes:
    """A protocol-2 pickle that would call ``os.system(command)`` when loaded; written opcode by opcode."""
    payload = command.encode("utf-8")
    return (
        b"\x80\x02"                       # PROTO 2
        b"cos\nsystem\n"                  # GLOBAL 'os system'
        b"(X" + struct.pack("<I", len(payload)) + payload +  # MARK, BINUNICODE command
        b"tR."                            # TUPLE, REDUCE, STOP
    )


def md5(data: bytes) -> str:
    """MD5 hex digest, as DVC records it."""
    return hashlib.md5(data).hexdigest()


def fake_sha256(*parts: str) -> str:
    """A deterministic sha256-looking digest for lock-file entries of packages not downloaded."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()
