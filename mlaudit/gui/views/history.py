"""History: the commit timeline with data / model / code events, and maturity over tags."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from mlaudit.gui.evidence import EvidenceText
from mlaudit.gui.views.base import View
from mlaudit.gui.views.findings import CodeViewer
from mlaudit.gui.widgets import Column, RecordsModel, chart_canvas, label, plural, table

EVENT_ROLES = ("data", "model", "code", "notebook", "config-params", "metrics", "deps", "ci", "test", "container", "tracking")
MAX_COMMITS = 2000


def commit_events(store: Any) -> list[dict[str, Any]]:
    """Newest commits first with the roles of the files each changed (``store.history_queries``)."""
    from mlaudit.store.history_queries import commit_events as events

    return events(store, MAX_COMMITS)


def detail_html(d: Any) -> str:
    """A commit's details as HTML: message, files by role, data and model versions, verdicts that changed."""
    esc = html.escape
    tags = f" &nbsp; tags: {esc(', '.join(d.tags))}" if d.tags else ""
    parts = [f"<b>commit {esc(d.sha)}</b>{tags}<br>{esc(d.author)} &lt;{esc(d.email)}&gt; \u00b7 {_when(d.time)}"
             + (f" \u00b7 merge of {len(d.parents)} parents" if len(d.parents) > 1 else ""),
             esc(d.message.strip()).replace("\n", "<br>")]
    by_role: dict[str, list[dict[str, Any]]] = {}
    for f in d.files:
        by_role.setdefault(f["role"], []).append(f)
    if d.files:
        parts.append(f"<b>{plural(len(d.files), 'file')} changed</b>")
        for role in sorted(by_role, key=lambda r: EVENT_ROLES.index(r) if r in EVENT_ROLES else 99):
            items = ", ".join(esc(f"{f['status']} {f['path']}" + (f" (from {f['old path']})" if f["old path"] else ""))
                              for f in by_role[role][:40])
            more = f" and {len(by_role[role]) - 40} more" if len(by_role[role]) > 40 else ""
            parts.append(f"&nbsp;&nbsp;<i>{esc(role)}</i>: {items}{more}")
    if d.data_versions:
        parts.append("<b>data versions</b>: " + ", ".join(
            esc(f"{v['path']} ({v['hash'][:10]}" + ("" if v["availability"] == "available" else f", {v['availability']}") + ")")
            for v in d.data_versions))
    if d.model_versions:
        parts.append("<b>model versions</b>: " + ", ".join(esc(f"{v['path']} ({v['format']}, {v['verdict']})")
                                                          for v in d.model_versions))
    if d.verdict_changes:
        parts.append(f"<b>checks whose verdict changed since {esc(d.verdict_changes[0].before_rev[:10])}</b>: " + ", ".join(
            esc(f"{c.check_id} {c.before} \u2192 {c.after}") for c in d.verdict_changes))
    elif d.scored:
        parts.append("<b>checks</b>: scored at this commit; no verdict changed since the previous scored revision.")
    else:
        parts.append("<i>This commit was not scored (Score tags and sampled commits scores tags and sampled commits).</i>")
    return "<br>".join(parts)


def _when(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M") if ts else ""


def _events(row: dict[str, Any]) -> str:
    return ", ".join(f"{role} ({n})" for role, n in sorted(row["roles"].items(), key=lambda kv: EVENT_ROLES.index(kv[0])
                                                            if kv[0] in EVENT_ROLES else 99))


class HistoryView(View):
    name = "history"
    title = "History"
    subtitle = "Commits with the data, model and code files they changed; maturity scored at tags and sampled commits."

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._events_key: tuple[str, Any] | None = None
        self._events: list[dict[str, Any]] = []

    def reload(self) -> None:
        store = self.store()
        if store is None:
            self.show_message("No store yet: scan the repository first (F5).")
            return
        self.reset()
        report = self.session.report
        points = report.history if report is not None else []
        row = QHBoxLayout()
        row.addWidget(label(f"Maturity over history: {len(points)} revisions scored.", "sectionTitle"), 1)
        judge = QPushButton("Score tags and sampled commits")
        judge.setObjectName("judgeHistory")
        judge.setToolTip("Run every check at each tag (and evenly spaced commits) from git objects, without checkout; "
                         "revisions scored before are read from the store.")
        judge.clicked.connect(self.judge_history)
        row.addWidget(judge)
        self.content.addLayout(row)
        figure = self.session.figures.get("history")
        if figure is not None:
            self.content.addWidget(chart_canvas(figure, "chart_history"))
        elif len(points) >= 2:
            self.content.addWidget(label("Drawing the maturity chart\u2026", "notice"))
            self._draw_chart()
        elif not self.session.history_judged:
            self.content.addWidget(label("Scoring the tags and sampled commits (from git objects, no checkout)\u2026", "notice"))
            self.judge_history()
        else:
            self.content.addWidget(label("Fewer than two revisions could be scored (a single commit, or not a git repository).", "notice"))
        events = self._commit_events(store)
        data_model = sum(1 for e in events if {"data", "model"} & set(e["roles"]))
        self.content.addWidget(label(f"Commits ({len(events)}; {data_model} changed data or model files)", "sectionTitle"))
        if not events:
            self.content.addWidget(label("No commits: this is a plain folder or an empty repository.", "notice"))
            return
        columns = [  # the message last, stretched: it is what a reader scans for; the author narrow, its tooltip full
            Column("date", lambda r: _when(r["time"]), sort=lambda r: r["time"] or 0, width=118),
            Column("commit", lambda r: r["sha"][:10], tooltip=lambda r: r["sha"], width=88),
            Column("tags", lambda r: ", ".join(r["tags"]), tooltip=lambda r: ", ".join(r["tags"]), width=90),
            Column("data", lambda r: r["roles"].get("data", "") or "", sort=lambda r: r["roles"].get("data", 0), width=48,
                   colour=lambda r: "#3d8fd6" if "data" in r["roles"] else None),
            Column("model", lambda r: r["roles"].get("model", "") or "", sort=lambda r: r["roles"].get("model", 0), width=58,
                   colour=lambda r: "#a45ec0" if "model" in r["roles"] else None),
            Column("code", lambda r: sum(r["roles"].get(k, 0) for k in ("code", "notebook")) or "",
                   sort=lambda r: sum(r["roles"].get(k, 0) for k in ("code", "notebook")), width=42),
            Column("author", lambda r: r["author"], tooltip=lambda r: r["author"], width=84),
            Column("message", lambda r: r["message"], tooltip=lambda r: f"{r['message']}\n{_events(r)}"),
        ]
        model = RecordsModel(columns, events)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(RecordsModel.SortRole)
        view = table(proxy)
        view.setObjectName("commitTable")
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        for column, widest in ((2, 170), (6, 150)):  # tags and author as wide as they need, within reason
            view.resizeColumnToContents(column)
            view.setColumnWidth(column, max(columns[column].width or 0, min(view.columnWidth(column), widest)))
        view.setToolTip("Select a commit to see its details; Show the diff opens its patch.")
        self.commits, self.commits_view = model, view
        view.selectionModel().currentRowChanged.connect(self._on_commit)
        self.detail = QTextBrowser()
        self.detail.setObjectName("commitDetail")
        self.detail.setOpenLinks(False)
        self.detail.setHtml("<i>Select a commit to see its message, files, data and model versions and the checks "
                            "whose verdict changed.</i>")
        self.diff_button = QPushButton("Show the diff")
        self.diff_button.setObjectName("commitDiff")
        self.diff_button.setToolTip("The commit's full patch (a merge against its first parent).")
        self.diff_button.setEnabled(False)
        self.diff_button.clicked.connect(self.show_diff)
        self.diff_view = CodeViewer()
        self.diff_view.setObjectName("commitDiffText")
        self.diff_view.hide()
        pane = QWidget()
        box = QVBoxLayout(pane)
        box.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(label("Commit details", "sectionTitle"), 1)
        bar.addWidget(self.diff_button)
        box.addLayout(bar)
        texts = QSplitter(Qt.Orientation.Vertical)
        texts.addWidget(self.detail)
        texts.addWidget(self.diff_view)
        texts.setSizes([200, 300])
        box.addWidget(texts, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(view)
        split.addWidget(pane)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 380])
        self.content.addWidget(split, 1)
        self.selected_sha: str | None = None

    def _on_commit(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.commits.record(cast(QSortFilterProxyModel, self.commits_view.model()).mapToSource(current).row())
        self.open_commit(row["sha"])

    def open_commit(self, sha: str) -> None:
        """Show the details of commit ``sha`` (from the store); the diff loads on demand."""
        from mlaudit.store.history_queries import commit_detail

        store = self.store()
        d = commit_detail(store, sha) if store is not None else None
        self.selected_sha = sha if d is not None else None
        self.diff_view.hide()
        self.diff_button.setEnabled(d is not None)
        self.detail.setHtml(detail_html(d) if d is not None else f"The store holds no commit {html.escape(sha)}.")

    def show_diff(self) -> None:
        """Load the selected commit's patch in the pool and show it below the details."""
        sha, session = self.selected_sha, self.session
        if sha is None or session is None:
            return
        from mlaudit.checks.base import Evidence
        from mlaudit.gui.evidence import load_evidence

        root = session.root
        self.diff_view.show()
        self.diff_view.setPlainText("loading the diff\u2026")
        self.pool.submit("commit-diff", lambda p: load_evidence(root, Evidence("commit", commit=sha), p, True),
                         self._diff_loaded)

    def _diff_loaded(self, shown: EvidenceText) -> None:
        self.diff_view.show_text(shown)

    def _commit_events(self, store: Any) -> list[dict[str, Any]]:
        """The commit timeline, read again only when a newer scan wrote the store (scoring tags does not change it)."""
        from mlaudit.store.session_queries import latest_scan_id

        key = (str(self.session.store_path), latest_scan_id(store))
        if self._events_key != key:
            self._events_key, self._events = key, commit_events(store)
        return self._events

    def _draw_chart(self) -> None:
        """Draw the maturity chart in the pool (kept out of opening an audit: most visits never reach History)."""
        session, report = self.session, self.session.report

        def drawn(figure: Any) -> None:
            if session is self.session and session.report is report and figure is not None:
                session.figures["history"] = figure
                self.refresh(force=True)

        def draw(progress: Any) -> Any:
            from mlaudit.gui.charts import history_figure  # matplotlib stays out of the GUI thread's imports

            progress.update("history", 0, 0, "drawing the maturity chart")
            return history_figure(report)

        self.pool.submit("history-chart", draw, drawn)

    def judge_history(self) -> None:
        """Score the tags and sampled commits in the pool, then reload the overview and this view."""
        from mlaudit.audit import history

        session = self.session
        session.history_judged = True

        def work(progress: Any) -> Any:
            from mlaudit.gui.charts import history_figure
            from mlaudit.gui.session import load_stored

            history.maturity_history(session.repo_path, session.db, progress=progress)
            loaded = load_stored(session.repo_path, session.db, progress)
            figure = history_figure(loaded.report) if loaded.report is not None else None
            if figure is not None:  # drawn here too: the view is rebuilt once, with its chart
                loaded.figures["history"] = figure
            return loaded

        self.pool.submit("history", work, lambda loaded: self._judged(session, loaded))

    def _judged(self, session: Any, loaded: Any) -> None:
        if session is self.session:
            session.apply(loaded)
            self.refresh()
            self.window_.audit_ready.emit()
