"""Markdown report that fits a pull-request comment: the verdict up front, details collapsed."""

from __future__ import annotations

from mlaudit.checks.base import CheckResult
from mlaudit.report.drift import DriftComparison, plural, threshold_text
from mlaudit.report.model import Report

MD_COLUMNS = 8  # columns per drift comparison in a comment; the other formats list more
MAX_CHARS = 60_000  # GitHub caps comments at 65,536 characters
TOP_STEPS = 5
ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "unknown": "❔", "not applicable": "➖", "error": "💥"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _pct(score: float | None) -> str:
    return "n/a" if score is None else f"{score * 100:.0f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _comparison(c: DriftComparison) -> list[str]:
    """One comparison: its verdict line and a table of its columns (drifted first, largest effect first)."""
    out = [f"**{_cell(c.label)}**: {_cell(c.verdict if c.drift else 'not compared: ' + c.error)}", ""]
    if c.drift is None or not c.columns:
        return out
    out += ["| column | test | statistic | p-value | effect size | drifts when | drift | sampled |",
            "|---|---|---:|---:|---:|---:|---|---|"]
    for col in c.columns[:MD_COLUMNS]:
        out.append(f"| `{_cell(col.name)}` | {col.test} | {_num(col.statistic)} | {_num(col.p_value)} | "
                   f"{_num(col.effect_size)} ({col.effect_name}) | {threshold_text(col)} | {'❌ yes' if col.drifted else 'no'} | "
                   f"{'yes' if col.sampled else 'no'} |")
    if len(c.drift.columns) > MD_COLUMNS:
        out.append(f"\n_{len(c.drift.columns) - MD_COLUMNS} more columns in the HTML or JSON report._")
    return [*out, ""]


def _drift(report: Report) -> list[str]:
    """A collapsed Drift block: every split pair, and the newest change of each data file with its history's tally."""
    drift = report.drift
    if drift is None or (drift.empty and not drift.unavailable):
        return []
    out = ["", ("<details><summary>Drift: "
           f"{sum(bool(c.drift and c.drift.dataset_drift) for c in drift.splits)} of {len(drift.splits)} split pairs and "
           f"{sum(any(s.report.dataset_drift for s in f.steps) for f in drift.files)} of {len(drift.files)} data files "
           "show dataset drift</summary>"), ""]
    for c in drift.splits:
        out += _comparison(c)
    for f in drift.files:
        flagged = sum(s.report.dataset_drift for s in f.steps)
        out += [f"`{_cell(f.path)}`: {plural(len(f.steps), 'change')} compared, {flagged} with dataset drift; newest change:", ""]
        out += _comparison(f.shown[0])
    for path, why in drift.unavailable.items():
        out.append(f"- `{_cell(path)}`: history not compared ({_cell(why)})")
    return [*out, "", "</details>"]


def _headline(report: Report) -> list[str]:
    """Title, the stage / score line and the per-area table."""
    card = report.scorecard
    d = card.decision
    mlts = card.ml_test_score
    out = [
        f"## {report.title}",
        "",
        (f"**Operating stage:** {d.operating} · **meets the needs of:** {d.meets} · "
        f"**ML Test Score:** {mlts.final:g} ({mlts.band}) · **Google MLOps level** {card.google.value} · "
        f"**Microsoft level** {card.microsoft.value}"),
        "",
        "| area | score | pass | warn | fail | unknown | coverage |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for a in card.areas.values():
        c = a.counts
        out.append(f"| {a.name} | {_pct(a.score)} | {c.get('pass', 0)} | {c.get('warn', 0)} | {c.get('fail', 0)} | "
                   f"{c.get('unknown', 0)} | {_cell(a.coverage_line)[:300]} |")
    return out


def _needs_and_steps(report: Report) -> list[str]:
    """Each stage's needs, then the top next steps."""
    d = report.scorecard.decision
    out = ["", "| stage | needs (met only on pass; warn = partly met, unknown = not measured) |", "|---|---|"]
    for st in d.needs:
        states = ", ".join(f"`{n['check']}` {n.get('state') or ('met' if n['met'] else n['status'])}" for n in st.needs)
        out.append(f"| {st.stage}{' ✔' if st.met else ''} | {_cell(states)} |")
    out += ["", f"### Next steps (top {min(TOP_STEPS, len(d.next_steps))} of {len(d.next_steps)})", ""]
    for s in d.next_steps[:TOP_STEPS]:
        label = "**critical** " if s.kind == "critical" else ""
        out.append(f"{s.rank}. {label}`{s.check_id}` {_cell(s.action)}  \n   _{_cell(s.why)}_")
        out += [f"   - {_cell(e)}" for e in s.evidence[:2]]
    if not d.next_steps:
        out.append("Nothing to do: every need of every stage is met and no check fails or warns.")
    return out


def _ml_test_score(report: Report) -> list[str]:
    """Every ML Test Score test, collapsed."""
    out = ["", "<details><summary>ML Test Score: every test</summary>", "",
           "| test | section | points | decided by | note |", "|---|---|---:|---|---|"]
    for t in report.scorecard.ml_test_score.tests:
        pts = "unknown" if t.status == "unknown" else f"{t.points:g}"
        out.append(f"| {t.id} {_cell(t.title)} | {t.section} | {pts} | {', '.join(t.checks) or '—'} | {_cell(t.reason)[:160]} |")
    return [*out, "", "</details>"]


def _waiver_mark(report: Report, r: CheckResult) -> str:
    state = report.waiver_state(r)
    if state is not None and state.expired:
        return f" (waiver expired {state.expired[0].expires})"
    if state is not None:
        return f" ({'partly ' if state.partial else ''}waived: {_cell('; '.join(state.reasons))[:120]})"
    return ""


def _not_passed(report: Report, budget: int) -> list[str]:
    """The checks that did not pass, one row each, cut (and the cut named) when ``budget`` characters run out."""
    out = ["", "<details><summary>Checks that did not pass</summary>", "",
           "| check | status | message | coverage |", "|---|---|---|---|"]
    budget -= sum(len(line) + 1 for line in out)
    failing = [r for r in report.results if str(r.status) != "pass"]
    for i, r in enumerate(failing):
        cov = _cell(r.coverage.summary())[:160] if r.coverage is not None else "—"
        line = (f"| `{r.check_id}` | {ICONS.get(str(r.status), '')} {r.status}{_waiver_mark(report, r)} | "
                f"{_cell(r.message or r.title)[:200]} | {cov} |")
        budget -= len(line) + 1
        if budget < 0:
            out.append(f"\n_{len(failing) - i} more in the HTML or JSON report (a pull-request comment is limited in size)._")
            break
        out.append(line)
    return [*out, "", "</details>"]


def _provenance(report: Report) -> list[str]:
    p = report.provenance
    head = (p.head or "no commit")[:10] + (" (dirty)" if p.dirty else "")
    thresholds = ", ".join(f"`{k}={v:g}`" + (f" ({p.threshold_sources[k]})" if p.threshold_sources.get(k, "default") != "default" else "")
                           for k, v in p.thresholds.items())
    return ["", "<details><summary>Provenance</summary>", "",
            f"- repo: `{p.repo}`", f"- HEAD: `{head}` on {p.branch or 'detached HEAD'}", f"- scanned at: {p.scanned_at}",
            f"- mlaudit {p.mlaudit_version}, judged: {p.rev}", "- thresholds: " + thresholds,
            f"- repo config: {p.config_file or 'none'}", "", "</details>", ""]


def render_md(report: Report) -> bytes:
    """The report as GitHub-flavoured Markdown (bytes, UTF-8)."""
    out = [*_headline(report), *_needs_and_steps(report), *_ml_test_score(report), *_drift(report)]
    budget = MAX_CHARS - 4000 - sum(len(line) + 1 for line in out)  # room kept for the provenance block
    out += [*_not_passed(report, budget), *_provenance(report)]
    return "\n".join(out).encode("utf-8")
