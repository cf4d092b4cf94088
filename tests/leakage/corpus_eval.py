"""Score the static analysis against the labelled corpus: recall and false-positive rate."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.scanners.leakage import analyze_file, link_files

CORPUS = Path(__file__).parent / "corpus"
HELDOUT = Path(__file__).parent / "heldout"  # written from the miss families before the analyser was read


def expected(path: Path) -> set[str]:
    """The check ids a corpus file is labelled with (``# expect:`` line, or notebook metadata)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return set(json.loads(text)["metadata"]["mlaudit_expect"])
    m = re.search(r"^# expect: (.*)$", text, re.MULTILINE)
    assert m, f"{path} has no '# expect:' label"
    return set() if m.group(1).strip() == "none" else {x.strip() for x in m.group(1).split(",")}


@dataclass
class Score:
    """Per-file outcome over the corpus."""

    expected: int = 0
    found: int = 0
    negatives: int = 0
    false_alarm_files: int = 0
    extra: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong_lines: list[str] = field(default_factory=list)
    leaky_files: int = 0
    leaky_files_found: int = 0

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.extra) if self.found + self.extra else 1.0

    @property
    def file_recall(self) -> float:
        return self.leaky_files_found / self.leaky_files if self.leaky_files else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def fp_rate(self) -> float:
        return self.false_alarm_files / self.negatives if self.negatives else 0.0


def groups(root: Path = CORPUS) -> list[list[Path]]:
    """Top-level files stand alone; each sub-folder is one project whose scripts are linked."""
    out: list[list[Path]] = [[p] for p in sorted(root.glob("*")) if p.is_file()]
    out += [sorted(d.glob("*")) for d in sorted(root.iterdir()) if d.is_dir() and not d.name.startswith("__")]
    return out


def marked_lines(path: Path) -> set[int]:
    """Lines of a script marked ``# LEAK``: where the finding (its fit or resample site) must point."""
    if path.suffix != ".py":
        return set()
    return {i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.rstrip().endswith("# LEAK")}


def score_corpus(root: Path = CORPUS) -> Score:
    s = Score()
    for group in groups(root):
        results = [analyze_file(str(p.relative_to(root)), p.read_bytes()) for p in group]
        cross = link_files(results)
        for p, r in zip(group, results, strict=True):
            got = {f.check_id for f in r.findings} | {f.check_id for f in cross if f.site.path == r.path}
            want = expected(p)
            s.expected += len(want)
            s.found += len(want & got)
            s.misses += [f"{r.path}: {c}" for c in sorted(want - got)]
            if want:
                s.leaky_files += 1
                s.leaky_files_found += want <= got
            marks = marked_lines(p)
            named = [s for f in r.findings if f.check_id in want for s in (f.site, f.fit, *f.related) if s is not None]
            lines = {s.line for s in named} | {s.via.line for s in named if s.via is not None and s.via.cell is None}
            if marks and want & got and not marks & lines:
                s.wrong_lines += [f"{r.path}: marked {sorted(marks)}, reported {sorted(lines)}"]
            extra = got - want
            s.extra += len(extra)
            if not want:
                s.negatives += 1
                s.false_alarm_files += bool(extra)
            if extra:
                s.false_alarms += [f"{r.path}: {c}" for c in sorted(extra)]
    return s


if __name__ == "__main__":
    import sys

    root = HELDOUT if sys.argv[1:] == ["heldout"] else CORPUS
    sc = score_corpus(root)
    print(f"{root.name}: files labelled: {sum(len(g) for g in groups(root))}; expected findings {sc.expected}, found {sc.found}")
    print(f"recall {sc.recall:.3f}; file recall {sc.file_recall:.3f} ({sc.leaky_files_found}/{sc.leaky_files}); "
          f"precision {sc.precision:.3f}; negative files {sc.negatives}, with a false alarm {sc.false_alarm_files} "
          f"(FP rate {sc.fp_rate:.3f}); unexpected findings overall {sc.extra}")
    for w in sc.wrong_lines:
        print("LINE", w)
    for m in sc.misses:
        print("MISS", m)
    for f in sc.false_alarms:
        print("FALSE", f)
