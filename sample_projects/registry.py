"""The sample-project recipes by name, and a helper to build one."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from mlaudit.sample_projects import at_scale, notebook_prototype, small_service

RECIPES: dict[str, ModuleType] = {m.NAME: m for m in (notebook_prototype, small_service, at_scale)}
DEFAULT = notebook_prototype.NAME


def build_sample(name: str, dest: str | Path) -> Path:
    """Build recipe ``name`` into the new folder ``dest`` and return the repo root."""
    from mlaudit.core.errors import MlauditError

    if name not in RECIPES:
        raise MlauditError(f"no sample project named {name!r}; choose one of: {', '.join(RECIPES)}")
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise MlauditError(f"{dest} already exists and is not empty; choose an empty or new folder")
    return RECIPES[name].build(dest)
