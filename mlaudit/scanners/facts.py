"""Registry of practice-fact providers: functions that read a TreeSource and return JSON-able facts.

Each provider lives in its own scanner module and registers itself with ``@fact_provider("name")``.
Checks ask for facts by name through CheckContext, which caches them per tree in the store.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from mlaudit.core.tree import TreeSource

FactProvider = Callable[[TreeSource], dict[str, Any]]
PROVIDERS: dict[str, FactProvider] = {}

# Modules that define providers; imported on first lookup so registration never depends on import order.
PROVIDER_MODULES: list[str] = [
    "mlaudit.scanners.deps", "mlaudit.scanners.ci", "mlaudit.scanners.docker", "mlaudit.scanners.code",
    "mlaudit.scanners.pipeline", "mlaudit.scanners.feature_code",
    "mlaudit.scanners.evaluation",
]


def fact_provider(name: str) -> Callable[[FactProvider], FactProvider]:
    def deco(fn: FactProvider) -> FactProvider:
        PROVIDERS[name] = fn
        return fn
    return deco


def get_provider(name: str) -> FactProvider:
    if name not in PROVIDERS:
        for mod in PROVIDER_MODULES:
            importlib.import_module(mod)
    try:
        return PROVIDERS[name]
    except KeyError:
        raise KeyError(f"no fact provider named {name!r}; known: {sorted(PROVIDERS)}") from None
