"""The SQLite store: one file per audited repo, migrations, transactional writes, read queries."""

from mlaudit.store.db import Store, default_store_path, open_store

__all__ = ["Store", "default_store_path", "open_store"]
