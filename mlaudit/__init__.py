"""mlaudit: an offline auditor for machine-learning repositories."""

from __future__ import annotations

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    """``__version__`` is read from the package metadata on first use (importlib.metadata costs ~30 ms to load,
    a tenth of a no-op rescan, which never needs it)."""
    if name != "__version__":
        raise AttributeError(f"module 'mlaudit' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("mlaudit")
    except PackageNotFoundError:  # running from a source tree that was never installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
