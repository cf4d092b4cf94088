"""Which files of a tree the leakage analysis reads, and the content key its results are cached under."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from mlaudit.core.config import define_threshold
from mlaudit.core.roles import classify_by_rules
from mlaudit.core.tree import TreeEntry, TreeSource
from mlaudit.scanners.notebooks import is_source_path

# Bump when the analysis changes so cached results are recomputed.
ANALYZER_VERSION = "leak-8"
MAX_SOURCE = define_threshold("leakage.max_source_bytes", 20 * 1024 * 1024,
                              "Largest script or notebook (bytes) the leakage analysis reads; bigger ones are recorded as unreadable.")


def python_sources(tree: TreeSource, rules: Iterable[tuple[str, str]] = ()) -> list[TreeEntry]:
    """Scripts and notebooks of the tree; checkpoint copies, vendored packages and test files (role 'test') left out."""
    rules = list(rules)
    return [e for e in tree.files() if is_source_path(e.path) and classify_by_rules(e.path, rules)[0] != "test"]


def content_id(entry: TreeEntry, data: bytes | None = None) -> str:
    """The git blob id of a file (computed from its bytes for working-tree files)."""
    if entry.blob:
        return entry.blob
    assert data is not None
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
