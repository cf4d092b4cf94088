"""Security data shipped with mlaudit: the pickle allow/deny policy (pickle_policy.json)."""
