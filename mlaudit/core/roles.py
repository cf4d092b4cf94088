"""Path roles: what each path in a repo is (data, model, code, ...), by rules plus content sniffing."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable

from mlaudit.core.templates import is_template_path

ROLES = (
    "data", "model", "notebook", "code", "test", "params", "metrics", "deps",
    "ci", "container", "tracking", "docs", "template", "other",
)

# (glob, role), first match wins; globs match the whole path or, without a slash, the file name.
DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    (".github/workflows/*.yml", "ci"), (".github/workflows/*.yaml", "ci"), (".gitlab-ci.yml", "ci"),
    (".circleci/*", "ci"), ("azure-pipelines*.yml", "ci"), ("Jenkinsfile", "ci"), (".github/dependabot.yml", "ci"),
    ("renovate.json", "ci"), (".travis.yml", "ci"), ("bitbucket-pipelines.yml", "ci"),
    ("Dockerfile", "container"), ("Dockerfile.*", "container"), ("*.dockerfile", "container"),
    ("docker-compose*.yml", "container"), ("docker-compose*.yaml", "container"), ("compose.yaml", "container"),
    ("requirements*.txt", "deps"), ("requirements/*.txt", "deps"), ("pyproject.toml", "deps"), ("setup.cfg", "deps"),
    ("setup.py", "deps"), ("Pipfile", "deps"), ("Pipfile.lock", "deps"), ("poetry.lock", "deps"), ("uv.lock", "deps"),
    ("environment*.yml", "deps"), ("environment*.yaml", "deps"), ("conda-lock.yml", "deps"), ("*.conda-lock.yml", "deps"),
    ("constraints*.txt", "deps"), (".python-version", "deps"), ("runtime.txt", "deps"),
    ("dvc.yaml", "tracking"), ("dvc.lock", "tracking"), ("*.dvc", "tracking"), (".dvc/*", "tracking"),
    ("MLproject", "tracking"), ("mlruns/*", "tracking"), ("mlflow.db", "tracking"), ("*/MLmodel", "tracking"),
    ("MLmodel", "tracking"), ("wandb/*", "tracking"), ("dvclive/*", "tracking"), (".dvcignore", "tracking"),
    ("metrics*.json", "metrics"), ("scores*.json", "metrics"), ("*metrics*.json", "metrics"), ("metrics/*", "metrics"),
    ("*metrics*.yaml", "metrics"), ("*metrics*.csv", "metrics"), ("plots/*", "metrics"), ("eval*.json", "metrics"),
    ("params*.yaml", "params"), ("params*.yml", "params"), ("params*.json", "params"), ("config*.yaml", "params"),
    ("config*.yml", "params"), ("configs/*", "params"), ("conf/*", "params"), ("config/*.yaml", "params"),
    ("config/*.yml", "params"), ("hparams*", "params"), ("*.cfg", "params"),
    ("*.ini", "params"), ("*.toml", "params"),
    ("tests/*", "test"), ("test/*", "test"), ("test_*.py", "test"), ("*_test.py", "test"), ("conftest.py", "test"),
    ("*.ipynb", "notebook"),
    ("*.pkl", "model"), ("*.pickle", "model"), ("*.joblib", "model"), ("*.onnx", "model"), ("*.pt", "model"),
    ("*.pth", "model"), ("*.ckpt", "model"), ("*.h5", "model"), ("*.hdf5", "model"), ("*.keras", "model"),
    ("*.safetensors", "model"), ("*.gguf", "model"), ("*.skops", "model"), ("*.mar", "model"), ("*.pb", "model"),
    ("*.tflite", "model"), ("*.npy", "model"), ("*.npz", "model"), ("*.sav", "model"),
    ("*.csv", "data"), ("*.tsv", "data"), ("*.csv.gz", "data"), ("*.csv.bz2", "data"), ("*.csv.xz", "data"),
    ("*.csv.zip", "data"), ("*.tsv.gz", "data"), ("*.parquet", "data"), ("*.pq", "data"), ("*.feather", "data"),
    ("*.arrow", "data"), ("*.jsonl", "data"), ("*.ndjson", "data"), ("*.jsonl.gz", "data"), ("*.xlsx", "data"),
    ("*.xls", "data"), ("*.avro", "data"), ("*.orc", "data"),
    ("*.py", "code"), ("*.pyx", "code"), ("*.sh", "code"), ("Makefile", "code"), ("*.sql", "code"), ("*.r", "code"),
    ("*.R", "code"), ("*.scala", "code"),
    ("*.md", "docs"), ("*.rst", "docs"), ("*.txt", "docs"), ("docs/*", "docs"), ("LICENSE*", "docs"), ("README*", "docs"),
    (".gitignore", "other"), (".gitkeep", "other"), (".keep", "other"), (".gitattributes", "other"), (".DS_Store", "other"),
    # Folder conventions come last: a script, README or .gitignore under data/ or models/ keeps its own role,
    # and models/ counts only at the repository root (src/models/ is code). Content still decides a model.
    ("/models/*", "model"), ("data/*", "data"),
)

# Names a payload may hide behind: content decides for these even when a rule matched.
SNIFFED_SUFFIXES = (".txt", ".bin", ".dat", ".data", ".json", ".yaml", ".yml")

PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")


@functools.lru_cache(maxsize=64)
def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], re.Pattern[str], list[tuple[str, str]]]:
    """Two regexes, one named group per rule, tried in rule order: globs without a slash match the file name;
    ``dir/*`` matches anything under ``dir/`` at any depth, ``/dir/*`` only at the repository root; other globs
    match the path or any path suffix."""
    by_name, by_path = [], []
    for i, (pattern, _role) in enumerate(rules):
        if "/" not in pattern:
            by_name.append(f"(?P<r{i}>{fnmatch.translate(pattern)[4:-3]})")
        elif pattern.startswith("/") and pattern.endswith("/*"):
            by_path.append(f"(?P<r{i}>{re.escape(pattern[1:-1])}.*)")
        elif pattern.endswith("/*"):
            by_path.append(f"(?P<r{i}>(?:.*/)?{re.escape(pattern[:-1])}.*)")
        else:
            body = fnmatch.translate(pattern)[4:-3]
            by_path.append(f"(?P<r{i}>(?:.*/)?{body})")

    def join(parts: list[str]) -> re.Pattern[str]:
        return re.compile(rf"(?s:{'|'.join(parts) or '(?!)'})\Z")

    return join(by_name), join(by_path), list(rules)


def classify_by_rules(path: str, extra_rules: Iterable[tuple[str, str]] = ()) -> tuple[str, str]:
    """(role, rule) by the first matching rule; ("other", "") when none matches."""
    by_name, by_path, rules = _compiled((*tuple(map(tuple, extra_rules)), *DEFAULT_RULES))
    hits = []
    for regex, subject in ((by_name, path.rsplit("/", 1)[-1]), (by_path, path)):
        m = regex.match(subject)
        if m is not None and m.lastgroup is not None:
            hits.append(int(m.lastgroup[1:]))  # the leftmost alternative that matched = the first rule of its kind
    if not hits:
        return "other", ""
    pattern, role = rules[min(hits)]
    return role, pattern


def sniff_role(head: bytes) -> str | None:
    """A role from a file's first bytes, for paths the rules leave as 'other' or ambiguous."""
    if head.startswith(PICKLE_MAGIC) or (head[:2] == b"PK" and b"data.pkl" in head[:512]):
        return "model"
    if head.startswith((b"\x89HDF\r\n\x1a\n", b"GGUF")):
        return "model"
    if head.startswith((b"PAR1", b"ARROW1")):
        return "data"
    if head.startswith(b"\x93NUMPY"):
        return "model"
    return None


def classify(path: str, head: Callable[[], bytes] | None = None, extra_rules: Iterable[tuple[str, str]] = ()) -> tuple[str, str]:
    """(role, reason): rules first; for unmatched or binary-ambiguous paths, sniff the content when given."""
    role, rule = classify_by_rules(path, extra_rules)
    if is_template_path(path) and rule not in {pattern for pattern, _ in extra_rules}:
        return "template", "Jinja placeholder in the path (a cookiecutter/copier template, not this project's file)"
    if head is not None and (role == "other" or path.endswith(SNIFFED_SUFFIXES)):
        try:
            sniffed = sniff_role(head())
        except OSError:
            sniffed = None
        if sniffed is not None:
            return sniffed, "content"
    return role, f"rule {rule}" if rule else "no rule"
