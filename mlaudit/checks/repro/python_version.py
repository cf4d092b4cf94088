"""REPRO-PYTHON: the Python interpreter version is declared."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import ev, has_python


@register
class PythonVersion(Check):
    id = "REPRO-PYTHON"
    title = "Python version declared"
    area = "repro"
    help = (
        "Looks for requires-python (pyproject, setup.cfg, setup.py), .python-version, runtime.txt, Pipfile "
        "[requires], a python entry in a conda environment, the tag of a python base image, the python-version of "
        "a CI setup-python step (a matrix reads as a range), a dev container image and a cluster image "
        "(..-py310-..). Passes when an "
        "exact version is declared, warns when only a range is, fails when none is."
    )
    recommendation = "Declare the interpreter: a .python-version file, requires-python, or a pinned python base image."
    markers = ("reproducibility",)
    ml_test_score = ("infra-1",)
    severity = Severity.LOW

    def run(self, ctx: CheckContext) -> CheckResult:
        decl = ctx.facts("deps")["python"]
        if not decl:
            if not has_python(ctx):
                return self.result(Status.NOT_APPLICABLE, message="No Python code in this tree.")
            return self.result(Status.FAIL, 0, message="No Python version is declared anywhere.",
                               evidence=[Evidence("no requires-python, .python-version, runtime.txt or python base image")])
        evidence = [ev(d, f"Python {d['value']}", d["value"]) for d in decl]
        exact = [d for d in decl if d["exact"]]
        if exact:
            return self.result(Status.PASS, 1, value=exact[0]["value"], message=f"Python {exact[0]['value']} declared.", evidence=evidence)
        return self.result(Status.WARN, 0.5, value=decl[0]["value"],
                           message=f"Only a version range is declared ({decl[0]['value']}).", evidence=evidence)
