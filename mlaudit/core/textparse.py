"""Bounded JSON and TOML parsing for files of an audited repo.

The standard parsers recurse: a deeply nested document raises RecursionError, and a TOML dotted key with
100,000 parts takes quadratic memory. Both are refused here with ``ParseBomb`` (a ValueError, so callers
that handle invalid input handle these too), before or instead of a crash.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

MAX_TOML_KEY_PARTS = 128  # dots in one line outside strings; real files use a handful
_TOML_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


class ParseBomb(ValueError):
    """A document nested too deeply (or keyed too long) to parse safely; it was not read."""


def load_json(text: str | bytes) -> Any:
    """``json.loads``, with excessive nesting reported as ParseBomb instead of RecursionError."""
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ParseBomb("JSON nested too deeply to parse; not read") from exc


def load_toml(text: str) -> Any:
    """``tomllib.loads``, refusing dotted keys of more than MAX_TOML_KEY_PARTS parts and excessive nesting."""
    bare = _TOML_STRINGS.sub('""', text)
    if any(line.count(".") > MAX_TOML_KEY_PARTS for line in bare.splitlines()):
        raise ParseBomb(f"TOML key with more than {MAX_TOML_KEY_PARTS} dotted parts; not read")
    try:
        return tomllib.loads(text)
    except RecursionError as exc:
        raise ParseBomb("TOML nested too deeply to parse; not read") from exc
