"""``--fail-on inconclusive``: fails when a model file or a file a check needed could not be fully analysed."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from click.testing import CliRunner

from mlaudit.cli import cli
from mlaudit.report.gate import check_gate
from tests.report.helpers import make_report

TRAIN = "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n"


def _run(root: Path, tmp_path: Path):
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["report", str(root), "--db", str(tmp_path / "s.sqlite"), "-o", str(out),
                                   "--fail-on", "inconclusive"])
    return res, json.loads(out.read_text())


def test_truncated_model_fails_inconclusive(make_repo, tmp_path: Path) -> None:
    """A pickle cut short cannot be fully analysed: the gate fails and names the file and its verdict."""
    whole = pickle.dumps({"weights": list(range(50))}, protocol=4)
    repo = make_repo()
    repo.commit("model", {"train.py": TRAIN, "data/train.csv": "a,b\n1,2\n", "models/model.pkl": whole[: len(whole) // 2]})
    res, data = _run(repo.root, tmp_path)
    assert res.exit_code == 1, res.output
    assert "models/model.pkl" in res.stderr and "not fully analysed" in res.stderr
    assert any(line.startswith("model models/model.pkl: verdict ") for line in data["inconclusive"])


def test_fully_analysed_repo_passes_inconclusive(make_repo, tmp_path: Path) -> None:
    """A repo whose model and data were all read passes the inconclusive gate."""
    repo = make_repo()
    repo.commit("model", {"train.py": TRAIN, "data/train.csv": "a,b\n1,2\n",
                          "models/model.pkl": pickle.dumps({"weights": [1.0, 2.0]}, protocol=4)})
    res, data = _run(repo.root, tmp_path)
    assert res.exit_code == 0, (res.output, data["inconclusive"])
    assert data["inconclusive"] == [] and "fully analysed" in res.stderr


def test_inconclusive_gate_rule() -> None:
    """The rule on a constructed report: any inconclusive entry fails, none passes."""
    report = make_report([])
    assert check_gate(report, "inconclusive").failed is False
    report.inconclusive = ["model m.pkl: verdict unknown-globals"]
    gate = check_gate(report, "inconclusive")
    assert gate.failed and "m.pkl" in gate.reason


def test_unreadable_data_stays_inconclusive_on_a_rescan(make_repo, tmp_path: Path) -> None:
    """A corrupt data file still fails the gate on the next (incremental) run, which does not re-read it."""
    repo = make_repo()
    repo.commit("data", {"train.py": TRAIN, "data/train.parquet": b"PAR1 this is not really parquet PAR1"})
    first, _data1 = _run(repo.root, tmp_path)
    second, data2 = _run(repo.root, tmp_path)
    assert first.exit_code == 1 and second.exit_code == 1, (first.output, second.output)
    assert any("data/train.parquet" in line for line in data2["inconclusive"]), data2["inconclusive"]
