"""PDF report (reportlab): cover, executive summary, one section per area, ML Test Score, appendix."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from mlaudit.checks.base import CheckResult
from mlaudit.report.charts import figure_to_png
from mlaudit.report.drift import DriftComparison, plural, threshold_text
from mlaudit.report.figures import report_figures
from mlaudit.report.html import evidence_text, pct, short
from mlaudit.report.model import Report

TOP_STEPS = 5
MAX_EVIDENCE = 20
NEED_HEX = {"met": "#2e7d32", "partly met": "#b7791f", "not met": "#c62828", "not measured": "#607d8b", "n/a": "#90a4ae"}
STATUS_HEX = {"pass": "#2e7d32", "warn": "#b7791f", "fail": "#c62828", "unknown": "#607d8b", "not applicable": "#90a4ae", "error": "#6a1b9a"}
ACCENT = colors.HexColor("#1565c0")
WIDTH = A4[0] - 3.6 * cm


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib) so any text in evidence renders; Helvetica as fallback."""
    if "DejaVu" in pdfmetrics.getRegisteredFontNames():
        return "DejaVu", "DejaVu-Bold"
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    try:
        pdfmetrics.registerFont(TTFont("DejaVu", os.path.join(folder, "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", os.path.join(folder, "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu", boldItalic="DejaVu-Bold")
    except Exception:  # noqa: BLE001 - a matplotlib build without its fonts: the base-14 font still works
        return "Helvetica", "Helvetica-Bold"
    return "DejaVu", "DejaVu-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "muted": ParagraphStyle("muted", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#616161")),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=17, leading=21, spaceBefore=4, spaceAfter=8, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cellb": ParagraphStyle("cellb", parent=body, fontName=bold, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=26, leading=32, alignment=TA_CENTER, textColor=ACCENT),
        "big": ParagraphStyle("big", parent=body, fontName=bold, fontSize=15, leading=20, alignment=TA_CENTER),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "mutedc": ParagraphStyle("mutedc", parent=body, fontSize=8, leading=10, alignment=TA_CENTER, textColor=colors.HexColor("#616161")),
    }


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(status: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f'<font color="{STATUS_HEX.get(status, "#000000")}"><b>{escape(status)}</b></font>', style)


def _image(fig: Figure, width: float, max_height: float = 19 * cm) -> Image:
    """The figure as a PNG flowable ``width`` wide, narrowed when it would be taller than ``max_height``."""
    w, h = fig.get_size_inches()
    width = min(width, max_height * w / h)
    return Image(io.BytesIO(figure_to_png(fig, dpi=110)), width=width, height=width * h / w)


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#e0e0e0")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")))
    t.setStyle(TableStyle(style))
    return t


class _NumberedCanvas(Canvas):
    """Writes "page N of M" on every page but the cover, once the page count is known."""

    def __init__(self, *args, footer: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if number > 1:
                self.setFont(_fonts()[0], 7.5)
                self.setFillColor(colors.HexColor("#757575"))
                self.drawString(1.8 * cm, 1.1 * cm, self._footer[:110])
                self.drawRightString(A4[0] - 1.8 * cm, 1.1 * cm, f"page {number} of {total}")
            super().showPage()
        super().save()


def _cover(report: Report, s: dict[str, ParagraphStyle], figs: dict[str, Figure]) -> list:
    card, p = report.scorecard, report.provenance
    d, mlts = card.decision, card.ml_test_score
    head = (p.head or "no commit")[:12] + (" (uncommitted changes)" if p.dirty else "")
    grid = [
        [_p("Operating stage", s["center"]), _p("Meets the needs of", s["center"]), _p("ML Test Score", s["center"])],
        [_p(d.operating, s["big"]), _p(d.meets, s["big"]), _p(f"{mlts.final:g}", s["big"])],
        [_p("from deployment evidence", s["mutedc"]), _p("every need of that stage and below", s["mutedc"]), _p(mlts.band, s["mutedc"])],
        [_p("Google MLOps", s["center"]), _p("Microsoft MLOps", s["center"]), _p("Checks", s["center"])],
        [_p(f"level {card.google.value}", s["big"]), _p(f"level {card.microsoft.value}", s["big"]), _p(str(len(report.results)), s["big"])],
        [_p(card.google.label, s["mutedc"]), _p(card.microsoft.label, s["mutedc"]),
         _p(", ".join(f"{v} {k}" for k, v in report.by_status().items() if v), s["mutedc"])],
    ]
    t = Table(grid, colWidths=[WIDTH / 3] * 3)
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, ACCENT), ("LINEBELOW", (0, 2), (-1, 2), 0.4, colors.HexColor("#e0e0e0")),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 4)]))
    return [
        Spacer(1, 2.2 * cm), _p(report.title, s["title"]), Spacer(1, 0.4 * cm),
        _p(f"{p.repo}  ·  HEAD {head}  ·  scanned {p.scanned_at}  ·  mlaudit {p.mlaudit_version}", s["center"]),
        Spacer(1, 1.0 * cm), t, Spacer(1, 0.8 * cm), _image(figs["areas"], WIDTH * 0.85), PageBreak(),
    ]


def _state(need: dict) -> str:
    """A need's state (met | partly met | not met | not measured | n/a); older stores lack it."""
    return str(need.get("state") or ("met" if need["met"] else need["status"]))


HEIGHT = A4[1] - 3.4 * cm  # the frame SimpleDocTemplate leaves between the top and bottom margins
MAX_SIGNALS = 4  # deployment signals listed per stage in the matrix before "and N more"


def _summary(report: Report, s: dict[str, ParagraphStyle]) -> list:
    """The executive summary page: shows as many steps and signals as fit on one page (at least one step)."""
    for steps, signals in ((TOP_STEPS, MAX_SIGNALS), (TOP_STEPS, 2), (4, 2), (3, 2), (3, 1), (2, 1), (1, 1)):
        page = _summary_page(report, s, steps, signals)
        if _height(page) <= HEIGHT:
            break
    return [*page, PageBreak()]


def _height(flowables: list) -> float:
    """The height these flowables take in the page frame, spacing included."""
    total = 0.0
    for f in flowables:
        total += f.wrap(WIDTH, HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _signals(found: list, limit: int) -> list[str]:
    """At most ``limit`` signal lines, then how many more there are."""
    lines = ["• " + escape(r.detail) for r in found[:limit]]
    return lines + ([f"… and {len(found) - limit} more in Appendix A (stage checks)"] if len(found) > limit else [])


def _summary_page(report: Report, s: dict[str, ParagraphStyle], steps: int, signals: int) -> list:
    d = report.scorecard.decision
    out: list = [_p("Executive summary", s["h1"]),
                 _p(f"Operating stage: {d.operating} (from deployment evidence). Meets every need of: {d.meets}. "
                    + (f"{len(d.next_steps)} next steps below, critical findings first, then its own stage's needs, then the "
                       "next stage's, then other improvements." if d.next_steps else "Nothing left to do: every need of every stage is met."), s["body"]),
                 _p("Decision matrix", s["h2"])]
    rows = [[_p(h, s["cellb"]) for h in ("stage", "recognised by (found here)", "what it needs", "all met")]]
    for need in d.needs:
        found = _signals(d.signals.get(need.stage, []), signals)
        if need.stage == "prototyping":
            found = ["notebooks and scripts; serving code or a container nothing deploys", *found]
        items = "<br/>".join(
            f'<font color="{NEED_HEX.get(_state(n), STATUS_HEX["fail"])}">{escape(_state(n))}</font> '
            f'{escape(n["need"])} ({escape(n["check"])})' for n in need.needs)
        label = need.stage + (" (operating)" if need.stage == d.operating else "")
        rows.append([_p(label, s["cellb"] if need.stage == d.operating else s["cell"]), Paragraph("<br/>".join(found) or "no evidence", s["cell"]),
                     Paragraph(items, s["cell"]), _p("yes" if need.met else "no", s["cell"])])
    out.append(_table(rows, [2.6 * cm, 4.6 * cm, WIDTH - 8.4 * cm, 1.2 * cm]))
    out.append(_p("A need is met only when its check passes: a warn is partly met, unknown is not measured, not applicable "
                  "is n/a. A stage is met when every need of it and of each stage below it is met.", s["muted"]))
    shown = f" ({min(steps, len(d.next_steps))} of {len(d.next_steps)})" if d.next_steps else ""
    out.append(_p(f"Top next steps{shown}", s["h2"]))
    rows = [[_p(h, s["cellb"]) for h in ("#", "action", "why and evidence")]]
    for step in d.next_steps[:steps]:
        why = escape(_clip(step.why, 220)) + "".join(f"<br/>• {escape(_clip(e, 150))}" for e in step.evidence[:1])
        action = f"<b>{escape(step.kind)}</b> · {escape(step.check_id)}<br/>{escape(step.action)}"
        rows.append([_p(step.rank, s["cell"]), Paragraph(action, s["cell"]), Paragraph(why, s["cell"])])
    if not d.next_steps:
        rows.append(["", _p("Every need of every stage is met.", s["cell"]), ""])
    out.append(_table(rows, [0.7 * cm, 6.4 * cm, WIDTH - 7.1 * cm]))
    return out


def _scores(report: Report, s: dict[str, ParagraphStyle], figs: dict[str, Figure]) -> list:
    card = report.scorecard
    out: list = [_p("Scores and maturity levels", s["h1"]), _image(figs["statuses"], WIDTH * 0.8)]
    rows = [[_p(h, s["cellb"]) for h in ("model", "level", "evidence for", "evidence against (next level)")]]
    for name, v in (("Google MLOps", card.google), ("Microsoft MLOps", card.microsoft)):
        pro = "<br/>".join(f"{escape(r.check_id)}: {escape(r.detail)}" for r in v.evidence_for) or "none"
        con = "<br/>".join(f"{escape(r.check_id)} {escape(r.status)}: {escape(r.detail)}" for r in v.evidence_against) or "top level reached"
        rows.append([_p(name, s["cell"]), _p(v.label, s["cell"]), Paragraph(pro, s["cell"]), Paragraph(con, s["cell"])])
    out += [_p("Maturity levels", s["h2"]), _table(rows, [2.4 * cm, 3.2 * cm, (WIDTH - 5.6 * cm) / 2, (WIDTH - 5.6 * cm) / 2])]
    if "history" in figs:
        rows = [[_p(h, s["cellb"]) for h in ("revision", "date", "stage", "meets", "ML Test Score", "Google", "Microsoft")]]
        for h in report.history:
            date = datetime.fromtimestamp(h.time, UTC).strftime("%Y-%m-%d") if h.time else ""
            rows.append([_p(x, s["cell"]) for x in (h.label, date, h.stage + (" (changed)" if h.stage_changed else ""), h.meets,
                                                      f"{h.ml_test_score:g}", h.google, h.microsoft)])
        table = _table(rows, [3.4 * cm, 2.0 * cm, 3.2 * cm, 2.8 * cm, 2.0 * cm, 1.5 * cm, WIDTH - 14.9 * cm])
        out.append(KeepTogether([_p("Maturity over history", s["h2"]), _image(figs["history"], WIDTH), table]))
    return out


def _check_rows(results: list[CheckResult], s: dict[str, ParagraphStyle], with_evidence: bool) -> list[list]:
    rows = [[_p(h, s["cellb"]) for h in ("check", "status", "pts", "finding")]]
    for r in results:
        text = escape(r.message or r.title)
        if r.value is not None:
            text += f'<br/><font color="#616161">value {escape(short(r.value))}'
            text += (f" · threshold {escape(short(r.threshold))}" if r.threshold is not None else "") + "</font>"
        if r.recommendation:
            text += f"<br/><b>Do:</b> {escape(r.recommendation)}"
        if r.coverage is not None:
            text += f'<br/><font color="#616161">coverage: {escape(_clip(r.coverage.summary(), 300))}</font>'
            if with_evidence:
                text += "".join(f"<br/>– skipped {escape(sk['what'])}: {escape(_clip(sk['why'], 150))}" for sk in r.coverage.skipped[:5])
        if with_evidence and r.evidence:
            text += "".join(f"<br/>• {escape(evidence_text(e))}" for e in r.evidence[:MAX_EVIDENCE])
            if len(r.evidence) > MAX_EVIDENCE:
                text += f"<br/>… {len(r.evidence) - MAX_EVIDENCE} more in the JSON report"
        rows.append([Paragraph(f"<b>{escape(r.check_id)}</b><br/>{escape(r.title)}", s["cell"]), _status(str(r.status), s["cell"]),
                     _p(f"{r.points:g}", s["cell"]), Paragraph(text, s["cell"])])
    return rows


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _comparison(c: DriftComparison, s: dict[str, ParagraphStyle], fig: Figure | None, in_file: bool = False) -> list:
    """Verdict line, bar chart (when drawn) and the per-column table of one drift comparison."""
    verdict = c.verdict if c.drift is not None else f"not compared: {c.error}"
    color = STATUS_HEX["fail"] if c.drift is not None and c.drift.dataset_drift else "#212121"
    head = Paragraph(f'<b>{escape(c.step_label if in_file else c.label)}</b>: <font color="{color}">{escape(verdict)}</font>', s["body"])
    if c.drift is None or not c.columns:
        return [head]
    shown = c.top_columns()
    rows = [[_p(h, s["cellb"]) for h in ("column", "test", "statistic", "p-value", "effect size", "drifts when", "verdict", "sample (ref / cur)")]]
    for col in shown:
        mark = ("drift", "fail") if col.drifted else ("small", "warn") if col.significant_but_small else ("stable", "pass")
        sample = f"{col.sample_size[0]} / {col.sample_size[1]}" + (" sampled" if col.sampled else "")
        rows.append([_p(col.name, s["cell"]), _p(col.test, s["cell"]), _p(_num(col.statistic), s["cell"]),
                     _p(_num(col.p_value), s["cell"]), _p(f"{_num(col.effect_size)} {col.effect_name}", s["cell"]),
                     _p(threshold_text(col), s["cell"]),
                     Paragraph(f'<font color="{STATUS_HEX[mark[1]]}"><b>{mark[0]}</b></font>', s["cell"]), _p(sample, s["cell"])])
    body: list = [_table(rows, [3.0 * cm, 2.5 * cm, 1.7 * cm, 1.5 * cm, 3.0 * cm, 1.6 * cm, 1.5 * cm, WIDTH - 14.8 * cm])]
    if len(c.drift.columns) > len(shown):
        body.append(_p(f"… {len(c.drift.columns) - len(shown)} more columns with smaller effects in the JSON report", s["muted"]))
    if fig is None:
        return [head, *body, Spacer(1, 4)]
    return [KeepTogether([head, _image(fig, WIDTH * 0.75)]), *body, Spacer(1, 4)]


def _drift(report: Report, s: dict[str, ParagraphStyle], figs: dict[str, Figure]) -> list:
    """Drift between splits and over each data file's history (aggregated statistics only)."""
    drift = report.drift
    if drift is None:
        return []
    out: list = [CondPageBreak(5 * cm), _p("Drift between splits", s["h2"])]
    for i, c in enumerate(drift.splits):
        out += _comparison(c, s, figs.get(f"drift:split:{i}"))
    if not drift.splits:
        out.append(_p("No train / test (or valid, holdout, serving) files whose names differ only by the split word.", s["muted"]))
    out += [CondPageBreak(5 * cm), _p("Drift over each data file's history", s["h2"])]
    for i, f in enumerate(drift.files):
        flagged = sum(st.report.dataset_drift for st in f.steps)
        title = _p(f"{f.path}: {plural(len(f.steps), 'change')} compared, {flagged} with dataset drift", s["cellb"])
        out.append(KeepTogether([title, _image(figs[f"drift:file:{i}"], WIDTH * 0.75)]) if f"drift:file:{i}" in figs else title)
        for j, c in enumerate(f.shown):
            out += _comparison(c, s, figs.get(f"drift:step:{i}:{j}"), in_file=True)
    if not drift.files:
        out.append(_p("No data file has two readable committed versions to compare.", s["muted"]))
    for path, why in drift.unavailable.items():
        out.append(_p(f"{path}: history not compared ({why})", s["muted"]))
    return out


def _areas(report: Report, s: dict[str, ParagraphStyle], figs: dict[str, Figure]) -> list:
    out: list = [CondPageBreak(10 * cm), _p("Areas", s["h1"])]
    for sec in report.sections:
        block = [_p(f"{sec.name} — {pct(sec.score)}", s["h2"])]
        if sec.area in report.scorecard.areas:
            block.append(_p(f"Coverage: {report.scorecard.areas[sec.area].coverage_line}", s["muted"]))
        if sec.note:
            block.append(_p(sec.note, s["muted"]))
        if sec.inventory:
            block.append(_p(" · ".join(f"{v} {k}" for k, v in sec.inventory.items()), s["muted"]))
        if f"area:{sec.area}" in figs:
            block.append(_image(figs[f"area:{sec.area}"], WIDTH * 0.62))
        out.append(CondPageBreak(6 * cm))
        if sec.table_rows:
            block.append(_p(sec.table_title, s["cellb"]))
            rows = [[_p(h, s["cellb"]) for h in sec.table_headers]] + [[_p(c, s["cell"]) for c in row] for row in sec.table_rows]
            if sec.table_more:
                rows.append([_p(f"… and {sec.table_more} more", s["cell"])] + [""] * (len(sec.table_headers) - 1))
            first = WIDTH * 0.38
            rest = (WIDTH - first) / (len(sec.table_headers) - 1)
            block.append(_table(rows, [first] + [rest] * (len(sec.table_headers) - 1)))
        if sec.results:
            out.append(KeepTogether([*block, Spacer(1, 3)]))
            out.append(_table(_check_rows(sec.results, s, False), [4.4 * cm, 1.9 * cm, 0.8 * cm, WIDTH - 7.1 * cm]))
        else:
            out.append(KeepTogether(block))
        if sec.area == "drift":
            out += _drift(report, s, figs)
    return out


def _mlts(report: Report, s: dict[str, ParagraphStyle], figs: dict[str, Figure]) -> list:
    mlts = report.scorecard.ml_test_score
    out: list = [PageBreak(), _p("ML Test Score", s["h1"]),
                 _p(f"Breck et al., IEEE BigData 2017: 0, 0.5 (manual) or 1 (automated) per test; the final score is the lowest "
                    f"section sum. Final {mlts.final:g}: {mlts.band}. {mlts.unknown} of 28 tests cannot be decided from this "
                    f"repository and score 0.", s["body"]), _image(figs["ml_test_score"], WIDTH * 0.7)]
    rows = [[_p(h, s["cellb"]) for h in ("test", "pts", "decided by", "why")]]
    for t in mlts.tests:
        pts = _status("unknown", s["cell"]) if t.status == "unknown" else _p(f"{t.points:g}", s["cell"])
        rows.append([Paragraph(f"<b>{escape(t.id)}</b> {escape(t.title)}", s["cell"]), pts,
                     _p(", ".join(t.checks) or "—", s["cell"]), _p(t.reason, s["cell"])])
    out.append(_table(rows, [4.8 * cm, 1.9 * cm, 4.0 * cm, WIDTH - 10.7 * cm]))
    return out


def _appendix(report: Report, s: dict[str, ParagraphStyle]) -> list:
    p = report.provenance
    out: list = [PageBreak(), _p("Appendix A: every check with its evidence", s["h1"]),
                 _table(_check_rows(report.results, s, True), [4.4 * cm, 1.9 * cm, 0.8 * cm, WIDTH - 7.1 * cm]),
                 _p("Appendix B: provenance and thresholds", s["h1"])]
    facts = [("repository", p.repo), ("HEAD", f"{p.head or 'no commit'} on {p.branch or 'no branch'}"),
             ("working tree", "uncommitted changes" if p.dirty else ("clean" if p.dirty is not None else "not a git repository")),
             ("judged", "working tree" if p.rev == "WORKTREE" else p.rev), ("scanned at", f"{p.scanned_at} (scan {p.scan_id})"),
             ("report generated", report.generated_at), ("mlaudit", p.mlaudit_version),
             ("inventory", " · ".join(f"{v} {k}" for k, v in report.inventory.items()))]
    out.append(_table([[_p(k, s["cellb"]), _p(v, s["cell"])] for k, v in facts], [3.2 * cm, WIDTH - 3.2 * cm], header=False))
    rows = [[_p(h, s["cellb"]) for h in ("threshold", "value")]] + [[_p(k, s["cell"]), _p(f"{v:g}", s["cell"])] for k, v in p.thresholds.items()]
    out += [Spacer(1, 6), _table(rows, [8 * cm, 3 * cm])]
    if report.scan_errors:
        rows = [[_p(h, s["cellb"]) for h in ("phase", "path", "reason")]]
        rows += [[_p(e["phase"], s["cell"]), _p(e["path"] or e["blob"], s["cell"]), _p(e["reason"], s["cell"])] for e in report.scan_errors]
        out += [_p("Files that could not be read", s["h2"]), _table(rows, [2.2 * cm, 6 * cm, WIDTH - 8.2 * cm])]
    return out


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4, page numbers on every page after the cover)."""
    s = _styles()
    figs = report_figures(report)
    buf = io.BytesIO()
    p = report.provenance
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.8 * cm, title=report.title, author="mlaudit", subject=f"ML audit of {p.repo}",
                            creator=f"mlaudit {p.mlaudit_version}")
    story = _cover(report, s, figs) + _summary(report, s) + _scores(report, s, figs) + _areas(report, s, figs)
    story += _mlts(report, s, figs) + _appendix(report, s)
    footer = f"{report.title} · HEAD {(p.head or 'no commit')[:10]} · scanned {p.scanned_at}"
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
    return buf.getvalue()
