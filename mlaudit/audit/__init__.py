"""Orchestration shared by the CLI and the GUI: bring the store up to date, then run the checks."""

from mlaudit.audit.run import AuditResult, ScanSummary, audit, latest_results, scan, store_for

__all__ = ["AuditResult", "ScanSummary", "audit", "latest_results", "scan", "store_for"]
