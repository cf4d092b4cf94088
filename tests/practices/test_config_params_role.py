"""A Hydra-style ``config/`` folder of YAML files holds params (lineage counts them); a config/ module stays code."""

from __future__ import annotations

import pickle

from mlaudit.core.roles import classify_by_rules


def test_config_folder_yaml_is_params() -> None:
    """config/main.yaml and nested config YAML are params; config/settings.py is code."""
    assert classify_by_rules("config/main.yaml")[0] == "params"
    assert classify_by_rules("config/process/process_1.yml")[0] == "params"
    assert classify_by_rules("config/settings.py")[0] == "code"


def test_model_with_hydra_config_is_traceable(make_repo, tmp_path) -> None:
    """A committed model whose commit holds data and a config/ YAML read by hydra is traceable (REPRO-LINEAGE pass)."""
    from mlaudit.audit.run import audit

    train = ("import hydra\nimport pandas as pd\n\n\n@hydra.main(config_path='../config', config_name='main')\n"
             "def run(cfg):\n    df = pd.read_csv('data/raw.csv')\n    model.fit(df[['a']], df['b'])\n")
    repo = make_repo("hydra")
    repo.commit("train", {"config/main.yaml": "pca:\n  n_components: 3\nk: 5\n", "data/raw.csv": "a,b\n1,0\n2,1\n3,0\n",
                          "src/segment.py": train, "model/cluster.pkl": pickle.dumps({"centers": [[0.0], [1.0]]}, protocol=4)})
    [r] = [r for r in audit(repo.root, tmp_path / "s.sqlite").results if r.check_id == "REPRO-LINEAGE"]
    assert str(r.status) == "pass", [e.detail for e in r.evidence]
