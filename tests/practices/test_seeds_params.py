"""Seeds and parameters: a global numpy seed or a seed helper first, **config seen through, metric keywords."""

from __future__ import annotations

import json

import pytest

from mlaudit.scanners.code import code_facts

GLOBAL_FIRST = """\
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
np.random.seed(0)
X_tr, X_te = train_test_split(X)
RandomForestClassifier(n_estimators=100).fit(X_tr, y)
df.sample(frac=0.5)
rng = np.random.default_rng()
"""

SEED_AFTER = """\
from sklearn.ensemble import RandomForestClassifier
import numpy as np
RandomForestClassifier().fit(X, y)
np.random.seed(0)
"""

HELPER = """\
from sklearn.model_selection import KFold
from mypkg import utils
def main():
    utils.set_seeds(42)
    KFold(5, shuffle=True)
def other():
    KFold(5, shuffle=True)
"""

SEED_IN_A_FUNCTION = """\
import numpy as np
from sklearn.cluster import KMeans
def setup():
    np.random.seed(1)
KMeans(3).fit(X)
"""


def facts_of(tree_of, text: str, name: str = "train.py") -> dict:
    return code_facts(tree_of({name: text}))


def test_a_global_numpy_seed_first_covers_calls_using_the_global_generator(tree_of) -> None:
    """np.random.seed before sklearn splits/estimators and DataFrame.sample seeds them; default_rng() stays unseeded."""
    facts = facts_of(tree_of, GLOBAL_FIRST)
    assert [(r["call"], r["line"], r.get("via")) for r in facts["random_state"]] == [
        ("train_test_split", 5, "global numpy seed set before"), ("RandomForestClassifier", 6, "global numpy seed set before"),
        ("DataFrame.sample", 7, "global numpy seed set before")]
    assert [(u["call"], u["line"]) for u in facts["unseeded"]] == [("numpy.random.default_rng", 8)]


def test_a_seed_set_after_the_call_does_not_cover_it(tree_of) -> None:
    """Order matters: the forest fitted before np.random.seed is unseeded."""
    facts = facts_of(tree_of, SEED_AFTER)
    assert [(u["call"], u["line"]) for u in facts["unseeded"]] == [("RandomForestClassifier", 3)]


def test_a_seed_helper_covers_its_own_scope_only(tree_of) -> None:
    """utils.set_seeds() in main() seeds the splitter in main(), not the one in another function."""
    facts = facts_of(tree_of, HELPER)
    assert ("numpy", 4) in [(s["lib"], s["line"]) for s in facts["seeds"]]
    assert [r["line"] for r in facts["random_state"]] == [5]
    assert [u["line"] for u in facts["unseeded"]] == [7]


def test_a_seed_inside_another_function_does_not_cover_module_code(tree_of) -> None:
    """np.random.seed inside setup() (never known to run first) does not seed a module-level KMeans."""
    facts = facts_of(tree_of, SEED_IN_A_FUNCTION)
    assert [u["call"] for u in facts["unseeded"]] == ["KMeans"]


def test_global_seed_order_follows_notebook_cells(tree_of) -> None:
    """In a notebook the seed cell before the forest cell seeds it (cells in order)."""
    nb = {"cells": [{"cell_type": "code", "source": "import numpy as np\nimport sklearn.ensemble as ske"},
                    {"cell_type": "code", "source": "np.random.seed(0)"},
                    {"cell_type": "code", "source": "ske.RandomForestClassifier(n_estimators=100).fit(x, y)"}]}
    facts = code_facts(tree_of({"nb.ipynb": json.dumps(nb)}))
    assert [(r["cell"], r.get("via")) for r in facts["random_state"]] == [(2, "global numpy seed set before")]
    assert facts["unseeded"] == []


@pytest.mark.parametrize("config, seeded", [
    ("config = {'n_estimators': 10, 'random_state': 0}", True),
    ("config = dict(n_estimators=10, seed=1)", True),
    ("config = {'n_estimators': 10}", False),
    ("config = {'n_estimators': 10}\nconfig['random_state'] = 3", True),
])
def test_kwargs_config_is_seeded_only_if_it_sets_random_state(tree_of, config: str, seeded: bool) -> None:
    """Estimator(**config): seeded when the visible dict sets random_state/seed, unseeded when it does not."""
    text = f"from sklearn.ensemble import RandomForestClassifier\n{config}\nRandomForestClassifier(**config)\n"
    facts = facts_of(tree_of, text)
    assert (len(facts["random_state"]), len(facts["unseeded"])) == ((1, 0) if seeded else (0, 1))


def test_kwargs_from_an_unseen_config_are_not_taken_as_seeded(tree_of) -> None:
    """**params loaded at run time cannot be seen: the call is listed as unseeded (with kwargs=True), never as seeded."""
    facts = facts_of(tree_of, "import yaml\nfrom sklearn.svm import SVC\np = yaml.safe_load(open('p.yaml'))\n"
                              "from sklearn.ensemble import RandomForestClassifier\nRandomForestClassifier(**p)\n")
    assert facts["random_state"] == [] and [u.get("kwargs") for u in facts["unseeded"]] == [True]


def test_metric_keywords_are_not_hyperparameters(tree_of) -> None:
    """beta, zero_division and average of sklearn.metrics calls are not hyperparameter literals; C= still is."""
    text = ("from sklearn.metrics import fbeta_score, precision_score\nfrom sklearn.svm import SVC\n"
            "fbeta_score(y, p, beta=0.5, zero_division=0)\nprecision_score(y, p, average='macro', zero_division=1)\n"
            "SVC(C=2.0).fit(X, y)\n")
    facts = facts_of(tree_of, text)
    assert [(h["call"], h["names"]) for h in facts["hyper_literals"]] == [("SVC", ["C"])]


def test_dvc_experiment_refs_count_as_tuning_runs(make_repo, tmp_path) -> None:
    """refs/exps/* (DVC experiments) make MODEL-TUNING warn (a search by hand) where the code has none."""
    from mlaudit.audit.run import audit

    train = "from sklearn.svm import SVC\nimport yaml\np = yaml.safe_load(open('params.yaml'))\nSVC(C=p['C']).fit(X, y)\n"
    outcomes = {}
    for name, with_exps in (("plain", False), ("exps", True)):
        repo = make_repo(name)
        sha = repo.commit("train", {"train.py": train, "params.yaml": "C: 1.0\n"})
        if with_exps:
            repo.git("update-ref", f"refs/exps/{sha[:2]}/{sha[2:]}/exp-1", sha)
            repo.git("update-ref", f"refs/exps/{sha[:2]}/{sha[2:]}/exp-2", sha)
        [result] = [r for r in audit(repo.root, tmp_path / f"{name}.sqlite").results if r.check_id == "MODEL-TUNING"]
        outcomes[name] = (str(result.status), result.value)
    assert outcomes["plain"][0] == "fail"
    assert outcomes["exps"] == ("warn", {"experiments": 2})
