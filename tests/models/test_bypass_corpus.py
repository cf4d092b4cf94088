"""The team's bypass corpus through scan_model_bytes: no dangerous file called safe, >= 97% dangerous, no benign misflagged."""

from __future__ import annotations

from collections import Counter

import pytest

from mlaudit.scanners.models import scan_model_bytes
from tests.models.bypass_corpus import Sample, build_corpus

# The allow-list, the copyreg extension codes, long-line/LONG4 caps and the joblib desync are the stream core's part
# (pickle_vm / policy), landing on this branch separately. strict: once they pass, the marker must go.


@pytest.fixture(scope="module")
def judged() -> list[tuple[Sample, str, list[str]]]:
    """Every sample with the verdict and reasons mlaudit gives it."""
    out = []
    for sample in build_corpus():
        report = scan_model_bytes(sample.data, sample.name)
        out.append((sample, report.verdict, report.reasons))
    return out


def test_corpus_has_every_family_in_size() -> None:
    """At least 150 dangerous files over the four families and 30 benign ones, each with an expected verdict."""
    samples = build_corpus()
    families = Counter(s.family for s in samples if s.expected == "dangerous")
    assert sum(families.values()) >= 150 and set(families) == {"parser", "allowlist", "published", "container"}
    assert sum(s.expected == "safe" for s in samples) >= 30
    assert all(s.expected in ("dangerous", "inconclusive", "safe") for s in samples)


def test_every_verdict_states_its_reason(judged) -> None:
    """Whatever the verdict, the report says why."""
    assert all(reasons for _, _, reasons in judged)


def test_no_dangerous_file_is_called_safe(judged) -> None:
    """0 dangerous files called safe: a bypass is the one failure a scanner must never have."""
    missed = [(s.name, s.note) for s, verdict, _ in judged if s.expected == "dangerous" and verdict == "safe"]
    assert missed == []


def test_at_least_97_percent_of_dangerous_files_are_dangerous(judged) -> None:
    """>= 97% called dangerous; the rest inconclusive (with the reason)."""
    dangerous = [(s, v, r) for s, v, r in judged if s.expected == "dangerous"]
    caught = sum(v == "dangerous" for _, v, _ in dangerous)
    soft = [(s.name, r[:1]) for s, v, r in dangerous if v == "inconclusive"]
    assert caught >= 0.97 * len(dangerous), soft


def test_no_benign_file_is_misflagged(judged) -> None:
    """Real sklearn / numpy / pandas / joblib / torch-like files are all safe."""
    flagged = [(s.name, v, r[:1]) for s, v, r in judged if s.expected == "safe" and v != "safe"]
    assert flagged == []


def test_containers_family_is_fully_caught(judged) -> None:
    """Torch zips, compressed streams, tar, npy/npz, .mar, polyglots and renamed pickles: every one dangerous."""
    wrong = [(s.name, v, r[:1]) for s, v, r in judged if s.family == "container" and v != "dangerous"]
    assert wrong == []


def test_benign_containers_are_safe(judged) -> None:
    """Benign torch-like zips, a legacy torch file, .mar, .pkl.tar.gz, npy/npz and compressed pickles: all safe."""
    containers = [(s.name, v, r[:1]) for s, v, r in judged if s.expected == "safe"
                  and any(k in s.name for k in ("torch", "mar", "tar", ".npy", ".npz", ".pkl."))]
    assert len(containers) >= 12 and all(v == "safe" for _, v, _ in containers), containers
