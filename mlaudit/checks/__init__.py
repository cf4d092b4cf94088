"""Checks: one per file under ``checks/<area>/``, registered by id; ``stats/`` holds the drift statistics."""

from mlaudit.checks.base import (
    AREAS,
    Check,
    CheckResult,
    Evidence,
    Severity,
    Status,
    all_checks,
    register,
    run_checks,
)

__all__ = ["AREAS", "Check", "CheckResult", "Evidence", "Severity", "Status", "all_checks", "register", "run_checks"]
