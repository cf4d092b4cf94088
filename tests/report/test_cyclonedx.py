"""CycloneDX 1.6 ML-BOM: every sample project validates; models, data, deps and the lineage graph are real."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from mlaudit.sample_projects.registry import RECIPES

from mlaudit.audit import audit
from mlaudit.cli import cli
from mlaudit.core.config import AuditConfig
from mlaudit.report import build_report, render

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def _bom(root: Path, tmp_path: Path) -> dict:
    db = tmp_path / "audit.sqlite"
    audit(root, db, config=AuditConfig())
    text = render(build_report(db, root, config=AuditConfig()), "cyclonedx").decode()
    error = VALIDATOR.validate_str(text)
    assert error is None, str(error)
    return json.loads(text)


def _by_type(bom: dict, kind: str) -> list[dict]:
    return [c for c in bom["components"] if c["type"] == kind]


def _props(component: dict) -> dict[str, str]:
    return {p["name"]: p["value"] for p in component.get("properties", [])}


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_sample_bom_validates(name: str, sample_repo, tmp_path: Path) -> None:
    """Each sample's ML-BOM passes the CycloneDX 1.6 strict schema; every dependsOn names a component."""
    bom = _bom(sample_repo(name), tmp_path)
    assert bom["specVersion"] == "1.6"
    refs = {c["bom-ref"] for c in bom["components"]} | {bom["metadata"]["component"]["bom-ref"]}
    for dep in bom["dependencies"]:
        assert dep["ref"] in refs and set(dep.get("dependsOn", [])) <= refs
    assert _by_type(bom, "machine-learning-model") and _by_type(bom, "data")


def test_validator_rejects_a_broken_bom(sample_repo, tmp_path: Path) -> None:
    """The schema check can fail: a model card with an unknown field is rejected."""
    bom = _bom(sample_repo("small_service"), tmp_path)
    model = _by_type(bom, "machine-learning-model")[0]
    model["modelCard"] = {"hyperparameters": {"C": 1}}
    assert VALIDATOR.validate_str(json.dumps(bom)) is not None


def test_model_data_deps_and_graph(make_repo, tmp_path: Path) -> None:
    """Model hash = SHA-256 of its bytes; data rows/columns as profiled; pinned deps; model -> data -> commit."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=0.5, max_iter=50).fit([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0])
    blob = pickle.dumps(model, protocol=4)
    csv = "a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(25))
    repo = make_repo()
    sha = repo.commit("train", {"train.py": "import pandas\n", "data/train.csv": csv, "models/model.pkl": blob,
                                "requirements.txt": "pandas==2.2.0\nscikit-learn>=1.3\n"})
    repo.git("remote", "add", "origin", "https://bot:token@example.com/team/churn.git")
    bom = _bom(repo.root, tmp_path)
    assert bom["metadata"]["component"]["externalReferences"] == [{"type": "vcs", "url": "https://example.com/team/churn.git"}]
    [m] = _by_type(bom, "machine-learning-model")
    assert m["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(blob).hexdigest()}]
    card = m["modelCard"]
    assert "LogisticRegression" in card["modelParameters"]["modelArchitecture"]
    assert _props(card)["mlaudit:hyperparameter:C"] == "0.5"
    [d] = _by_type(bom, "data")
    assert _props(d)["mlaudit:rows"] == "25" and _props(d)["mlaudit:columns"] == "3"
    assert "hashes" not in d and len(_props(d)["mlaudit:git-blob"]) == 40  # a git blob id is not a content hash
    assert card["modelParameters"]["datasets"] == [{"ref": d["bom-ref"]}]
    libs = {c["name"]: c for c in _by_type(bom, "library")}
    assert libs["pandas"]["version"] == "2.2.0" and libs["pandas"]["purl"] == "pkg:pypi/pandas@2.2.0"
    assert "version" not in libs["scikit-learn"] and _props(libs["scikit-learn"])["mlaudit:pin"] == "ranged"
    deps = {x["ref"]: set(x.get("dependsOn", [])) for x in bom["dependencies"]}
    assert deps[m["bom-ref"]] == {d["bom-ref"], f"commit:{sha}"}
    assert deps[d["bom-ref"]] == {f"commit:{sha}"}
    assert {f"pypi:{n}" for n in libs} <= deps[f"commit:{sha}"]


def test_cdx_suffix_infers_cyclonedx(make_repo, tmp_path: Path) -> None:
    """``-o x.cdx.json`` writes the ML-BOM, not the JSON report."""
    repo = make_repo()
    repo.commit("c", {"train.py": "print(1)\n", "data/a.csv": "a\n1\n"})
    out = tmp_path / "ml-bom.cdx.json"
    res = CliRunner().invoke(cli, ["report", str(repo.root), "--db", str(tmp_path / "s.sqlite"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["bomFormat"] == "CycloneDX"
