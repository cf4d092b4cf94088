"""drift checks, one per file (DRIFT-SPLITS, DRIFT-HISTORY, DRIFT-MONITORING; DRIFT-MODEL-DATA is in models)."""
