"""Each recipe builds a real, deterministic git repo with what its description promises."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from mlaudit.sample_projects.registry import RECIPES, build_sample

from mlaudit.core.errors import MlauditError

NAMES = sorted(RECIPES)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("name", NAMES)
def test_recipe_is_deterministic(name: str, sample_repo, tmp_path: Path) -> None:
    """Building a recipe twice gives the same HEAD commit and a clean working tree."""
    first = sample_repo(name)
    second = build_sample(name, tmp_path / name)
    assert git(first, "rev-parse", "HEAD") == git(second, "rev-parse", "HEAD")
    assert git(second, "status", "--porcelain") == ""


@pytest.mark.parametrize("name", NAMES)
def test_recipe_declares_itself(name: str) -> None:
    """Every recipe names itself, describes itself and plants statuses from the allowed set."""
    recipe = RECIPES[name]
    assert name == recipe.NAME and len(recipe.DESCRIPTION) > 40
    allowed = {"pass", "warn", "fail", "unknown", "not applicable"}
    assert recipe.PLANTED and set(recipe.PLANTED.values()) <= allowed


def test_unknown_or_occupied_destination_is_a_user_error(sample_repo, tmp_path: Path) -> None:
    """An unknown recipe name or a non-empty destination is refused with a clear error."""
    with pytest.raises(MlauditError, match="no sample project"):
        build_sample("nope", tmp_path / "x")
    with pytest.raises(MlauditError, match="not empty"):
        build_sample("small_service", sample_repo("small_service"))


def test_prototype_history_holds_the_unsafe_pickle_and_the_big_binary(sample_repo) -> None:
    """The unsafe pickle and the 12 MB binary exist only in history; a benign model is at HEAD."""
    root = sample_repo("notebook_prototype")
    added = git(root, "log", "--diff-filter=A", "--name-only", "--format=")
    deleted = git(root, "log", "--diff-filter=D", "--name-only", "--format=")
    assert {"models/helper.pkl", "data/features.npy"} <= set(added.split()) & set(deleted.split())
    removed_pickle = git(root, "log", "--diff-filter=D", "--format=%H", "--", "models/helper.pkl")
    raw = subprocess.run(["git", "show", f"{removed_pickle}~1:models/helper.pkl"], cwd=root, capture_output=True,
                         check=True).stdout
    assert raw.startswith(b"\x80\x02cos\nsystem\n")
    assert (root / "models/model.pkl").read_bytes().startswith(b"\x80\x04")
    removed_binary = git(root, "log", "--diff-filter=D", "--format=%H", "--", "data/features.npy")
    size = int(git(root, "cat-file", "-s", f"{removed_binary}~1:data/features.npy"))
    assert size >= 12 * 1024 * 1024


def test_prototype_data_carries_the_planted_leaks(sample_repo) -> None:
    """10% of test rows copy training rows, customers are shared, and test dates precede the last train date."""
    import pandas as pd

    root = sample_repo("notebook_prototype")
    train, test = pd.read_csv(root / "data/train.csv"), pd.read_csv(root / "data/test.csv")
    copies = test.merge(train.drop_duplicates(), how="inner")
    assert len(copies) == round(0.10 * len(test))
    assert set(train["customer_id"]) & set(test["customer_id"])
    assert (test["snapshot_date"] < train["snapshot_date"].max()).mean() > 0.9
    assert (train["refund_issued"] == train["churned"]).all()


def test_small_service_has_two_tagged_model_versions(sample_repo) -> None:
    """v1.0 and v1.1 each carry a model and metrics; params changed between them; the data changed too."""
    root = sample_repo("small_service")
    assert git(root, "tag").split() == ["v1.0", "v1.1"]
    changed = git(root, "diff", "--name-only", "v1.0", "v1.1").split()
    assert {"models/model.joblib", "metrics.json", "params.yaml", "data/train.csv"} <= set(changed)
    assert "n_estimators: 30" in git(root, "show", "v1.0:params.yaml")
    assert "n_estimators: 60" in git(root, "show", "v1.1:params.yaml")


def test_at_scale_tracks_data_by_hash_only_and_registers_models(sample_repo) -> None:
    """raw.csv is a DVC pointer with no cache; mlflow.db and mlruns/ both hold three registered versions."""
    import sqlite3

    root = sample_repo("at_scale")
    assert "md5:" in (root / "data/raw.csv.dvc").read_text()
    assert not (root / "data/raw.csv").exists() and not (root / ".dvc/cache").exists()
    con = sqlite3.connect(f"file:{root / 'mlflow.db'}?mode=ro", uri=True)
    try:
        versions = con.execute("SELECT version, run_id FROM model_versions ORDER BY version").fetchall()
        alias = con.execute("SELECT alias, version FROM registered_model_aliases").fetchall()
        commits = {v for (v,) in con.execute("SELECT value FROM tags WHERE key = 'mlflow.source.git.commit'")}
    finally:
        con.close()
    assert [v for v, _ in versions] == [1, 2, 3] and alias == [("champion", 3)]
    assert all(git(root, "cat-file", "-t", sha) == "commit" for sha in commits)
    for _, run_id in versions:
        assert (root / "mlruns/1" / run_id / "tags/mlflow.source.git.commit").read_text() in commits
    assert git(root, "tag").split() == ["v1.0", "v1.1", "v1.2"]
