"""MON-PRODUCTION: the served model is monitored: metrics export, prediction logging, alerting."""

from __future__ import annotations

import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, line_of, serving_items, text_files
from mlaudit.scanners.code import is_test_path
from mlaudit.scanners.code_names import ALERT_TOOLS

METRIC_TOOLS = {"prometheus", "statsd", "datadog", "opentelemetry"}
DRIFT_TOOLS = {"evidently", "nannyml", "whylogs", "alibi-detect", "arize", "fiddler"}
ALERT_RULE = re.compile(r"^\s*-?\s*alert:\s*\S+|^\s*receivers:|alertmanager|notification_channels", re.MULTILINE)


@register
class ProductionMonitoring(Check):
    id = "MON-PRODUCTION"
    title = "Production monitoring: metrics, prediction logs, alerts"
    area = "mon"
    help = (
        "For a served model, looks for exported metrics (prometheus_client, statsd, datadog, OpenTelemetry), "
        "logging of predictions in the request handlers, drift monitors, and alerting rules (Prometheus alert "
        "rules, Alertmanager, Sentry, Slack/PagerDuty clients). Passes with metrics and alerts, warns with only some signals, fails "
        "with none; not applicable when nothing is served."
    )
    recommendation = "Export latency and prediction metrics, log inputs and predictions, and alert on anomalies."
    markers = ("monitoring", "feedback loops")
    ml_test_score = ("mon-6",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if not serving_items(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No served model to monitor.")
        code = ctx.facts("code")
        mon = [m for m in code["monitoring"] if not is_test_path(m["path"])]
        metrics = [m for m in mon if m["tool"] in METRIC_TOOLS]
        drift = [m for m in mon if m["tool"] in DRIFT_TOOLS]
        alerts = [m for m in mon if m["tool"] in ALERT_TOOLS]
        for path, text in text_files(ctx, (".yml", ".yaml", ".json")):
            m = ALERT_RULE.search(text)
            if m and not path.startswith((".github/", "mlruns/")):
                alerts.append({"path": path, "line": line_of(text, m.group(0).strip()), "tool": "alert rules", "call": m.group(0).strip()})
        logs = code["prediction_logs"]
        signals = {"metrics": metrics, "prediction logging": logs, "drift monitoring": drift, "alerting": alerts}
        present = [k for k, v in signals.items() if v]
        evidence = [ev(item, f"{kind}: {item.get('tool', '')} {item.get('call', '')}".strip()) for kind, items in signals.items()
                    for item in items[:8]][:MAX_EVIDENCE]
        missing = [k for k, v in signals.items() if not v]
        if metrics and alerts:
            return self.result(Status.PASS, 1, value=present, message=f"Monitored: {', '.join(present)}.", evidence=evidence)
        if present:
            return self.result(Status.WARN, 0.5, value=present, message=f"Partly monitored ({', '.join(present)}); missing {', '.join(missing)}.",
                               evidence=evidence)
        return self.result(Status.FAIL, 0, value=[], message="The served model is not monitored.",
                           evidence=[Evidence("no metrics export, prediction logging, drift monitor or alert rule found")])
