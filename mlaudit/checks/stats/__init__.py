"""Drift statistics, one file each, registered with name, column types and default threshold.

``STATISTICS`` holds them by name (ks, chisquare, z, wasserstein, jensenshannon, psi); ``chooser.choose``
picks the default test as Evidently does; ``compare.compare(store, ref_key, cur_key, config)`` builds a
``DriftReport`` from two stored profiles without rereading any file.
"""

from mlaudit.checks.stats import chisquare, jensenshannon, ks, psi, wasserstein, ztest  # noqa: F401  (registration)
from mlaudit.checks.stats.registry import STATISTICS, ColumnData, Statistic, StatOutcome

__all__ = ["STATISTICS", "ColumnData", "StatOutcome", "Statistic"]
