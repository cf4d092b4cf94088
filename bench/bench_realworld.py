"""Real-repository bench: audit public ML repositories and compare every verdict with an expert's expectation.

Usage:
    python bench/bench_realworld.py --prepare                 # clone the pinned repositories (once)
    python bench/bench_realworld.py [--only a,b] [--json out.json]
    python bench/bench_realworld.py --py2                     # Python 2 parse share (also of the py2_sample repos)

The manifest (bench/realworld/manifest.toml) lists each repository with its URL, pinned commit and, written by
reading the repository before running mlaudit, the expected status of every check and the expected operating
stage. An expectation may name alternatives ("warn|fail"); the verdict agrees when it is one of them.
Prints per-repository and total verdict agreement, stage agreement and every disagreement. The audit uses
mlaudit's library with a store in a temporary folder (never the user's store, never the audited folder).
Figures printed here come from real public repositories, not from examples written to fit the code.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).parent / "realworld" / "manifest.toml"
DEFAULT_REPOS = Path("/work/scratch/h16b")
MIRRORS = Path("/work/.mirror")


@dataclass
class Expectation:
    statuses: tuple[str, ...]
    reason: str


@dataclass
class RepoOutcome:
    name: str
    agreed: int = 0
    judged: int = 0
    stage_expected: str = ""
    stage_actual: str = ""
    disagreements: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    statuses: dict[str, str] = field(default_factory=dict)
    needs_met: int = 0  # decision-matrix needs shown as "met"
    met_without_pass: list[str] = field(default_factory=list)  # ... whose check did not pass (CHECKS.md: never)

    @property
    def stage_ok(self) -> bool:
        return self.stage_expected == self.stage_actual


def parse_expectation(text: str) -> Expectation:
    """'warn|fail: reason' -> statuses ('warn', 'fail') and the reason."""
    head, _, reason = text.partition(":")
    statuses = tuple(s.strip() for s in head.split("|") if s.strip())
    return Expectation(statuses, reason.strip())


def load_manifest(path: Path = MANIFEST, section: str = "repo") -> list[dict[str, Any]]:
    """The repositories of one manifest section: ``repo`` (with expectations) or ``py2_sample``."""
    with path.open("rb") as fh:
        return list(tomllib.load(fh).get(section, []))


def expected_stage(repo: dict[str, Any]) -> str:
    return str(repo["stage"]).partition(":")[0].strip()


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def prepare(repos: list[dict[str, Any]], repos_dir: Path) -> None:
    """Clone each repository at its pinned commit (from a local mirror when present, else from its URL)."""
    repos_dir.mkdir(parents=True, exist_ok=True)
    for repo in repos:
        target = repos_dir / repo["name"]
        if not target.exists():
            owner_name = repo["url"].rstrip("/").split("github.com/")[-1]
            mirror = MIRRORS / owner_name.replace("/", "+") / "repo"
            source = str(mirror) if mirror.exists() else repo["url"]
            done = _git("clone", "-q", source, str(target))
            if done.returncode:
                print(f"{repo['name']}: clone failed: {done.stderr.strip()}")
                continue
        for refspec in repo.get("refspecs", []):
            _git("fetch", "-q", "origin", refspec, cwd=target)
        _git("checkout", "-q", repo["commit"], cwd=target)
        head = _git("rev-parse", "HEAD", cwd=target).stdout.strip()
        state = "ok" if head == repo["commit"] else f"HEAD {head[:10]} != pinned {repo['commit'][:10]}"
        print(f"{repo['name']}: {state}")


def expectations(repo: dict[str, Any], errata: bool) -> dict[str, str]:
    """The repository's expectations, with its errata (corrected misreadings) applied when ``errata``."""
    return {**repo["expect"], **(repo.get("errata", {}) if errata else {})}


def audit_repo(repo: dict[str, Any], path: Path, errata: bool = True) -> RepoOutcome:
    """Audit one repository with a throw-away store and compare with the manifest."""
    from mlaudit.audit.run import audit
    from mlaudit.report.model import build_report

    outcome = RepoOutcome(repo["name"], stage_expected=expected_stage(repo))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mlaudit-realworld-") as tmp:
        db = Path(tmp) / "store.db"
        try:
            result = audit(path, db)
            report = build_report(db, path)
        except Exception as exc:  # noqa: BLE001 - one broken repository must not stop the bench
            outcome.error = f"{type(exc).__name__}: {exc}"
            outcome.seconds = time.perf_counter() - t0
            return outcome
    outcome.seconds = time.perf_counter() - t0
    outcome.stage_actual = report.scorecard.decision.operating
    for stage in report.scorecard.decision.needs:
        for need in stage.needs:
            if need.get("met") or need.get("state") == "met":
                outcome.needs_met += 1
                if need.get("status") != "pass":
                    outcome.met_without_pass.append(f"{stage.stage}: {need.get('check')} is {need.get('status')}")
    outcome.statuses = {r.check_id: str(r.status) for r in result.results}
    by_id = {r.check_id: r for r in result.results}
    for check_id, text in expectations(repo, errata).items():
        exp = parse_expectation(text)
        got = by_id.get(check_id)
        outcome.judged += 1
        actual = str(got.status) if got is not None else "missing"
        if actual in exp.statuses:
            outcome.agreed += 1
        else:
            outcome.disagreements.append({
                "check": check_id, "expected": "|".join(exp.statuses), "actual": actual,
                "why expected": exp.reason, "mlaudit says": (got.message if got else "no result")[:160],
            })
    return outcome


def original_agreement(repos: list[dict[str, Any]], outcomes: list[RepoOutcome]) -> tuple[int, int]:
    """Agreement with the expectations as first written (errata not applied)."""
    by_name = {o.name: o for o in outcomes if not o.error}
    agreed = judged = 0
    for repo in repos:
        o = by_name.get(repo["name"])
        if o is None:
            continue
        for check_id, text in repo["expect"].items():
            judged += 1
            agreed += o.statuses.get(check_id, "missing") in parse_expectation(text).statuses
    return agreed, judged


def print_outcomes(outcomes: list[RepoOutcome]) -> None:
    total_agreed = sum(o.agreed for o in outcomes)
    total_judged = sum(o.judged for o in outcomes)
    print(f"\n{'repository':28s} {'verdicts':>12s} {'stage (expected -> mlaudit)':45s} {'seconds':>8s}")
    for o in outcomes:
        if o.error:
            print(f"{o.name:28s} {'ERROR':>12s} {o.error[:80]}")
            continue
        share = o.agreed / o.judged if o.judged else 0.0
        mark = "ok" if o.stage_ok else "WRONG"
        print(f"{o.name:28s} {o.agreed:3d}/{o.judged:3d} {share:5.0%} "
              f"{o.stage_expected + ' -> ' + o.stage_actual + ' ' + mark:45s} {o.seconds:8.1f}")
    stages_ok = sum(o.stage_ok for o in outcomes if not o.error)
    ran = sum(not o.error for o in outcomes)
    share = total_agreed / total_judged if total_judged else 0.0
    print(f"\nTOTAL verdict agreement (errata applied): {total_agreed}/{total_judged} = {share:.1%}")
    print(f"TOTAL stage agreement: {stages_ok}/{ran}")
    bad = [f"{o.name} {m}" for o in outcomes for m in o.met_without_pass]
    print(f"Decision-matrix needs shown as met: {sum(o.needs_met for o in outcomes)}; met without a pass of their "
          f"check (CHECKS.md: a need is met only when its check passes): {len(bad)}" + (f" — {'; '.join(bad)}" if bad else ""))
    print("\nDisagreements (repository, check: expected -> mlaudit; why expected | what mlaudit said):")
    for o in outcomes:
        for d in o.disagreements:
            print(f"  {o.name} {d['check']}: {d['expected']} -> {d['actual']}; {d['why expected']} | {d['mlaudit says']}")


def py2_share(repos: list[dict[str, Any]], repos_dir: Path) -> None:
    """Per file (script or notebook): does plain ast.parse reject a unit, and does mlaudit's tolerant path recover it?"""
    from mlaudit.core.repo import open_repo
    from mlaudit.core.tree import open_tree
    from mlaudit.scanners.notebooks import python_sources

    try:
        from mlaudit.scanners.py2compat import looks_like_py2, tolerant_parse
    except ImportError:  # before the tolerant parse path existed
        tolerant_parse = looks_like_py2 = None  # type: ignore[assignment]
    totals = {"files": 0, "failed": 0, "rewritten": 0, "blanked": 0, "other": 0}
    for repo in repos:
        path = repos_dir / repo["name"]
        if not path.exists():
            continue
        tree = open_tree(open_repo(path), None)
        by_file: dict[str, list[str]] = {}
        try:
            for src in python_sources(tree):
                if not src.error:
                    by_file.setdefault(src.path, []).append(src.text)
        finally:
            tree.close()
        counts = {"files": len(by_file), "failed": 0, "rewritten": 0, "blanked": 0}
        still: list[str] = []
        for file_path, texts in by_file.items():
            failing = [t for t in texts if not _parses(t)]
            if not failing:
                continue
            if "{{" in file_path or "{%" in file_path:  # a Jinja template (cookiecutter), not Python 2
                counts["templates"] = counts.get("templates", 0) + 1
                continue
            if tolerant_parse is not None and not any(looks_like_py2(t) for t in failing):
                counts["other"] = counts.get("other", 0) + 1  # shell/SQL/Scala cells or broken code, not Python 2
                continue
            counts["failed"] += 1
            outcomes = [tolerant_parse(t) if tolerant_parse is not None else None for t in failing]
            if all(o is not None and o.tree is not None and not o.blanked for o in outcomes):
                counts["rewritten"] += 1
            elif all(o is not None and o.tree is not None for o in outcomes):
                counts["blanked"] += 1
            else:
                still.append(file_path)
        for k in totals:
            totals[k] += counts.get(k, 0)
        if counts["failed"]:
            ok = counts["rewritten"] + counts["blanked"]
            print(f"{repo['name']:28s} files {counts['files']:4d}  Python 2 {counts['failed']:4d}  "
                  f"recovered by rewrite {counts['rewritten']:4d}, with a blanked line {counts['blanked']:3d} "
                  f"({ok / counts['failed']:.0%}); other unparsable {counts.get('other', 0)}, templates "
                  f"{counts.get('templates', 0)}" + (f"  still failing: {', '.join(still[:3])}" if still else ""))
    if totals["failed"]:
        ok = totals["rewritten"] + totals["blanked"]
        print(f"TOTAL files {totals['files']}; Python 2 files (a failing unit with print/exec statements or "
              f"except X, e): {totals['failed']}; analysed by mlaudit: {ok} = {ok / totals['failed']:.1%} (rewrite alone "
              f"{totals['rewritten'] / totals['failed']:.1%}); other unparsable files (shell, SQL, Scala, broken): "
              f"{totals['other']}")
    else:
        print(f"TOTAL files {totals['files']}; all parse as Python 3")


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos-dir", type=Path, default=DEFAULT_REPOS, help="folder holding one clone per repository")
    parser.add_argument("--only", default="", help="comma-separated repository names from the manifest")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="manifest file (TOML)")
    parser.add_argument("--prepare", action="store_true", help="clone the repositories at their pinned commits, then exit")
    parser.add_argument("--py2", action="store_true", help="print the Python 2 parse share, then exit")
    parser.add_argument("--json", type=Path, default=None, help="also write the outcomes as JSON to this file")
    args = parser.parse_args(argv)
    repos = load_manifest(args.manifest)
    if args.only:
        wanted = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = wanted - {r["name"] for r in repos}
        if unknown:
            print(f"not in the manifest: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        repos = [r for r in repos if r["name"] in wanted]
    extra = [] if args.only else load_manifest(args.manifest, "py2_sample")
    if args.prepare:
        prepare(repos + extra, args.repos_dir)
        return 0
    if args.py2:
        py2_share(repos + extra, args.repos_dir)
        return 0
    outcomes = []
    for repo in repos:
        path = args.repos_dir / repo["name"]
        if not path.exists():
            print(f"{repo['name']}: missing at {path}; run with --prepare", file=sys.stderr)
            continue
        print(f"auditing {repo['name']} ...", flush=True)
        outcomes.append(audit_repo(repo, path))
    print_outcomes(outcomes)
    agreed, judged = original_agreement(repos, outcomes)
    if judged:
        print(f"\nTOTAL with the expectations as first written (no errata): {agreed}/{judged} = {agreed / judged:.1%}")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
