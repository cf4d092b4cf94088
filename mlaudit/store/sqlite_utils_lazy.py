"""Import sqlite_utils without dragging in pandas and numpy.

sqlite_utils imports pandas and numpy when they are installed, only to map ``pandas.Timestamp`` and numpy
scalar types to column types when it creates tables from Python values. The store never hands it such values
(its tables come from SQL migrations, its rows are plain str/int/float), yet the import costs 0.4 s: more
than a whole history scan of a small repo. When neither is loaded yet, they are hidden while sqlite_utils
loads; a later ``import pandas`` works as usual.
"""

from __future__ import annotations

import sys
from types import ModuleType

_HIDDEN = ("pandas", "numpy")


def load_sqlite_utils() -> ModuleType:
    """The sqlite_utils module, imported (once) with pandas and numpy hidden when neither is loaded yet."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes "import name" raise ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils
