"""JSON Schemas of mlaudit output (the JSON report)."""
