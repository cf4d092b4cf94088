"""REPRO-VCS: the project is under git, the working tree is clean, HEAD is on a branch or tag."""

from __future__ import annotations

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext


@register
class VersionControl(Check):
    id = "REPRO-VCS"
    title = "Under version control with a clean working tree"
    area = "repro"
    help = (
        "Passes when the folder is a git repository with at least one commit, a clean working tree and HEAD "
        "on a branch or tag. Uncommitted changes or a detached HEAD warn: a model trained now could not be "
        "tied to a commit. No git at all fails."
    )
    recommendation = "Put the project under git and commit before training, so every model maps to a commit."
    markers = ("reproducibility",)
    ml_test_score = ("infra-1",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        repo = ctx.repo
        if not repo.is_git:
            return self.result(Status.FAIL, 0, value="no git", message="The folder is not a git repository.",
                               evidence=[Evidence(f"{repo.root} has no .git", path=".")])
        if repo.empty:
            return self.result(Status.FAIL, 0, value="no commits", message="The git repository has no commit yet.",
                               evidence=[Evidence("HEAD points to an unborn branch")])
        if ctx.rev is not None:  # judging a past commit: it is versioned by definition
            return self.result(Status.PASS, 1, value="commit", message=f"Judging commit {ctx.rev[:10]}.",
                               evidence=[Evidence("tree read from git objects", commit=ctx.rev)])
        tags = [r[0] for r in ctx.store.db.execute("SELECT name FROM refs WHERE kind = 'tag' AND target = ?", [repo.head])]
        evidence = [Evidence(f"HEAD is {repo.head}", commit=repo.head)]
        problems = []
        if repo.dirty:
            problems.append("uncommitted changes")
            evidence.append(Evidence("git status shows uncommitted or untracked files"))
        if repo.branch is None and not tags:
            problems.append("detached HEAD without a tag")
        else:
            evidence.append(Evidence(f"on {'branch ' + repo.branch if repo.branch else 'tag ' + tags[0]}"))
        if problems:
            return self.result(Status.WARN, 0.5, value=", ".join(problems), message="Versioned, but " + " and ".join(problems) + ".",
                               evidence=evidence)
        return self.result(Status.PASS, 1, value="clean", message="Clean working tree on a branch or tag.", evidence=evidence)
