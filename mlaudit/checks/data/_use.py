"""What a data file is used for, by content and by what the code does with it — not by the folder it sits in.

Training data is what the data checks profile; prediction outputs (written by the code, or named so and
never read), submission templates, and one-column lists (labels, ids) are data files too but not training
data, so they do not drive DATA-QUALITY, DATA-SCHEMA-CHANGE or DRIFT-HISTORY. A file the code reads stays
training data whatever its name (a ``results.csv`` fed to training is input).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from mlaudit.checks.context import CheckContext
from mlaudit.scanners.notebooks import python_sources
from mlaudit.store import data_queries as dq

TRAINING = "training"
_LIT = r"\(\s*[rbf]?[\"']([^\"'\n]+)[\"']"
READS = re.compile(r"\b(?:read_csv|read_parquet|read_json|read_table|read_excel|read_feather|loadtxt|genfromtxt|load_dataset|"
                   r"read_orc|np\.load|scan_csv|read_ndjson)" + _LIT)
WRITES = re.compile(r"\.(?:to_csv|to_parquet|to_json|to_excel|to_feather|write_csv|write_parquet)" + _LIT
                    + r"|\bsavetxt" + _LIT + r"|\bopen" + _LIT + r"\s*,\s*[\"'][wax]")
SUBMISSION = re.compile(r"(?:^|[/_.-])(?:sample_?)?submissions?(?:[/_.-]|$)", re.IGNORECASE)
OUTPUT = re.compile(r"(?:^|[/_.-])(?:preds?|predictions?|predicted|outputs?|results?|forecasts?|scored)(?:[/_.-]|$)", re.IGNORECASE)


@dataclass(slots=True)
class DataUse:
    """A data file's use (training | submission | output | one-column list) and why."""

    path: str
    use: str
    reason: str

    @property
    def training(self) -> bool:
        return self.use == TRAINING


def _mentions(literals: set[str], path: str) -> bool:
    name = posixpath.basename(path)
    for lit in literals:
        norm = posixpath.normpath(lit.replace("\\", "/")).lstrip("./")
        if norm == path or path.endswith("/" + norm) or posixpath.basename(norm) == name:
            return True
    return False


def _literals(ctx: CheckContext) -> tuple[set[str], set[str]]:
    """(paths read, paths written) as literals in the tree's scripts and notebooks (cached per context)."""
    cached = ctx._facts.get("_data_io")
    if cached is None:
        reads: set[str] = set()
        writes: set[str] = set()
        for src in python_sources(ctx.tree):
            if src.error:
                continue
            reads.update(m.group(1) for m in READS.finditer(src.text))
            writes.update(next(g for g in m.groups() if g) for m in WRITES.finditer(src.text))
        cached = ctx._facts["_data_io"] = (reads, writes)
    return cached


def data_use(ctx: CheckContext, version: dq.DataVersion) -> DataUse:
    """The use of one data version: read by code -> training; else submission / output by name or by being
    written; a single-column file is a list, not a training set."""
    reads, writes = _literals(ctx)
    path = version.path
    read = _mentions(reads, path)
    if SUBMISSION.search(path):
        return DataUse(path, "submission", "a submission file or template (named so), not training data")
    if not read and _mentions(writes, path):
        return DataUse(path, "output", "written by the project's code and read by none of it: an output, not training data")
    if not read and OUTPUT.search(path):
        return DataUse(path, "output", "named as predictions or results and read by no code: an output, not training data")
    prof = dq.profile(ctx.store, version.key)
    if prof is not None and not prof.error and len(prof.columns) == 1:
        return DataUse(path, "list", "a single column (a label or id list), not a training table")
    return DataUse(path, TRAINING, "read by the code" if read else "a data table")


def training_versions(ctx: CheckContext, versions: list[dq.DataVersion]) -> tuple[list[dq.DataVersion], list[DataUse]]:
    """(versions that are training data, the uses of those left out)."""
    kept: list[dq.DataVersion] = []
    left: list[DataUse] = []
    for v in versions:
        use = data_use(ctx, v)
        if use.training:
            kept.append(v)
        else:
            left.append(use)
    return kept, left
