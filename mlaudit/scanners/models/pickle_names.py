"""The name CPython imports for a pickled global: at protocol < 3 the unpickler renames Python 2 names.

``_pickle.Unpickler.find_class`` (with the default ``fix_imports=True``) looks ``(module, name)`` up in
``_compat_pickle.NAME_MAPPING`` first, then the module alone in ``IMPORT_MAPPING``. The tables are the
standard library's own data; nothing is imported from them.
"""

from __future__ import annotations

import _compat_pickle
import functools


@functools.lru_cache(maxsize=65536)
def canonical(module: str, name: str, proto: int) -> tuple[str, str]:
    """(module, name) as CPython's find_class resolves them for a stream at protocol ``proto``."""
    if proto >= 3:
        return module, name
    if (module, name) in _compat_pickle.NAME_MAPPING:
        mod, nm = _compat_pickle.NAME_MAPPING[(module, name)]
        return mod, nm
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name
