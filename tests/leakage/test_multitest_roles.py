"""LEAK-CODE-MULTITEST's in-sample rule on shapes seen in real Kaggle kernels, each with the leaky twin.

In-sample scoring is reported only when no held-out score exists: a cross-validated score is one; training error
computed inside a user estimator's own ``fit`` is part of learning, not a reported evaluation; the same argument text
in two different functions (``X`` of ``fit`` and ``X`` of ``predict``) is not the same data.
"""

from __future__ import annotations

import pytest

from tests.leakage.family_help import assert_leak, run

M = "LEAK-CODE-MULTITEST"
HEAD = """
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import Lasso
    from sklearn.metrics import mean_squared_error
    from sklearn.model_selection import KFold, GridSearchCV, cross_val_score, cross_validate
    train = pd.read_csv("train.csv")
    X, y = train.drop(columns="price"), train["price"]
"""
TRAIN_SCORE = """
    model.fit(X, y)
    print("RMSE on train data:", np.sqrt(mean_squared_error(y, model.predict(X))))
"""


def checks(src: str) -> list[str]:
    return [f.check_id for f in run(src)]


CROSS_VALIDATED = {
    "cross_val_score": HEAD + """
    model = Lasso(alpha=0.001)
    rmse = np.sqrt(-cross_val_score(model, X, y, scoring="neg_mean_squared_error", cv=KFold(5)))
    print("Lasso CV score:", rmse.mean())
""" + TRAIN_SCORE,
    "helper_per_model": HEAD + """
    def rmsle_cv(est):
        return np.sqrt(-cross_val_score(est, X.values, y, scoring="neg_mean_squared_error", cv=5))
    model = Lasso(alpha=0.0005)
    print("Lasso score: {:.4f}".format(rmsle_cv(model).mean()))
""" + TRAIN_SCORE,
    "cross_validate": HEAD + """
    model = Lasso(alpha=0.001)
    res = cross_validate(estimator=model, X=X, y=y, cv=5)
    print(res["test_score"].mean())
""" + TRAIN_SCORE,
}


@pytest.mark.parametrize("name", sorted(CROSS_VALIDATED))
def test_training_score_of_a_cross_validated_model(name: str) -> None:
    """A model's score on its training data, printed after that very model's cross-validated score: a held-out
    score exists, not reported."""
    assert M not in checks(CROSS_VALIDATED[name])


def test_twin_training_score_alone() -> None:
    """The same training-data score with no held-out or cross-validated score anywhere: reported."""
    f = assert_leak(HEAD + """
    model = Lasso(alpha=0.001).fit(X, y)
    print("RMSE on train data:", np.sqrt(mean_squared_error(y, model.predict(X))))  #!
""", M)
    assert "no cross-validated score" in f.message


def test_twin_other_models_compared_by_training_score() -> None:
    """Several models compared by their training accuracy while only another one is cross-validated (the Titanic
    leaderboard shape): the in-sample scores of the models never cross-validated are reported."""
    assert_leak(HEAD + """
    from sklearn.linear_model import Ridge
    grid = GridSearchCV(Lasso(), {"alpha": [0.001, 0.01]}, cv=5).fit(X, y)
    print("best CV score", grid.best_score_)
    ridge = Ridge().fit(X, y)
    acc_ridge = ridge.score(X, y)  #!
    lasso = Lasso().fit(X, y)
    acc_lasso = lasso.score(X, y)
    print(pd.DataFrame({"model": ["ridge", "lasso"], "score": [acc_ridge, acc_lasso]}))
""", M)


LEARNING_STEP = {
    "greedy_feature_selection": HEAD + """
    class Expander:
        def fit(self, frame, target):
            best = 1e15
            for col in frame.columns:
                m = Lasso().fit(frame[[col]], target)
                err = mean_squared_error(target, m.predict(frame[[col]]))
                if err < best:
                    best, self.col = err, col
            return self
    exp = Expander().fit(X, y)
""",
    "best_internal_model": HEAD + """
    class BestOf:
        def fit(self, train, target):
            self.best, score_best = None, 1e15
            for a in (0.1, 1.0):
                m = Lasso(alpha=a)
                m.fit(train, target)
                score = m.score(train, target)
                if score < score_best:
                    self.best, score_best = m, score
            return self
    BestOf().fit(X, y)
""",
    "fit_transform_residuals": HEAD + """
    class Residuals:
        def fit_transform(self, data, target):
            self.m = Lasso().fit(data, target)
            print("train fit", self.m.score(data, target))
            return data.assign(res=target - self.m.predict(data))
    Z = Residuals().fit_transform(X, y)
""",
}


@pytest.mark.parametrize("name", sorted(LEARNING_STEP))
def test_training_error_inside_a_user_estimators_fit(name: str) -> None:
    """Training error computed inside a user class's fit / fit_transform is part of learning: not reported."""
    assert M not in checks(LEARNING_STEP[name])


def test_twin_same_scoring_at_top_level() -> None:
    """The same training-error scoring written at top level, reported as the model's score: reported."""
    assert_leak(HEAD + """
    m = Lasso(alpha=0.1)
    m.fit(X, y)
    print("score", m.score(X, y))  #!
""", M)


OTHER_SCOPE = {
    "wrapper_class_methods": HEAD + """
    class Wrapper:
        def __init__(self):
            self.model = Lasso()
        def fit(self, X, y):
            self.model.fit(X, y)
        def predict(self, X):
            return self.model.predict(X)
    w = Wrapper()
    w.fit(X, y)
    holdout = pd.read_csv("later.csv")
    print(mean_squared_error(holdout["price"], w.predict(holdout.drop(columns="price"))))
""",
    "two_functions": HEAD + """
    model = Lasso()
    def train_on(X, y):
        model.fit(X, y)
    def evaluate(X, y):
        return model.score(X, y)
    train_on(X, y)
    other = pd.read_csv("other_year.csv")
    print(evaluate(other.drop(columns="price"), other["price"]))
""",
    "fit_in_helper_predict_at_top": HEAD + """
    def make(X, y):
        m = Lasso()
        m.fit(X, y)
        return m
    model = make(train.drop(columns=["price", "id"]), y)
    newer = pd.read_csv("newer.csv")
    X = newer.drop(columns=["price", "id"])
    print(mean_squared_error(newer["price"], model.predict(X)))
""",
}


@pytest.mark.parametrize("name", sorted(OTHER_SCOPE))
def test_same_argument_text_in_another_function_is_other_data(name: str) -> None:
    """``fit(X)`` in one function and ``predict(X)`` / ``score(X)`` in another name different data: not in-sample."""
    assert M not in checks(OTHER_SCOPE[name])


def test_twin_fit_and_score_in_the_same_function() -> None:
    """A helper fitting and scoring the very same X: in-sample, and with no held-out score it is reported."""
    assert_leak(HEAD + """
    def fit_and_report(X, y):
        m = Lasso()
        m.fit(X, y)
        return m.score(X, y)  #!
    print(fit_and_report(X, y))
""", M)
