"""A model tracked by a ``.dvc`` file (``dvc add``) is a declared model version whose content is absent."""

from __future__ import annotations

from mlaudit.scanners.pipeline import pipeline_facts

DOT_DVC = "wdir: ../models\nouts:\n- md5: c2f5c0a1954209865b9be1945f33ed6e\n  size: 17567709\n  path: best.ckpt\n"
DATA_DVC = "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: raw.csv\n"
TRAIN = "import torch\n\n\ndef train(model, loader):\n    for x, y in loader:\n        model(x)\n    torch.save(model, 'models/best.ckpt')\n"


def test_dot_dvc_model_out_is_declared_with_no_pinned_inputs(tree_of) -> None:
    """The .dvc out under ``wdir`` resolves to the repo path; a data out is tracked but is no model."""
    facts = pipeline_facts(tree_of({"app/dvcfiles/model.dvc": DOT_DVC, "data/raw.csv.dvc": DATA_DVC}))
    [model] = facts["dvc"]["models"]
    assert (model["path"], model["stage"], model["md5"], model["deps"]) == (
        "app/models/best.ckpt", ".dvc file", "c2f5c0a1954209865b9be1945f33ed6e", [])
    assert {t["path"] for t in facts["dvc"]["tracked"]} == {"app/models/best.ckpt", "data/raw.csv"}


def test_model_checks_judge_a_dvc_tracked_model(make_repo, tmp_path) -> None:
    """No registry (fail), no lineage or metrics recorded (fail), format and age not confirmable (unknown)."""
    from mlaudit.audit.run import audit

    repo = make_repo("dvcadd")
    repo.commit("track the model", {"app/dvcfiles/model.dvc": DOT_DVC, "app/train.py": TRAIN})
    by_id = {r.check_id: r for r in audit(repo.root, tmp_path / "s.sqlite").results}
    assert str(by_id["MODEL-REGISTRY"].status) == "fail" and "DVC-declared" in by_id["MODEL-REGISTRY"].message
    assert str(by_id["REPRO-LINEAGE"].status) == "fail"
    assert str(by_id["MODEL-METRICS"].status) == "fail"
    assert str(by_id["MON-STALENESS"].status) == "unknown" and "DVC-declared" in by_id["MON-STALENESS"].message
    assert str(by_id["MODEL-PICKLE"].status) == "unknown"
