"""REPRO-DATA-VERSIONED: training data is versioned (git, DVC, LFS), not read from untracked paths or URLs."""

from __future__ import annotations

import posixpath
import re

from mlaudit.checks.base import Check, CheckResult, Evidence, Severity, Status, register
from mlaudit.checks.context import CheckContext
from mlaudit.scanners.dvc import parse_dvc_yaml
from mlaudit.scanners.notebooks import SourceFile, python_sources

READ = re.compile(
    r"\b(?:read_csv|read_parquet|read_json|read_table|read_excel|read_feather|read_pickle|loadtxt|genfromtxt|"
    r"load_dataset|read_orc)\(\s*[rbf]?[\"']([^\"'\n]+)[\"']")
URL = re.compile(r"^(https?|s3|gs|gcs|az|abfss?|hdfs|ftp)://", re.IGNORECASE)
RAW_GITHUB = re.compile(r"^https?://(?:raw\.githubusercontent\.com/[^/]+/[^/]+/[^/]+|github\.com/[^/]+/[^/]+/(?:raw|blob)/[^/]+)/(.+)$")
# Public datasets a library downloads at run time: the project does not version what it trains on.
DOWNLOAD = re.compile(
    r"\b(?P<torch>[A-Z][A-Za-z0-9]*)\((?=[^()]*\bdownload\s*=\s*True)"
    r"|\b(?P<sk>fetch_[a-z0-9_]+)\("
    r"|\b(?P<keras>(?:mnist|fashion_mnist|cifar10|cifar100|imdb|reuters|boston_housing)\.load_data)\("
    r"|\b(?P<tfds>tfds\.load)\("
    r"|\bload_dataset\(\s*[\"'](?P<hub>[\w.-]+(?:/[\w.-]+)?)[\"']")
HF_BUILDERS = {"csv", "json", "parquet", "text", "imagefolder", "audiofolder", "arrow", "pandas", "webdataset"}
DATA_SUFFIX = re.compile(r"\.(csv|tsv|parquet|pq|json|jsonl|feather|arrow|xlsx?|txt|gz|zip|orc)$", re.IGNORECASE)


def _resolve(source_path: str, literal: str) -> list[str]:
    """Repo paths a literal may name: relative to the script's folder and to the repo root."""
    base = posixpath.dirname(source_path)
    out = []
    for cand in (posixpath.normpath(posixpath.join(base, literal)), posixpath.normpath(literal)):
        if not cand.startswith("..") and cand not in out:
            out.append(cand.lstrip("./") if cand.startswith("./") else cand)
    return out


@register
class DataVersioned(Check):
    id = "REPRO-DATA-VERSIONED"
    title = "Training data is versioned"
    area = "repro"
    help = (
        "Finds the data files the code reads (read_csv, read_parquet, open, ... with a literal path or one built "
        "statically: constants, os.path.join, config attributes, YAML/JSON config values) and checks each is "
        "tracked by git, DVC (.dvc / dvc.lock outputs) or Git LFS. Reads from URLs or from files that are not "
        "versioned fail (a raw GitHub URL of a file committed here counts as git); a mix warns. Public datasets a "
        "library downloads by name at run time (torchvision download=True, fetch_openml, keras load_data, tfds.load, a "
        "Hugging Face hub load_dataset) warn: named, but not pinned by the project. Without read sites, versioned data files alone pass. With no training code and no "
        "data it is not applicable; training code whose data source cannot be found is unknown."
    )
    recommendation = "Track training data with DVC or Git LFS (or commit small files), and read it from versioned paths, not URLs."
    markers = ("reproducibility", "data versioning")
    ml_test_score = ("infra-1",)
    severity = Severity.HIGH

    def run(self, ctx: CheckContext) -> CheckResult:
        in_tree = {e.path for e in ctx.tree.files()}
        committed = {p for p, in ctx.store.db.execute("SELECT DISTINCT path FROM file_changes")}
        tracked_files = in_tree if ctx.tree.rev else in_tree & committed
        dvc = {t["path"].rstrip("/") for t in ctx.facts("pipeline").get("dvc", {}).get("tracked", [])} | self._dvc_outs(ctx)
        lfs = self._lfs_patterns(ctx)
        versioned, unversioned, downloads = [], [], []
        for src in python_sources(ctx.tree):
            if src.error:
                continue
            for m in READ.finditer(src.text):
                literal = m.group(1)
                line, cell = src.position(src.text.count("\n", 0, m.start()) + 1)
                if URL.match(literal) and not self._own_raw_file(literal, tracked_files):
                    unversioned.append(Evidence(f"reads {literal} from a URL", path=src.path, line=line, cell=cell, value=literal))
                    continue
                if URL.match(literal):
                    versioned.append(Evidence(f"reads {literal} (git: this repository's file, by its raw GitHub URL)",
                                              path=src.path, line=line, cell=cell, value=literal))
                    continue
                if "{" in literal or not DATA_SUFFIX.search(literal):
                    continue
                how = self._how(_resolve(src.path, literal), tracked_files, dvc, lfs)
                ev = Evidence(f"reads {literal}" + (f" ({how})" if how else " — not versioned"), path=src.path, line=line, cell=cell, value=literal)
                (versioned if how else unversioned).append(ev)
            downloads += self._downloads(src)
        for read in ctx.facts("code")["data_reads"]:  # paths built in code (os.path.join, constants, configs)
            target = read["target"]
            if not target:
                continue
            where = {"path": read["path"], "line": read["line"], "cell": read["cell"], "value": target}
            if URL.match(target):
                if self._own_raw_file(target, tracked_files):
                    versioned.append(Evidence(f"reads {target} (git: this repository's file, by its raw GitHub URL)", **where))
                else:
                    unversioned.append(Evidence(f"reads {target} from a URL (built as {read['expr'][:80]})", **where))
                continue
            if not DATA_SUFFIX.search(target):
                continue
            how = self._how(_resolve(read["path"], target), tracked_files, dvc, lfs)
            ev = Evidence(f"reads {target}" + (f" ({how})" if how else " — not versioned"), **where)
            (versioned if how else unversioned).append(ev)
        if unversioned and versioned:
            return self.result(Status.WARN, 0.5, value={"versioned": len(versioned), "unversioned": len(unversioned) + len(downloads)},
                               message=f"{len(unversioned) + len(downloads)} data read(s) are not versioned.",
                               evidence=(unversioned + downloads + versioned)[:25])
        if downloads and not unversioned:
            return self.result(Status.WARN, 0.5, value={"versioned": len(versioned), "downloaded": len(downloads)},
                               message=f"{len(downloads)} public dataset(s) are downloaded by name at run time: named, but "
                                       "not pinned to a version the project controls.", evidence=(downloads + versioned)[:25],
                               recommendation="Pin the dataset's revision (or a checksum) or snapshot it with DVC, so a "
                                              "retrain reads the same data.")
        if unversioned:
            return self.result(Status.FAIL, 0, value={"versioned": 0, "unversioned": len(unversioned) + len(downloads)},
                               message="The code reads data that is not versioned.", evidence=(unversioned + downloads)[:25])
        if versioned:
            return self.result(Status.PASS, 1, value={"versioned": len(versioned), "unversioned": 0},
                               message=f"All {len(versioned)} data read(s) use versioned files.", evidence=versioned[:25])
        data = [p for p, in ctx.store.db.execute("SELECT path FROM path_roles WHERE role = 'data'")]
        if dvc or data:
            shown = [Evidence("tracked by DVC", path=p) for p in sorted(dvc)[:10]] + [Evidence("data file in git", path=p) for p in data[:10]]
            return self.result(Status.PASS, 1, value={"dvc": len(dvc), "git": len(data)}, message="Data files are versioned.", evidence=shown)
        if not ctx.facts("code")["training"]:
            return self.result(Status.NOT_APPLICABLE, 0, message="No training code, no data files and no data reads: "
                               "there is no training data to version.")
        return self.result(Status.UNKNOWN, 0, message="The code trains a model, but no data file and no data read was "
                           "found: where its data comes from could not be determined.")

    @staticmethod
    def _downloads(src: SourceFile) -> list[Evidence]:
        """Public datasets fetched by a library at run time (torchvision ``download=True``, ``fetch_openml``,
        keras ``load_data``, ``tfds.load``, a Hugging Face hub ``load_dataset``): not versioned by the project."""
        out = []
        for m in DOWNLOAD.finditer(src.text):
            name = next(v for v in m.groupdict().values() if v)
            if m.group("hub") and (name in HF_BUILDERS or DATA_SUFFIX.search(name)):
                continue
            line, cell = src.position(src.text.count("\n", 0, m.start()) + 1)
            out.append(Evidence(f"downloads the public dataset {name} at run time — not versioned with the project",
                                path=src.path, line=line, cell=cell, value=name))
        return out

    @staticmethod
    def _own_raw_file(url: str, tracked: set[str]) -> bool:
        """A raw GitHub URL whose path is a file committed in this repository (the project reading its own data)."""
        m = RAW_GITHUB.match(url)
        return bool(m and m.group(1).split("?")[0] in tracked)

    @staticmethod
    def _dvc_outs(ctx: CheckContext) -> set[str]:
        """Outputs of dvc.yaml stages: rebuilt from versioned inputs by the pipeline."""
        if not ctx.tree.exists("dvc.yaml"):
            return set()
        try:
            stages = parse_dvc_yaml(ctx.tree.read_text("dvc.yaml"))
        except OSError:
            return set()
        return {posixpath.normpath(posixpath.join(st.wdir, o)).rstrip("/") for st in stages for o in st.outs}

    @staticmethod
    def _lfs_patterns(ctx: CheckContext) -> list[str]:
        if not ctx.tree.exists(".gitattributes"):
            return []
        return [ln.split()[0] for ln in ctx.tree.read_text(".gitattributes").splitlines() if "filter=lfs" in ln and ln.split()]

    @staticmethod
    def _how(candidates: list[str], tracked: set[str], dvc: set[str], lfs: list[str]) -> str | None:
        import fnmatch

        for cand in candidates:
            if any(cand == d or cand.startswith(d + "/") for d in dvc):
                return "DVC"
            if any(fnmatch.fnmatch(cand, p) or fnmatch.fnmatch(cand.rsplit("/", 1)[-1], p) for p in lfs):
                return "Git LFS"
            if cand in tracked:
                return "git"
        return None
