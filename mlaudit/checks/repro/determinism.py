"""REPRO-DETERMINISM: a model re-committed with no code/data/params change but different bytes."""

from __future__ import annotations

import itertools

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.store.model_queries import ModelVersion, versions_in_scope

INPUT_ROLES = ("code", "notebook", "data", "params", "deps", "tracking", "container")


@register
class Determinism(Check):
    id = "REPRO-DETERMINISM"
    title = "Retraining without input changes gives the same model"
    area = "repro"
    help = (
        "For consecutive versions of each model path in history, looks at the commits between them: when the "
        "bytes changed but no code, notebook, data, params, dependency or pipeline file changed, training is "
        "not deterministic (unseeded randomness, unordered inputs) and the pair is evidence. Fewer than two "
        "versions of any model is unknown."
    )
    recommendation = "Seed every random generator and pin thread counts so that retraining on the same inputs reproduces the model."
    markers = ("reproducibility",)
    ml_test_score = ("infra-1",)
    severity = Severity.MEDIUM

    def run(self, ctx: CheckContext) -> CheckResult:
        by_path: dict[str, list[ModelVersion]] = {}
        for v in versions_in_scope(ctx.store, ctx.rev):
            if v.source == "git" and v.status != "D" and v.format not in ("mlmodel", "unknown"):
                by_path.setdefault(v.path, []).append(v)
        pairs = [(a, b) for vs in by_path.values() for a, b in itertools.pairwise(vs) if a.key != b.key]
        if not by_path:
            return self.result(Status.NOT_APPLICABLE, 0, message="No committed model file in HEAD's history.")
        if not pairs:
            return self.result(Status.UNKNOWN, 0, message="No model was retrained in history, so determinism cannot be judged.")
        unexplained = []
        for a, b in pairs:
            changed = self._input_changes(ctx, a, b)
            if not changed:
                unexplained.append(Evidence(f"{b.path} changed from blob {a.key[:10]} to {b.key[:10]} with no code, data or params change",
                                            path=b.path, commit=b.commit, value=[a.commit, b.commit]))
        if unexplained:
            return self.result(Status.WARN, 0, value=len(unexplained), threshold=0,
                               message=f"{len(unexplained)} retrained model(s) changed with no input change.", evidence=unexplained[:20])
        return self.result(Status.PASS, 1, value=0, threshold=0,
                           message=f"Each of {len(pairs)} model change(s) came with a code, data or params change.")

    @staticmethod
    def _input_changes(ctx: CheckContext, a: ModelVersion, b: ModelVersion) -> int:
        marks = ",".join("?" * len(INPUT_ROLES))
        row = ctx.store.db.execute(
            f"""SELECT COUNT(*) FROM file_changes fc JOIN commits c ON c.sha = fc.commit_sha
                JOIN path_roles pr ON pr.path = fc.path
                WHERE c.committer_time > ? AND c.committer_time <= ? AND fc.path != ? AND pr.role IN ({marks})""",
            [a.committer_time or 0, b.committer_time or 0, b.path, *INPUT_ROLES]).fetchone()
        return int(row[0])
