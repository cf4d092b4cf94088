"""REPRO-PARAMS: hyperparameters live in a versioned config file, not as literals in training code."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.checks.practice import MAX_EVIDENCE, ev, has_python, has_training, only_unreadable, unreadable_evidence


@register
class Params(Check):
    id = "REPRO-PARAMS"
    title = "Hyperparameters in a versioned config"
    area = "repro"
    help = (
        "Looks for params files (params.yaml, configs/, hydra, DVC params) read by the code, and numeric "
        "hyperparameter literals passed to estimators and optimizers in training code. Passes when training "
        "reads a config and hard-codes no hyperparameter, warns when it does both, fails on literals alone."
    )
    recommendation = "Move hyperparameters to params.yaml (or a hydra/DVC config) that training reads and git versions."
    markers = ("configuration debt", "reproducibility")
    ml_test_score = ("infra-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        if only_unreadable(ctx):
            return self.result(Status.UNKNOWN, message="No Python source could be parsed.", evidence=unreadable_evidence(ctx))
        if not has_python(ctx) or not has_training(ctx):
            return self.result(Status.NOT_APPLICABLE, message="No model training found in the code.")
        code, pipe = ctx.facts("code"), ctx.facts("pipeline")
        files = set(pipe["params_files"])
        names = {f.rsplit("/", 1)[-1] for f in files}
        reads = [r for r in code["params_reads"] if r["via"] != "file" or r["source"].rsplit("/", 1)[-1] in names
                 or r["source"] in files]
        literals = [h for h in code["hyper_literals"] if h["training"]]
        evidence = [ev(h, f"{h['call']}({', '.join(n + '=' for n in h['names'])}...) hard-codes hyperparameters", h["names"])
                    for h in literals][:MAX_EVIDENCE]
        evidence += [ev(r, f"reads {r['source']}") for r in reads][:MAX_EVIDENCE]
        evidence += [Evidence("params file", path=f) for f in sorted(files)][:5]
        if pipe["dvc"]["params"]:
            evidence.append(Evidence(f"DVC stages depend on params: {', '.join(pipe['dvc']['params'][:10])}", path="dvc.yaml"))
        value = {"literals": len(literals), "config_reads": len(reads)}
        if reads or pipe["dvc"]["params"]:
            if literals:
                return self.result(Status.WARN, 0.5, value=value, message=f"A config is read, but {len(literals)} call(s) hard-code hyperparameters.",
                                   evidence=evidence)
            return self.result(Status.PASS, 1, value=value, message="Training reads its hyperparameters from a versioned config.",
                               evidence=evidence)
        if literals:
            return self.result(Status.FAIL, 0, value=value, message=f"{len(literals)} estimator/optimizer call(s) hard-code hyperparameters; no config is read.",
                               evidence=evidence)
        return self.result(Status.UNKNOWN, value=value, message="Training uses no visible hyperparameters and reads no config.",
                           evidence=evidence)
