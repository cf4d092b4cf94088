"""The static analysis on the labelled corpus: every file's findings match its label; recall and FP rate."""

from __future__ import annotations

import pytest

from mlaudit.scanners.leakage import analyze_file, link_files
from tests.leakage.corpus_eval import CORPUS, expected, groups, score_corpus

GROUPS = groups()


def test_corpus_is_large_and_covers_every_code_check() -> None:
    """At least 60 labelled files, every code leak kind several times, and negative controls."""
    files = [p for g in GROUPS for p in g]
    labels = [expected(p) for p in files]
    assert len(files) >= 60
    for check in ("LEAK-CODE-PREPROCESS", "LEAK-CODE-OVERSAMPLE", "LEAK-CODE-MULTITEST", "LEAK-CODE-TEST-STATS"):
        assert sum(check in lab for lab in labels) >= 5, check
    assert sum(not lab for lab in labels) >= 25
    assert sum(p.suffix == ".ipynb" for p in files) >= 8


@pytest.mark.parametrize("group", GROUPS, ids=[str(g[0].relative_to(CORPUS)).split("/")[0] for g in GROUPS])
def test_corpus_file_findings_match_label(group) -> None:
    """Each file (or linked project folder) reports exactly the checks it is labelled with."""
    results = [analyze_file(str(p.relative_to(CORPUS)), p.read_bytes()) for p in group]
    cross = link_files(results)
    for p, r in zip(group, results, strict=True):
        assert r.unreadable is None, r.unreadable
        got = {f.check_id for f in r.findings} | {f.check_id for f in cross if f.site.path == r.path}
        assert got == expected(p), [f.message for f in r.findings]


def test_corpus_recall_and_false_positive_rate(capsys) -> None:
    """Recall and false-positive rate over the corpus are printed and meet the bar."""
    score = score_corpus()
    with capsys.disabled():
        print(f"\nleakage corpus: recall {score.recall:.3f} ({score.found}/{score.expected}), "
              f"false-positive rate {score.fp_rate:.3f} ({score.false_alarm_files}/{score.negatives} negative files)")
    assert score.recall >= 0.95 and score.fp_rate <= 0.05
