"""Score the static analysis against the labelled corpus: recall and false-positive rate."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlaudit.scanners.leakage import analyze_file, link_files

CORPUS = Path(__file__).parent / "corpus"


def expected(path: Path) -> set[str]:
    """The check ids a corpus file is labelled with (``# expect:`` line, or notebook metadata)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return set(json.loads(text)["metadata"]["mlaudit_expect"])
    m = re.search(r"^# expect: (.*)$", text, re.M)
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

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def fp_rate(self) -> float:
        return self.false_alarm_files / self.negatives if self.negatives else 0.0


def groups() -> list[list[Path]]:
    """Top-level files stand alone; each sub-folder is one project whose scripts are linked."""
    out: list[list[Path]] = [[p] for p in sorted(CORPUS.glob("*")) if p.is_file()]
    out += [sorted(d.glob("*")) for d in sorted(CORPUS.iterdir()) if d.is_dir()]
    return out


def score_corpus() -> Score:
    s = Score()
    for group in groups():
        results = [analyze_file(str(p.relative_to(CORPUS)), p.read_bytes()) for p in group]
        cross = link_files(results)
        for p, r in zip(group, results):
            got = {f.check_id for f in r.findings} | {f.check_id for f in cross if f.site.path == r.path}
            want = expected(p)
            s.expected += len(want)
            s.found += len(want & got)
            s.misses += [f"{r.path}: {c}" for c in sorted(want - got)]
            extra = got - want
            s.extra += len(extra)
            if not want:
                s.negatives += 1
                s.false_alarm_files += bool(extra)
            if extra:
                s.false_alarms += [f"{r.path}: {c}" for c in sorted(extra)]
    return s


if __name__ == "__main__":
    sc = score_corpus()
    print(f"files labelled: {sum(len(g) for g in groups())}; expected findings {sc.expected}, found {sc.found}")
    print(f"recall {sc.recall:.3f}; negative files {sc.negatives}, with a false alarm {sc.false_alarm_files} "
          f"(FP rate {sc.fp_rate:.3f}); unexpected findings overall {sc.extra}")
    for m in sc.misses:
        print("MISS", m)
    for f in sc.false_alarms:
        print("FALSE", f)
