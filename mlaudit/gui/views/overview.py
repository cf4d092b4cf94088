"""Overview: operating stage, scores, levels, the decision matrix, the top next steps, the ML Test Score."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from mlaudit.gui.views.base import View
from mlaudit.gui.widgets import (
    STATUS_COLOURS,
    Column,
    RecordsModel,
    card,
    cards_row,
    chart_canvas,
    fit_rows,
    label,
    table,
    when_text,
)

TOP_STEPS = 8


def _steps_table(steps: list[Any]) -> QWidget:
    columns = [
        Column("#", lambda s: s.rank, sort=lambda s: s.rank, width=36),
        Column("kind", lambda s: s.kind, width=90, colour=lambda s: STATUS_COLOURS["fail"] if s.kind == "critical" else None),
        Column("check", lambda s: s.check_id, width=175),
        Column("next step", lambda s: s.action, tooltip=lambda s: "\n".join([s.why, *s.evidence])),
    ]
    view = table(RecordsModel(columns, steps[:TOP_STEPS]))
    view.setWordWrap(True)
    fit_rows(view)
    view.setObjectName("nextSteps")
    return view


def _tests_table(tests: list[Any]) -> QWidget:
    columns = [
        Column("test", lambda t: t.id, width=80),
        Column("section", lambda t: t.section, width=110),
        Column("points", lambda t: "unknown" if t.status == "unknown" else f"{t.points:g}", width=70,
               colour=lambda t: STATUS_COLOURS["unknown"] if t.status == "unknown" else None),
        Column("decided by", lambda t: ", ".join(t.checks) or "\u2014", width=230),
        Column("test (Breck et al. 2017)", lambda t: t.title, tooltip=lambda t: t.reason or t.title),
    ]
    view = table(RecordsModel(columns, tests))
    view.setObjectName("mlTestScoreTests")
    return fit_rows(view, max_rows=12)


def _matrix_table(decision: Any) -> QWidget:
    rows = []
    for needs in decision.needs:
        unmet = [n["need"] for n in needs.needs if not n["met"]]
        signals = decision.signals.get(needs.stage, [])
        rows.append({
            "stage": needs.stage + ("  \u25c0 operating here" if needs.stage == decision.operating else ""),
            "met": "all needs met" if needs.met else f"{len(unmet)} of {len(needs.needs)} needs missing",
            "missing": "; ".join(unmet) or "\u2014",
            "signals": "\n".join(r.detail for r in signals) or "no deployment evidence for this stage",
            "ok": needs.met,
        })
    columns = [
        Column("stage", lambda r: r["stage"], tooltip=lambda r: r["signals"], width=235),
        Column("needs", lambda r: r["met"], width=170, colour=lambda r: STATUS_COLOURS["pass" if r["ok"] else "warn"]),
        Column("missing", lambda r: r["missing"], tooltip=lambda r: r["missing"]),
    ]
    view = table(RecordsModel(columns, rows))
    fit_rows(view)
    view.setObjectName("decisionMatrix")
    return view


class OverviewView(View):
    name = "overview"
    title = "Overview"
    subtitle = "Where the project stands: stage, scores, maturity levels and what to do next."
    scrollable = True

    def reload(self) -> None:
        report = self.session.report
        if report is None:
            text = self.session.report_error or "No audit in the store yet: the scan is running or has not been started (F5)."
            self.show_message(text, error=self.session.report_error is not None)
            return
        self.reset()
        card_ = report.scorecard
        mlts = card_.ml_test_score
        counts = report.by_status()
        self.content.addWidget(cards_row([
            card(card_.decision.operating, "operating stage", "Inferred from deployment evidence (serving code, container, CT, registry)."),
            card(card_.decision.meets, "stage whose needs are met", "The highest stage whose needs are all met, counting from prototyping."),
            card(f"{mlts.final:g}", f"ML Test Score \u2014 {mlts.band}", f"Lowest of the four section sums; {mlts.unknown} of {len(mlts.tests)} tests unknown."),
            card(str(card_.google.value), "Google MLOps level", card_.google.label),
            card(str(card_.microsoft.value), "Microsoft MLOps level", card_.microsoft.label),
            card(f"{counts.get('fail', 0)} / {counts.get('warn', 0)}", "checks failing / warning",
                 ", ".join(f"{v} {k}" for k, v in counts.items() if v)),
        ]))
        prov = report.provenance
        dirty = " (uncommitted changes)" if prov.dirty else ""
        self.content.addWidget(label(f"{prov.repo} \u2014 HEAD {str(prov.head or 'none')[:10]} on {prov.branch or 'detached HEAD'}{dirty}"
                                     f" \u2014 scanned {when_text(prov.scanned_at)}", "viewSubtitle"))
        self.content.addWidget(label("Decision matrix", "sectionTitle"))
        self.content.addWidget(_matrix_table(card_.decision))
        self.content.addWidget(label(f"Top next steps ({min(TOP_STEPS, len(card_.decision.next_steps))} of {len(card_.decision.next_steps)})", "sectionTitle"))
        if card_.decision.next_steps:
            self.content.addWidget(_steps_table(card_.decision.next_steps))
        else:
            self.content.addWidget(label("Nothing to do: every need of this stage and the next is met.", "notice"))
        self.content.addWidget(label("Scores", "sectionTitle"))
        self._charts(report)
        self.content.addWidget(label(f"ML Test Score: the 28 tests ({mlts.unknown} cannot be decided from a repository "
                                     "and score 0, shown as unknown)", "sectionTitle"))
        self.content.addWidget(_tests_table(mlts.tests))
        self.content.addStretch(1)

    def _charts(self, report: Any) -> None:
        figures = self.session.figures
        names = [n for n in ("areas", "ml_test_score", "statuses") if n in figures]
        if not names:
            self.content.addWidget(label("The charts could not be drawn for this audit.", "notice"))
            return
        grid = QWidget()
        layout = QGridLayout(grid)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate(names):
            # two narrow charts side by side; the wider status chart gets a row of its own (spanning both columns),
            # so the grid is as wide as two narrow charts and nothing is cut off at the window's right edge
            span = 2 if name == "statuses" else 1
            layout.addWidget(chart_canvas(figures[name], f"chart_{name}"), i // 2, i % 2, 1, span,
                             Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.setColumnStretch(2, 1)
        self.content.addWidget(grid)
