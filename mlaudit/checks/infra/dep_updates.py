"""INFRA-DEP-UPDATES: dependency updates are notified (dependabot, renovate)."""

from __future__ import annotations

import yaml

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import ev, has_python
from mlaudit.core.yamlload import load_yaml

PYTHON_ECOSYSTEMS = {"pip", "uv", "poetry", "pipenv", "conda"}


@register
class DependencyUpdates(Check):
    id = "INFRA-DEP-UPDATES"
    title = "Dependency update notifications"
    area = "infra"
    help = (
        "Passes when dependabot covers the Python dependencies or renovate is configured; warns when dependabot "
        "only watches other ecosystems (GitHub Actions, Docker); fails when nothing announces dependency updates."
    )
    recommendation = "Enable dependabot (package-ecosystem: pip) or renovate so dependency changes arrive as reviewed pull requests."
    markers = ("unstable data dependencies",)
    ml_test_score = ("mon-1",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        bots = ctx.facts("ci")["dep_updates"]
        deps = ctx.facts("deps")
        if not bots:
            if not deps["manifests"] and not has_python(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No dependencies to watch.")
            return self.result(Status.FAIL, 0, value=None, message="Nothing notifies dependency updates.",
                               evidence=[Evidence("no .github/dependabot.yml or renovate configuration")])
        evidence, python = [], False
        for bot in bots:
            if bot["tool"] != "dependabot":
                python = True
                evidence.append(ev(bot, "renovate configuration"))
                continue
            try:
                doc = load_yaml(ctx.tree.read_text(bot["path"], 1024 * 1024)) or {}
                ecosystems = {str(u.get("package-ecosystem")) for u in doc.get("updates") or [] if isinstance(u, dict)}
            except (yaml.YAMLError, AttributeError, OSError):
                ecosystems = set()
            python = python or bool(ecosystems & PYTHON_ECOSYSTEMS)
            evidence.append(ev(bot, f"dependabot watches {', '.join(sorted(ecosystems)) or 'nothing readable'}", sorted(ecosystems)))
        tools = sorted({b["tool"] for b in bots})
        if python or not deps["manifests"]:
            return self.result(Status.PASS, 1, value=tools, message=f"Dependency updates announced by {', '.join(tools)}.", evidence=evidence)
        return self.result(Status.WARN, 0.5, value=tools, message="dependabot is configured but does not watch the Python dependencies.",
                           evidence=evidence)
