"""What each check analysed and what it skipped (and why), and the rule that nothing passes on unseen input.

Every check declares here the inputs it reads and the kind of claim its pass makes:

- ``presence``: a pass says "the practice is there" (a tracking call, a CI workflow). What was not analysed
  cannot undo what was found, so the pass stands; an N/A ("nothing of the kind") does not.
- ``all``: a pass says something about every input (every random call seeded, every data file clean, no
  split overlaps). With part of the input skipped it is unknown — the report says what was not seen.

``attach`` fills ``CheckResult.coverage`` from the facts and the store, and turns a pass (``all`` claims)
or a not-applicable verdict drawn on partly analysed input into unknown. A check may set its own coverage;
it is merged with the computed one.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlaudit.checks.base import CheckResult, Status
from mlaudit.core.templates import TEMPLATE_TEXT_WHY, TEMPLATE_WHY, is_template_path

if TYPE_CHECKING:
    from mlaudit.checks.context import CheckContext

PRESENCE, ALL = "presence", "all"
FILE_INPUTS = {"code", "ci", "deps", "docker", "pipeline", "data"}  # inputs read from the tree's project files
MAX_SKIPPED = 50

# check id -> (inputs read, claim). Inputs: code (scripts and notebook cells), ci, deps, docker, pipeline
# (dvc.yaml, MLproject, Makefile, orchestrators), data (current data files), models (current model files),
# history (git history), tracking (MLflow / DVC metadata).
INPUTS: dict[str, tuple[tuple[str, ...], str]] = {
    "REPRO-BINARIES": (("history",), ALL),
    "REPRO-DATA-VERSIONED": (("code", "pipeline"), ALL),  # pointers decide, not the content
    "REPRO-DEPS-PINNED": (("deps",), ALL),
    "REPRO-DETERMINISM": (("models", "history"), ALL),
    "REPRO-LINEAGE": (("models", "tracking"), ALL),
    "REPRO-LOCKFILE": (("deps",), PRESENCE),
    "REPRO-PARAMS": (("code", "pipeline"), ALL),
    "REPRO-PIPELINE": (("pipeline", "ci", "code"), PRESENCE),
    "REPRO-PYTHON": (("deps", "docker", "ci"), PRESENCE),
    "REPRO-SEEDS": (("code",), ALL),
    "REPRO-VCS": (("history",), PRESENCE),
    "DATA-QUALITY": (("data",), ALL),
    "DATA-SCHEMA": (("code", "data"), PRESENCE),
    "DATA-SCHEMA-CHANGE": (("data",), ALL),
    "DATA-VALIDATION": (("code", "ci", "pipeline"), PRESENCE),
    "DRIFT-HISTORY": (("data",), ALL),
    "DRIFT-MODEL-DATA": (("models", "data"), ALL),
    "DRIFT-MONITORING": (("code", "ci", "pipeline"), PRESENCE),
    "DRIFT-SPLITS": (("data",), ALL),
    "LEAK-CODE-MULTITEST": (("code",), ALL),
    "LEAK-CODE-OVERSAMPLE": (("code",), ALL),
    "LEAK-CODE-PREPROCESS": (("code",), ALL),
    "LEAK-CODE-TEST-STATS": (("code",), ALL),
    "LEAK-ENTITY": (("data",), ALL),
    "LEAK-OVERLAP": (("data",), ALL),
    "LEAK-TARGET": (("data",), ALL),
    "LEAK-TEMPORAL": (("data",), ALL),
    "MODEL-BASELINE": (("code", "tracking"), PRESENCE),
    "MODEL-FAIRNESS": (("code",), PRESENCE),
    "MODEL-LIB-MISMATCH": (("models", "deps"), ALL),
    "MODEL-METRICS": (("models", "tracking"), ALL),
    "MODEL-PICKLE": (("models",), ALL),
    "MODEL-REGISTRY": (("tracking", "models"), PRESENCE),
    "MODEL-SKEW-FEATURES": (("models", "code"), ALL),
    "MODEL-SLICES": (("code",), PRESENCE),
    "MODEL-TUNING": (("code", "tracking"), PRESENCE),
    "MODEL-UNSAFE": (("models",), ALL),
    "MODEL-VALIDATION-GATE": (("code", "ci", "pipeline"), PRESENCE),
    "INFRA-CD": (("ci", "docker", "pipeline"), PRESENCE),
    "INFRA-CI": (("ci",), PRESENCE),
    "INFRA-CT": (("ci", "pipeline"), PRESENCE),
    "INFRA-DEP-UPDATES": (("ci",), PRESENCE),
    "INFRA-ROLLBACK": (("ci", "tracking", "docker"), PRESENCE),
    "INFRA-SERVING": (("code", "docker"), PRESENCE),
    "INFRA-TESTS": (("code", "ci"), PRESENCE),
    "INFRA-TRACKING": (("code", "tracking"), PRESENCE),
    "MON-INPUT-INVARIANTS": (("code",), ALL),
    "MON-NUMERIC": (("code",), ALL),
    "MON-PRODUCTION": (("code", "docker"), PRESENCE),
    "MON-SKEW": (("code", "models"), ALL),
    "MON-STALENESS": (("models", "data"), ALL),
}


# A verdict is unknown only when what was skipped could have changed it. For these checks a not-applicable verdict
# rests on part of the inputs only: (inputs whose skipped items can undo the N/A, what a skipped item must show to
# count). "No model file" does not depend on the code; "no served model" can only be undone by an unparsed code unit
# that names a serving framework (``mlaudit.scanners.code.TOPIC_WORDS``); "no train/test pair" only by a skipped
# data file that could be one side of a pair ("split"); "no file with two versions" only by one that has two.
NA_BASIS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "MODEL-SKEW-FEATURES": (("models",), None),
    "MODEL-LIB-MISMATCH": (("models",), None),
    "MON-STALENESS": (("models",), None),
    "MON-PRODUCTION": (("code", "docker"), "serving"),
    "MON-SKEW": (("code", "models"), "serving"),
    "MON-INPUT-INVARIANTS": (("code",), "serving"),
    "DRIFT-MODEL-DATA": (("models",), None),
    # "no train/test pair": pairs are found by name (a split word, or the one same-columns file of a split's folder)
    "DRIFT-SPLITS": (("data",), "split"),
    "LEAK-OVERLAP": (("data",), "split"),
    "LEAK-ENTITY": (("data",), "split"),
    "LEAK-TEMPORAL": (("data",), "split"),
    # "no file with two versions": a skipped file with one version cannot make one
    "DRIFT-HISTORY": (("data",), "versions"),
    "DATA-SCHEMA-CHANGE": (("data",), "versions"),
    **{c: (("code",), "ml") for c in ("LEAK-CODE-MULTITEST", "LEAK-CODE-OVERSAMPLE", "LEAK-CODE-PREPROCESS", "LEAK-CODE-TEST-STATS")},
}
# An all-inputs pass that only an unparsed code unit naming the topic could undo: the leakage code checks follow
# fits, transforms, splits, resamplers and scores; a shell, SQL or prose cell names none of them.
PASS_BASIS: dict[str, tuple[tuple[str, ...], str | None]] = {
    c: (("code",), "ml") for c in ("LEAK-CODE-MULTITEST", "LEAK-CODE-OVERSAMPLE", "LEAK-CODE-PREPROCESS", "LEAK-CODE-TEST-STATS")}
TOPIC_INPUT = {"serving": "code", "ml": "code", "split": "data", "versions": "data"}  # the input whose skipped items a topic filters


@dataclass(slots=True)
class Coverage:
    """What a check analysed (one line per input) and what it skipped: [{what, why}]."""

    inputs: list[str] = field(default_factory=list)
    analysed: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    skipped_total: int = 0
    claim: str = PRESENCE
    # Left out because they are not this project's inputs (cookiecutter/copier templates): named, never blocking.
    excluded: list[dict[str, str]] = field(default_factory=list)
    _kinds: list[tuple[str, tuple[str, ...] | None]] = field(default_factory=list, repr=False)  # per skipped item

    def to_dict(self) -> dict[str, Any]:
        return {"inputs": list(self.inputs), "analysed": list(self.analysed), "skipped": [dict(s) for s in self.skipped],
                "skipped_total": self.skipped_total, "claim": self.claim, "excluded": [dict(e) for e in self.excluded]}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Coverage | None:
        if not d:
            return None
        return cls(list(d.get("inputs") or []), list(d.get("analysed") or []), [dict(s) for s in d.get("skipped") or []],
                   int(d.get("skipped_total") or len(d.get("skipped") or [])), d.get("claim") or PRESENCE,
                   [dict(e) for e in d.get("excluded") or []])

    def add_skipped(self, what: str, why: str, kind: str = "", mentions: list[str] | None = None) -> None:
        self.skipped_total += 1
        if kind:
            self._kinds.append((kind, None if mentions is None else tuple(mentions)))
        if len(self.skipped) < MAX_SKIPPED:
            self.skipped.append({"what": what, "why": why})

    def blocking(self, basis: tuple[tuple[str, ...], str | None] | None) -> int:
        """How many skipped items could undo a verdict resting on ``basis`` (all of them when there is none)."""
        if basis is None:
            return self.skipped_total
        inputs, topic = basis
        untagged = self.skipped_total - len(self._kinds)
        return untagged + sum(kind in inputs and (topic is None or TOPIC_INPUT[topic] != kind or said is None or topic in said)
                              for kind, said in self._kinds)

    def add_excluded(self, what: str, why: str) -> None:
        """A file left out because it is not an input of this project (a template): it never makes a verdict unknown."""
        if len(self.excluded) < MAX_SKIPPED and not any(e["what"] == what for e in self.excluded):
            self.excluded.append({"what": what, "why": why})

    def summary(self) -> str:
        """One line: what was analysed, how much was skipped, and what was left out as not the project's."""
        seen = "; ".join(self.analysed) or "nothing"
        out = f"analysed {seen}"
        if self.skipped_total:
            out += f"; skipped {self.skipped_total} ({self.skipped[0]['why']}{', …' if self.skipped_total > 1 else ''})"
        if self.excluded:
            out += f"; not the project's: {self.excluded[0]['what']} ({self.excluded[0]['why']})"
            out += f" and {len(self.excluded) - 1} more" if len(self.excluded) > 1 else ""
        return out


def _where(item: dict[str, Any]) -> str:
    where = str(item.get("path") or "?")
    if item.get("cell") is not None:
        where += f" cell {item['cell']}"
    return where


def _facts_input(ctx: CheckContext, kind: str, cov: Coverage) -> None:
    facts = ctx.facts(kind)
    errors = facts.get("errors") or []
    for t in facts.get("templates") or []:
        cov.add_excluded(_where(t), str(t.get("reason") or t.get("error") or TEMPLATE_TEXT_WHY))
    if kind == "code":
        cov.analysed.append(f"{facts.get('files', 0)} Python script(s) and notebook(s) parsed")
        for u in facts.get("unreadable") or []:
            cov.add_skipped(_where(u), f"not parsed: {u.get('reason') or 'unreadable'}", "code", u.get("mentions"))
        return
    label = {"ci": "CI definition(s)", "deps": "dependency manifest(s)", "docker": "container file(s)",
             "pipeline": "pipeline definition(s)"}[kind]
    count = len(facts.get("files") or facts.get("manifests") or facts.get("stages") or [])
    if kind == "pipeline":
        count = len({s.get("path") for s in facts.get("steps") or []})
    cov.analysed.append(f"{count} {label} read")
    for e in errors:
        cov.add_skipped(str(e.get("path") or "?"), str(e.get("error") or "unreadable"), kind)


def _data_input(ctx: CheckContext, cov: Coverage) -> None:
    from mlaudit.store import data_queries as dq

    if "data_versions" not in ctx.store.db.table_names():
        cov.analysed.append("0 data file(s) profiled")
        return
    read = 0
    current = dq.current_data_files(ctx.store, ctx.rev)
    split_folders = {posixpath.dirname(v.path) for v in current if dq._SPLIT.search(posixpath.basename(v.path))}
    versions = dict(ctx.store.db.execute("SELECT path, COUNT(DISTINCT key) FROM data_versions GROUP BY path").fetchall())

    def skip(path: str, why: str) -> None:
        could = ["split"] if dq._SPLIT.search(posixpath.basename(path)) or posixpath.dirname(path) in split_folders else []
        cov.add_skipped(path, why, "data", could + (["versions"] if versions.get(path, 0) > 1 else []))

    for v in current:
        if not v.available:
            skip(v.path, f"content not available locally ({v.source}: {v.availability})")
            continue
        prof = dq.profile(ctx.store, v.key)
        if prof is None:
            skip(v.path, "not profiled (over a size limit or an unsupported format)")
        elif prof.error:
            skip(v.path, f"could not be read: {prof.error}")
        else:
            read += 1
    cov.analysed.append(f"{read} data file(s) profiled" + (" (sampled rows)" if read else ""))


def _models_input(ctx: CheckContext, cov: Coverage) -> None:
    from mlaudit.store.model_queries import list_models

    read = 0
    for v in list_models(ctx.store, ctx.rev):
        if v.verdict == "unread" or (v.error and v.verdict != "dangerous"):
            cov.add_skipped(v.path, f"not fully analysed: {v.error or 'unread'}", "models")
        else:
            read += 1
    cov.analysed.append(f"{read} current model file(s) analysed by content")
    _not_model_contents(ctx, cov)


def _not_model_contents(ctx: CheckContext, cov: Coverage) -> None:
    """Contents whose first bytes looked like a model, pickle or archive but which, read in full, are none."""
    db = ctx.store.db
    if "model_blobs" not in db.table_names():
        return
    rows = db.execute("SELECT key, metadata FROM model_blobs WHERE format = 'unknown' AND error IS NULL "
                      "ORDER BY metadata NOT LIKE '%not_a_model%', key").fetchall()
    if not rows:
        return
    key, meta = rows[0]
    try:
        why = (json.loads(meta or "{}").get("verdict_reasons") or ["not a model file"])[0]
    except (ValueError, AttributeError, IndexError):
        why = "not a model file"
    path = db.execute("SELECT path FROM file_changes WHERE blob = ? LIMIT 1", [key]).fetchone() \
        if "file_changes" in db.table_names() else None
    cov.analysed.append(f"{len(rows)} other content(s) that start like a pickle, archive or compressed stream read in "
                        f"full: not model files (e.g. {path[0] if path else key[:12]}: {why})")


def _history_input(ctx: CheckContext, cov: Coverage) -> None:
    n = ctx.store.db.execute("SELECT COUNT(*) FROM commits").fetchone()[0] if "commits" in ctx.store.db.table_names() else 0
    cov.analysed.append(f"{n} commit(s) of git history")
    if getattr(ctx.repo, "shallow", False):
        cov.add_skipped("git history", "shallow clone: commits before the clone depth are not available", "history")


def _tracking_input(ctx: CheckContext, cov: Coverage) -> None:
    db = ctx.store.db
    runs = db.execute("SELECT COUNT(*) FROM mlflow_runs").fetchone()[0] if "mlflow_runs" in db.table_names() else 0
    cov.analysed.append(f"{runs} MLflow run(s), DVC metadata and metrics/params files")
    if "scan_errors" in db.table_names():
        for path, reason in db.execute("SELECT path, reason FROM scan_errors WHERE phase IN ('tracking', 'mlflow', 'dvc') "
                                       "AND scan_id = (SELECT MAX(id) FROM scans)").fetchall():
            cov.add_skipped(str(path or "?"), str(reason), "tracking")


def compute(ctx: CheckContext, check_id: str) -> Coverage:
    """The coverage of one check's declared inputs on the judged tree."""
    inputs, claim = INPUTS.get(check_id, ((), PRESENCE))
    cov = Coverage(list(inputs), claim=claim)
    for kind in inputs:
        try:
            if kind in ("code", "ci", "deps", "docker", "pipeline"):
                _facts_input(ctx, kind, cov)
            elif kind == "data":
                _data_input(ctx, cov)
            elif kind == "models":
                _models_input(ctx, cov)
            elif kind == "history":
                _history_input(ctx, cov)
            elif kind == "tracking":
                _tracking_input(ctx, cov)
        except Exception as exc:  # noqa: BLE001 - coverage must never break a check; say what could not be told
            cov.add_skipped(kind, f"coverage could not be computed: {type(exc).__name__}: {exc}")
    if not inputs:
        cov.analysed.append("inputs not declared for this check")
    if set(inputs) & FILE_INPUTS:
        _template_folders(ctx, cov)
    return cov


def _template_folders(ctx: CheckContext, cov: Coverage) -> None:
    """Name the files under Jinja-placeholder folders (a cookiecutter/copier template) that no scanner read."""
    try:
        templates = ctx.tree.template_files()
    except Exception:  # noqa: BLE001 - the tree listing failed: the inputs' own coverage already says so
        return
    if templates:
        roots = sorted({_template_root(t.path) for t in templates})
        cov.add_excluded(f"{len(templates)} file(s) under template folder(s) {', '.join(roots[:3])}", TEMPLATE_WHY)


def attach(ctx: CheckContext, result: CheckResult) -> CheckResult:
    """Set the result's coverage; no pass (``all`` claims) and no N/A on input that was skipped."""
    cov = compute(ctx, result.check_id)
    own = result.coverage
    if own is not None:
        cov.analysed += [a for a in own.analysed if a not in cov.analysed]
        for s in own.skipped:
            cov.add_skipped(s["what"], s["why"])
    result.coverage = cov
    if not cov.skipped_total or result.status in (Status.ERROR, Status.UNKNOWN, Status.FAIL, Status.WARN):
        return result
    if result.status == Status.NOT_APPLICABLE and not cov.blocking(NA_BASIS.get(result.check_id)):
        return result  # what was skipped cannot hold what this N/A rests on (coverage still lists it)
    if result.status == Status.PASS and result.check_id in PASS_BASIS and not cov.blocking(PASS_BASIS[result.check_id]):
        return result  # nothing skipped could hold what this pass is about
    if result.status == Status.NOT_APPLICABLE or (result.status == Status.PASS and cov.claim == ALL):
        was = "not applicable" if result.status == Status.NOT_APPLICABLE else "pass"
        first = cov.skipped[0]
        result.message = (f"Unknown: {cov.skipped_total} input(s) were not analysed (e.g. {first['what']}: {first['why']}); "
                          f"on what was analysed the check reads {was}: {result.message}").strip()
        result.status = Status.UNKNOWN
        result.points = 0.0
        if not result.recommendation:
            result.recommendation = ("Make the skipped inputs readable (see coverage: files not parsed, content absent "
                                     "from the cache, files over a limit) and audit again.")
    return result


def _template_root(path: str) -> str:
    """The path up to its first Jinja-placeholder part (``{{ cookiecutter.repo_name }}/``)."""
    parts = path.split("/")
    for i in range(len(parts)):
        if is_template_path(parts[i]):
            return "/".join(parts[: i + 1]) + ("/" if i + 1 < len(parts) else "")
    return path
