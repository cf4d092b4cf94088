"""Migration sets, one module per area; each module defines ``MIGRATIONS`` (a sqlite_utils.Migrations).

Areas evolve independently: a new module here is discovered automatically. ``core`` runs first.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Migrations

# Bump on a change older readers must not open (a store recording a larger number is refused). Adding a
# migration needs no bump: a store holding a migration this version does not know is refused by name too.
SCHEMA_VERSION = 1


def migration_sets() -> list[Migrations]:
    """Every area's migration set, core first, then by module name."""
    from mlaudit.store.sqlite_utils_lazy import load_sqlite_utils

    load_sqlite_utils()  # before the set modules import it themselves: without pandas and numpy
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    names.sort(key=lambda n: (n != "core", n))
    return [importlib.import_module(f"{__name__}.{n}").MIGRATIONS for n in names]


def schema_fingerprint() -> str | None:
    """A hash of this package's migration sources: a store stamped with it was migrated by this very code, so
    opening it needs neither the migration sets nor sqlite_utils. None when the sources cannot be read."""
    digest = hashlib.sha256(str(SCHEMA_VERSION).encode())
    try:
        for source in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()
