"""History: the commit timeline with data / model / code events, and maturity over tags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from mlaudit.gui.views.base import View, optional_module
from mlaudit.gui.widgets import Column, RecordsModel, chart_canvas, label, table

EVENT_ROLES = ("data", "model", "code", "notebook", "config-params", "metrics", "deps", "ci", "test", "container", "tracking")
MAX_COMMITS = 2000
# per commit, the distinct data / model paths the scan recorded a version of (MLmodel descriptors are not models)
VERSION_EVENTS = {
    "data": "SELECT v.commit_sha, COUNT(DISTINCT v.path) FROM data_versions v JOIN commits c ON c.sha = v.commit_sha "
            "WHERE c.committer_time >= ? GROUP BY v.commit_sha",
    "model": "SELECT v.commit_sha, COUNT(DISTINCT v.path) FROM model_versions v JOIN commits c ON c.sha = v.commit_sha "
             "JOIN model_blobs b ON b.key = v.key WHERE c.committer_time >= ? AND b.format NOT IN ('mlmodel', 'unknown') "
             "GROUP BY v.commit_sha",
}


def commit_events(store: Any) -> list[dict[str, Any]]:
    """Newest commits first, each with the roles of the files it changed (from the store). Data and model counts
    come from the scanned versions when those know more: DVC-tracked files whose hash changed, models committed
    under MLflow's mlruns/ (whose path role is tracking)."""
    rows = store.db.execute(
        "SELECT sha, committer_time, author_name, message FROM commits ORDER BY committer_time DESC, sha LIMIT ?",
        [MAX_COMMITS]).fetchall()
    roles: dict[str, dict[str, int]] = {}
    if rows:
        newest = rows[-1][1]
        for sha, role, files in store.db.execute(
                "SELECT cr.commit_sha, cr.role, cr.files FROM commit_roles cr JOIN commits c ON c.sha = cr.commit_sha "
                "WHERE c.committer_time >= ?", [newest]):
            roles.setdefault(sha, {})[role] = files
        for role, sql in VERSION_EVENTS.items():  # the scanned versions know more than path roles
            for sha, files in store.db.execute(sql, [newest]):
                events = roles.setdefault(sha, {})
                events[role] = max(events.get(role, 0), files)
    tags: dict[str, list[str]] = {}
    for name, target in store.db.execute("SELECT name, target FROM refs WHERE kind = 'tag'"):
        tags.setdefault(target, []).append(name.removeprefix("refs/tags/"))
    return [{"sha": sha, "time": t, "author": author, "message": (msg or "").splitlines()[0] if msg else "",
             "roles": roles.get(sha, {}), "tags": tags.get(sha, [])} for sha, t, author, msg in rows]


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
        columns = [
            Column("date", lambda r: _when(r["time"]), sort=lambda r: r["time"] or 0, width=140),
            Column("commit", lambda r: r["sha"][:10], tooltip=lambda r: r["sha"], width=95),
            Column("tags", lambda r: ", ".join(r["tags"]), width=80),
            Column("data", lambda r: r["roles"].get("data", "") or "", sort=lambda r: r["roles"].get("data", 0), width=50,
                   colour=lambda r: "#3d8fd6" if "data" in r["roles"] else None),
            Column("model", lambda r: r["roles"].get("model", "") or "", sort=lambda r: r["roles"].get("model", 0), width=58,
                   colour=lambda r: "#a45ec0" if "model" in r["roles"] else None),
            Column("code", lambda r: sum(r["roles"].get(k, 0) for k in ("code", "notebook")) or "",
                   sort=lambda r: sum(r["roles"].get(k, 0) for k in ("code", "notebook")), width=45),
            Column("author", lambda r: r["author"], width=120),
            Column("message", lambda r: r["message"], tooltip=lambda r: _events(r)),
        ]
        model = RecordsModel(columns, events)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(RecordsModel.SortRole)
        view = table(proxy)
        view.setObjectName("commitTable")
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.content.addWidget(view, 1)

    def _commit_events(self, store: Any) -> list[dict[str, Any]]:
        """The commit timeline, read again only when a newer scan wrote the store (scoring tags does not change it)."""
        key = (str(self.session.store_path), store.db.execute("SELECT max(id) FROM scans").fetchone()[0])
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
        history = optional_module("mlaudit.audit.history")
        if history is None:
            self.window_.show_error("Maturity over history is not available in this mlaudit yet.")
            return
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
