"""Repo config ([tool.mlaudit] / .mlaudit.toml): select/ignore, waivers, inline waivers, validation, precedence."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlaudit.checks import all_checks
from mlaudit.cli import cli
from mlaudit.core.config import THRESHOLDS, AuditConfig, save_config
from mlaudit.core.project_config import ProjectConfigError, load_project_config, merge_config

LEAKY = ("import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n"
         "from sklearn.model_selection import train_test_split\n"
         "from sklearn.linear_model import LogisticRegression\n\n"
         "df = pd.read_csv('data/train.csv')\n"
         "{comment}X = StandardScaler().fit_transform(df[['x']])\n"
         "X_train, X_test, y_train, y_test = train_test_split(X, df['y'], test_size=0.2, random_state=0)\n"
         "LogisticRegression().fit(X_train, y_train).score(X_test, y_test)\n")
CSV = "x,y\n" + "".join(f"{i % 7},{i % 2}\n" for i in range(30))
PYPROJECT = '[project]\nname = "leaky"\nversion = "1.0"\ndependencies = ["pandas==2.2.0"]\n\n'
ONLY_LEAKS = '[tool.mlaudit]\nselect = ["LEAK-*"]  # the gate then hinges on the planted leak alone\n\n'


def _repo(make_repo, config: str = "", comment: str = "", name: str = "repo"):
    """A repo whose train.py fits a scaler before the split (a high-severity LEAK-CODE-PREPROCESS finding)."""
    repo = make_repo(name)
    repo.commit("leaky", {"train.py": LEAKY.format(comment=comment), "data/train.csv": CSV,
                          "pyproject.toml": PYPROJECT + config})
    return repo


def _report(repo, tmp_path: Path, *extra: str):
    out = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.json"
    res = CliRunner().invoke(cli, ["report", str(repo.root), "--db", str(tmp_path / "s.sqlite"), "-o", str(out), *extra])
    data = json.loads(out.read_text()) if out.exists() else None
    return res, data


def _check(data: dict, check_id: str) -> dict:
    return next(c for c in data["checks"] if c["id"] == check_id)


def _load(text: str, name: str = "pyproject.toml"):
    texts = {"pyproject.toml": None, ".mlaudit.toml": None, name: text}
    return load_project_config(Path("."), list(all_checks()), THRESHOLDS, texts=texts)


def test_unwaived_leak_fails_the_high_gate(make_repo, tmp_path: Path) -> None:
    """The baseline: without a waiver the leak fails --fail-on high (exit 1)."""
    res, data = _report(_repo(make_repo, ONLY_LEAKS), tmp_path, "--fail-on", "high")
    assert res.exit_code == 1, res.output
    assert _check(data, "LEAK-CODE-PREPROCESS")["status"] == "fail" and _check(data, "LEAK-CODE-PREPROCESS")["waiver"] is None


def test_select_and_ignore(make_repo, tmp_path: Path) -> None:
    """Checks left out by select/ignore are "not applicable" with the reason, never pass; the rest are judged."""
    config = '[tool.mlaudit]\nselect = ["LEAK-*", "REPRO-*"]\nignore = ["REPRO-SEEDS"]\n'
    res, data = _report(_repo(make_repo, config), tmp_path)
    assert res.exit_code == 0, res.output
    seeds, serving = _check(data, "REPRO-SEEDS"), _check(data, "INFRA-SERVING")
    assert seeds["status"] == "not applicable" and "`ignore` in pyproject.toml" in seeds["message"]
    assert serving["status"] == "not applicable" and "`select`" in serving["message"]
    assert _check(data, "LEAK-CODE-PREPROCESS")["status"] == "fail"
    assert data["provenance"]["config_file"] == "pyproject.toml"


def test_waiver_without_expiry_passes_the_gate(make_repo, tmp_path: Path) -> None:
    """A waived finding stays in the report, marked with its reason, and no longer fails the gate."""
    config = ('[[tool.mlaudit.waivers]]\ncheck = "LEAK-CODE-PREPROCESS"\npath = "*.py"\n'
              'reason = "toy data, the scaler is refitted in the pipeline"\n')
    repo = _repo(make_repo, ONLY_LEAKS + config)
    res, data = _report(repo, tmp_path, "--fail-on", "high")
    leak = _check(data, "LEAK-CODE-PREPROCESS")
    assert leak["status"] == "fail" and leak["waiver"]["waived"] is True
    assert leak["waiver"]["reasons"] == ["toy data, the scaler is refitted in the pipeline"]
    assert res.exit_code == 0, res.output
    assert "1 waived: LEAK-CODE-PREPROCESS" in res.stderr
    sarif = CliRunner().invoke(cli, ["report", str(repo.root), "--db", str(tmp_path / "s.sqlite"), "-f", "sarif"])
    leaks = [r for r in json.loads(sarif.stdout)["runs"][0]["results"] if r["ruleId"] == "LEAK-CODE-PREPROCESS"]
    assert leaks and all(r["suppressions"][0]["kind"] == "external" for r in leaks)
    assert subprocess.run(["git", "status", "--porcelain"], check=False, cwd=repo.root, capture_output=True, text=True).stdout == ""


def test_waiver_for_another_path_does_not_apply(make_repo, tmp_path: Path) -> None:
    """A waiver whose glob misses the finding's file waives nothing."""
    config = '[[tool.mlaudit.waivers]]\ncheck = "LEAK-CODE-PREPROCESS"\npath = "notebooks/*"\nreason = "exploration"\n'
    res, data = _report(_repo(make_repo, ONLY_LEAKS + config), tmp_path, "--fail-on", "high")
    assert res.exit_code == 1 and _check(data, "LEAK-CODE-PREPROCESS")["waiver"] is None


@pytest.mark.parametrize(("expires", "code"), [("2020-01-31", 1), ("2999-12-31", 0)])
def test_waiver_with_expiry(make_repo, tmp_path: Path, expires: str, code: int) -> None:
    """A waiver in force passes the gate; once its date is past it waives nothing and fails the gate."""
    config = (f'[[tool.mlaudit.waivers]]\ncheck = "LEAK-CODE-PREPROCESS"\nreason = "accepted until the rewrite"\n'
              f'expires = {expires}\n')
    res, data = _report(_repo(make_repo, ONLY_LEAKS + config), tmp_path, "--fail-on", "high")
    assert res.exit_code == code, res.output
    if code:
        assert "expired" in res.stderr and "pyproject.toml:" in res.stderr
        assert data["waivers"]["expired"][0]["expires"] == expires
        assert _check(data, "LEAK-CODE-PREPROCESS")["waiver"]["waived"] is False


def test_expired_waiver_fails_even_a_stage_gate(make_repo, tmp_path: Path) -> None:
    """An expired waiver fails every gate, so it is renewed or removed rather than forgotten."""
    config = '[[tool.mlaudit.waivers]]\ncheck = "REPRO-SEEDS"\nreason = "r"\nexpires = 2020-01-01\n'
    res, _ = _report(_repo(make_repo, config), tmp_path, "--fail-on", "prototyping")
    assert res.exit_code == 1 and "1 waiver(s) expired" in res.stderr


def test_inline_waiver(make_repo, tmp_path: Path) -> None:
    """``# mlaudit: ignore[CHECK] reason`` above the finding's line waives it (kind inSource in SARIF)."""
    repo = _repo(make_repo, ONLY_LEAKS, comment="# mlaudit: ignore[LEAK-CODE-PREPROCESS] demo script on synthetic data\n")
    res, data = _report(repo, tmp_path, "--fail-on", "high")
    leak = _check(data, "LEAK-CODE-PREPROCESS")
    assert leak["waiver"] and leak["waiver"]["waived"], leak
    assert leak["waiver"]["reasons"] == ["demo script on synthetic data"] and leak["waiver"]["origins"] == ["train.py:7"]
    assert res.exit_code == 0, res.output


def test_inline_waiver_without_reason_is_not_applied(make_repo, tmp_path: Path) -> None:
    """An inline waiver must say why; without a reason it waives nothing and the report says so."""
    res, data = _report(_repo(make_repo, ONLY_LEAKS, comment="# mlaudit: ignore[LEAK-CODE-PREPROCESS]\n"), tmp_path, "--fail-on", "high")
    assert res.exit_code == 1
    assert any("has no reason" in p for p in data["waivers"]["problems"])


@pytest.mark.parametrize(("text", "where", "what"), [
    ('[tool.mlaudit]\nselect = ["REPRO-SEEDS"]\nfail_fast = true\n', "pyproject.toml:3", "unknown key 'fail_fast'"),
    ('[tool.mlaudit]\n\n[tool.mlaudit.thresholds]\n"repro.pinned_share" = "high"\n', "pyproject.toml:4", "non-negative number"),
    ('[tool.mlaudit.thresholds]\n"repro.pined_share" = 0.5\n', "pyproject.toml:2", "unknown threshold 'repro.pined_share'"),
    ('[tool.mlaudit]\nignore = ["REPRO-SEED"]\n', "pyproject.toml:2", "matches no check"),
    ('[tool.mlaudit]\nx = 1\n\n[[tool.mlaudit.waivers]]\ncheck = "REPRO-SEEDS"\n', "pyproject.toml:2", "unknown key 'x'"),
    ('[[tool.mlaudit.waivers]]\ncheck = "REPRO-SEEDS"\nreason = "ok"\n\n[[tool.mlaudit.waivers]]\ncheck = "REPRO-SEEDS"\n',
     "pyproject.toml:5", "waiver 2: `reason` is required"),
    ('[[tool.mlaudit.waivers]]\ncheck = "REPRO-SEEDS"\nreason = "ok"\nexpires = "next year"\n', "pyproject.toml:1", "must be a date"),
    ('[[tool.mlaudit.path-rules]]\nglob = "etl/*.py"\nrole = "pipeline"\n', "pyproject.toml:1", "is not one of"),
    ('[tool.mlaudit\nselect = []\n', "pyproject.toml", "not valid TOML"),
])
def test_invalid_config_names_file_and_line(text: str, where: str, what: str) -> None:
    """Every invalid key or value is an error naming the file and the line, never ignored."""
    with pytest.raises(ProjectConfigError) as err:
        _load(text)
    assert where in str(err.value) and what in str(err.value), str(err.value)


def test_broken_pyproject_without_mlaudit_config_is_not_a_config_error() -> None:
    """A pyproject.toml that is not valid TOML but holds no mlaudit config does not stop the audit."""
    assert _load('[project\nname = "x"\n').source is None
    with pytest.raises(ProjectConfigError, match="not valid TOML"):
        _load('[project\nname = "x"\n[tool.mlaudit]\nignore = []\n')


def test_invalid_config_exits_2_before_scanning(make_repo, tmp_path: Path) -> None:
    """The CLI prints the error with file and line and exits 2, writing no report."""
    res, data = _report(_repo(make_repo, '[tool.mlaudit]\nthreshold = 1\n'), tmp_path)
    assert res.exit_code == 2 and data is None
    assert "pyproject.toml:7: unknown key 'threshold'" in res.stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_mlaudit_toml_and_both(make_repo, tmp_path: Path) -> None:
    """.mlaudit.toml works on its own (top-level keys); configuring in both files is an error."""
    cfg = _load('ignore = ["REPRO-SEEDS"]\n', ".mlaudit.toml")
    assert cfg.source == ".mlaudit.toml" and not cfg.selected("REPRO-SEEDS") and cfg.selected("REPRO-VCS")
    both = {"pyproject.toml": '[tool.mlaudit]\nignore = []\n', ".mlaudit.toml": 'ignore = []\n'}
    with pytest.raises(ProjectConfigError, match="keep one"):
        load_project_config(Path("."), list(all_checks()), THRESHOLDS, texts=both)


def test_precedence_and_provenance(make_repo, tmp_path: Path) -> None:
    """Thresholds: default < user settings < repo config; the provenance names each value's source."""
    save_config(AuditConfig(thresholds={"repro.pinned_share": 0.5, "limits.file_seconds": 12.0}))
    config = '[tool.mlaudit.thresholds]\n"repro.pinned_share" = 0.75\n'
    res, data = _report(_repo(make_repo, config), tmp_path)
    assert res.exit_code == 0, res.output
    prov = data["provenance"]
    assert prov["thresholds"]["repro.pinned_share"] == 0.75 and prov["threshold_sources"]["repro.pinned_share"] == "pyproject.toml:7"
    assert prov["thresholds"]["limits.file_seconds"] == 12.0 and prov["threshold_sources"]["limits.file_seconds"] == "user settings"
    assert prov["threshold_sources"]["repro.binary_bytes"] == "default"
    assert _check(data, "REPRO-DEPS-PINNED")["threshold"] == 0.75


def test_merge_orders_path_rules() -> None:
    """Repo path rules are tried before the user's."""
    project = _load('[[tool.mlaudit.path-rules]]\nglob = "etl/*.py"\nrole = "code"\n')
    merged = merge_config(AuditConfig(path_rules=[("etl/*", "data")]), project)
    assert merged.config.path_rules == [("etl/*.py", "code"), ("etl/*", "data")]


def test_audit_api_applies_repo_thresholds(make_repo, tmp_path: Path) -> None:
    """audit() itself (the app's path, no CLI) judges with the repo's thresholds, matching the report's provenance."""
    from mlaudit.audit import audit
    from mlaudit.report import build_report

    repo = _repo(make_repo, '[tool.mlaudit.thresholds]\n"repro.pinned_share" = 0.25\n')
    db = tmp_path / "s.sqlite"
    result = audit(repo.root, db, config=AuditConfig())
    pinned = next(r for r in result.results if r.check_id == "REPRO-DEPS-PINNED")
    assert pinned.threshold == 0.25
    report = build_report(db, repo.root, config=AuditConfig())
    assert report.provenance.thresholds["repro.pinned_share"] == 0.25


NOTEBOOK_CELLS = [
    "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.model_selection import train_test_split",
    "df = pd.read_csv('data/train.csv')",
    ("{comment}X = StandardScaler().fit_transform(df[['x']])\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, df['y'], test_size=0.2, random_state=0)"),
]


def _notebook(comment: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": src.format(comment=comment)} for src in NOTEBOOK_CELLS]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize(("comment", "waived"), [("# mlaudit: ignore[LEAK-CODE-PREPROCESS] scratch notebook\n", True),
                                                  ("", False)])
def test_inline_waiver_in_a_notebook_cell(make_repo, tmp_path: Path, comment: str, waived: bool) -> None:
    """An inline waiver in a notebook cell waives the finding in that cell (lines count within the cell)."""
    repo = make_repo()
    repo.commit("nb", {"explore.ipynb": _notebook(comment), "data/train.csv": CSV,
                       "pyproject.toml": PYPROJECT + ONLY_LEAKS})
    res, data = _report(repo, tmp_path, "--fail-on", "high")
    leak = _check(data, "LEAK-CODE-PREPROCESS")
    assert leak["status"] == "fail" and any(e.get("cell") == 2 for e in leak["evidence"]), leak
    assert bool(leak["waiver"] and leak["waiver"]["waived"]) is waived
    assert res.exit_code == (0 if waived else 1), res.output


def test_html_and_markdown_mark_the_waiver(make_repo, tmp_path: Path) -> None:
    """The HTML and Markdown reports show the waived finding with its reason and the threshold sources."""
    config = ONLY_LEAKS + ('[tool.mlaudit.thresholds]\n"repro.pinned_share" = 0.7\n\n[[tool.mlaudit.waivers]]\n'
                           'check = "LEAK-CODE-PREPROCESS"\nreason = "toy data"\n')
    repo = _repo(make_repo, config)
    db = str(tmp_path / "s.sqlite")
    html = CliRunner().invoke(cli, ["report", str(repo.root), "--db", db, "-f", "html"]).stdout
    md = CliRunner().invoke(cli, ["report", str(repo.root), "--db", db, "-f", "md"]).stdout
    assert ">waived</span> <span class=\"muted\">toy data (pyproject.toml:12)" in html
    assert "<td>pyproject.toml:10</td>" in html
    assert "(waived: toy data)" in md and "`repro.pinned_share=0.7` (pyproject.toml:10)" in md
