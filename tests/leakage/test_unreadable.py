"""Files the analysis cannot read are reported with the reason; everything else is still analysed."""

from __future__ import annotations

import json

import pytest

from mlaudit.scanners.leakage import analyze_file

PY2 = b'print "hello"\ndef f(:\n'  # Python 2, and broken beyond what the tolerant parse path repairs
LEAK = b"from sklearn.preprocessing import StandardScaler\nfrom sklearn.model_selection import train_test_split\n" \
       b"X = StandardScaler().fit_transform(X)\na, b = train_test_split(X)\n"


def nb(*sources: str) -> bytes:
    cells = [{"cell_type": "code", "source": s, "metadata": {}, "outputs": []} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("bad.py", b"def f(:\n  pass\n", "syntax error at line 1"),
    ("old.py", PY2, "Python 2 syntax"),
    ("nul.py", b"x = 1\x00\n", "null bytes"),
    ("broken.ipynb", b'{"cells": [', "malformed notebook (not valid JSON"),
    ("list.ipynb", b"[1, 2]", "top level is not an object"),
    ("nul.ipynb", b'{"cells": []}\x00', "null bytes"),
    ("r.ipynb", json.dumps({"cells": [], "metadata": {"kernelspec": {"language": "R"}}}).encode(), "language is R"),
    ("allbad.ipynb", nb("def (", "print 'x' ("), "no code cell could be parsed"),
])
def test_unreadable_sources_give_the_reason(name: str, data: bytes, reason: str) -> None:
    """Syntax errors, Python 2, null bytes, malformed notebooks: unreadable with a reason, no crash."""
    r = analyze_file(name, data)
    assert r.unreadable is not None and reason in r.unreadable
    assert r.findings == []


def test_bad_cell_is_reported_and_the_rest_analysed() -> None:
    """One broken cell is listed; the other cells are still analysed in order."""
    r = analyze_file("mixed.ipynb", nb("import numpy as np", "def broken(:", LEAK.decode()))
    assert r.unreadable is None
    assert r.cell_errors and r.cell_errors[0].startswith("cell 1: syntax error")
    assert [f.check_id for f in r.findings] == ["LEAK-CODE-PREPROCESS"]


def test_deeply_nested_code_is_unreadable_not_a_crash() -> None:
    """Pathological nesting ends as an unreadable reason."""
    r = analyze_file("deep.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
    assert r.unreadable is not None


def test_huge_notebook_is_recorded_not_read(make_repo, tmp_path) -> None:
    """A notebook over leakage.max_source_bytes is listed as unreadable with its size; other files are analysed."""
    from mlaudit.audit.leakage import leakage
    from mlaudit.core.config import AuditConfig

    repo = make_repo()
    big = nb("x = 1", "# " + "y" * 5000)
    repo.commit("files", {"big.ipynb": big.decode(), "leak.py": LEAK.decode()})
    rep = leakage(repo.root, tmp_path / "s.sqlite", config=AuditConfig(thresholds={"leakage.max_source_bytes": 2000}))
    reasons = {u["path"]: u["reason"] for u in rep.unreadable}
    assert f"{len(big)} bytes, over the 2000-byte limit" in reasons["big.ipynb"]
    assert [f.path for f in rep.findings if f.check_id == "LEAK-CODE-PREPROCESS"] == ["leak.py"]


def test_time_budget_turns_a_slow_file_into_unreadable() -> None:
    """A file that exceeds its analysis time budget is reported, not analysed forever."""
    body = "\n".join(f"v{i} = f(v{i - 1})" for i in range(1, 3000))
    r = analyze_file("slow.py", f"def f(x):\n    return x\nv0 = 1\n{body}\n".encode(), seconds=0.0)
    assert r.unreadable is not None and "time budget" in r.unreadable
