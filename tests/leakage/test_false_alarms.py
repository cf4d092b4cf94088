"""False alarms seen on real notebooks: display-only sorting of test scores, files linked by name suffix only."""

from __future__ import annotations

import textwrap

from mlaudit.scanners.leakage import analyze_file, link_files
from mlaudit.scanners.leakage.links import same_written_file
from tests.leakage.family_help import assert_clean, assert_leak


def test_sorting_feature_importances_after_a_test_score_is_clean() -> None:
    """One model scored once on the test set; its feature importances sorted for display."""
    assert_clean("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.ensemble import GradientBoostingClassifier
        X, y = np.load("x.npy"), np.load("y.npy")
        a, b, c, d = train_test_split(X, y)
        gb = GradientBoostingClassifier().fit(a, c)
        print(gb.score(b, d))
        top = np.argsort(gb.feature_importances_)[::-1][:5]
        print(sorted(zip(gb.feature_importances_, range(X.shape[1])), reverse=True)[:5])
    """)


def test_per_class_test_scores_sorted_for_display_is_clean() -> None:
    """Per-class recall of one model on the test set, sorted and the worst class printed (no choice of model)."""
    assert_clean([
        (1, "from sklearn.metrics import recall_score, precision_recall_fscore_support\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.svm import LinearSVC\nimport numpy as np"),
        (2, "X, y = np.load('x.npy'), np.load('y.npy')\nX_tr, X_te, y_tr, y_te = train_test_split(X, y)\nm = LinearSVC().fit(X_tr, y_tr)"),
        (3, "rec = recall_score(y_te, m.predict(X_te), average=None)\nfor i in np.argsort(rec):\n    print(m.classes_[i], rec[i])\nprint(m.classes_[np.argmin(rec)])"),
        (4, "p, r, f, s = precision_recall_fscore_support(y_te, m.predict(X_te))\nprint(max(zip(f, m.classes_)))"),
    ])


def test_choosing_among_models_by_test_score_is_still_reported() -> None:
    """Several models scored on the test set in a loop, the best picked with max(): MULTITEST at the selection."""
    assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.neighbors import KNeighborsClassifier
        X, y = np.load("x.npy"), np.load("y.npy")
        a, b, c, d = train_test_split(X, y)
        scores = {k: KNeighborsClassifier(k).fit(a, c).score(b, d) for k in (1, 3, 5, 7)}
        best = max(scores, key=scores.get)  #!
        print(best)
    """, "LEAK-CODE-MULTITEST")


def test_prediction_file_named_like_another_notebooks_input_is_not_linked() -> None:
    """One notebook writes predictions to test.csv; another reads ../input/test.csv and splits it: no cross-file leak."""
    writer = textwrap.dedent("""
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        df = pd.read_csv("../input/raw.csv")
        df[["a"]] = StandardScaler().fit_transform(df[["a"]])
        df.to_csv("test.csv")
    """).encode()
    reader = textwrap.dedent("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("../input/test.csv")
        train_test_split(df)
    """).encode()
    results = [analyze_file("nb1/predict.py", writer), analyze_file("nb2/train.py", reader)]
    assert results[0].writes and results[1].read_splits  # both sides were seen
    assert link_files(results) == []


def test_written_and_read_paths_match_as_paths() -> None:
    """Relative paths resolve against the script's folder or the repository root; a bare suffix is not enough."""
    assert same_written_file("data/processed.csv", "scripts/prepare.py", "./data/processed.csv", "scripts/train.py")
    assert same_written_file("../data/x.csv", "src/prep.py", "../data/x.csv", "notebooks/eda.ipynb")
    assert same_written_file("out/feat.parquet", "prep.py", "../out/feat.parquet", "nb/model.ipynb")
    assert not same_written_file("test.csv", "nb1/predict.py", "../input/test.csv", "nb2/train.py")
    assert not same_written_file("preds/test.csv", "a.py", "data/test.csv", "b.py")


def test_early_stopping_on_validation_with_a_separate_test_file_is_clean() -> None:
    """Early stopping on a validation split while the competition's test file gets the final predictions."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        from lightgbm import LGBMClassifier
        train = pd.read_csv("../input/train.csv")
        test = pd.read_csv("../input/test.csv")
        X_tr, X_val, y_tr, y_val = train_test_split(train.drop(columns="t"), train.t)
        m = LGBMClassifier().fit(X_tr, y_tr, eval_set=[(X_val, y_val)], early_stopping_rounds=50)
        pd.DataFrame({"t": m.predict(test)}).to_csv("submission.csv")
    """)


def test_early_stopping_on_the_only_test_split_is_reported() -> None:
    """Early stopping on the test split whose score is then the one reported: MULTITEST at the fit."""
    assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from xgboost import XGBClassifier
        X, y = np.load("x.npy"), np.load("y.npy")
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        m = XGBClassifier().fit(X_train, y_train, eval_set=[(X_test, y_test)], early_stopping_rounds=10)  #!
        print(m.score(X_test, y_test))
    """, "LEAK-CODE-MULTITEST")


def test_scoring_on_a_hand_made_holdout_with_unusual_names_is_not_in_sample() -> None:
    """Fitted on X, scored on tX (a hold-out the names do not reveal): not reported as in-sample evaluation."""
    assert_clean("""
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score
        d = pd.read_csv("d.csv")
        X = d.sample(300)
        tX = d[~d.index.isin(X.index)]
        lr = LogisticRegression().fit(X[["a"]], X.y)
        print(accuracy_score(tX.y, lr.predict(tX[["a"]])))
    """)


def test_scoring_on_the_fitted_rows_is_in_sample() -> None:
    """Fitted on X and scored on X with no held-out score anywhere: MULTITEST (in-sample) at the metric."""
    assert_leak("""
        import numpy as np
        from sklearn.linear_model import LinearRegression
        from sklearn.metrics import r2_score
        X, y = np.load("x.npy"), np.load("y.npy")
        reg = LinearRegression().fit(X, y)
        print(r2_score(y, reg.predict(X)))  #!
    """, "LEAK-CODE-MULTITEST")


def test_choosing_parameters_by_cross_validation_fold_scores_is_clean() -> None:
    """A random search scored on the validation folds of a KFold loop, best parameters by sort: model selection done right."""
    assert_clean("""
        import numpy as np
        import pandas as pd
        from sklearn.model_selection import KFold
        from sklearn.metrics import roc_auc_score
        from sklearn.ensemble import RandomForestClassifier
        X, y = np.load("x.npy"), np.load("y.npy")
        rows = []
        for depth in (3, 5, 8):
            aucs = []
            for tr, va in KFold(5).split(X):
                m = RandomForestClassifier(max_depth=depth).fit(X[tr], y[tr])
                aucs.append(roc_auc_score(y[va], m.predict_proba(X[va])[:, 1]))
            rows.append({"depth": depth, "auc": np.mean(aucs)})
        table = pd.DataFrame(rows).sort_values("auc", ascending=False)
        print(table.head(1))
    """)


def test_validation_data_for_monitoring_only_is_not_early_stopping() -> None:
    """validation_data with a learning-rate schedule but no early-stopping callback only reports a curve."""
    assert_clean("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from tensorflow import keras
        X, y = np.load("x.npy"), np.load("y.npy")
        X_tr, X_val, y_tr, y_val = train_test_split(X, y)
        sched = keras.callbacks.LearningRateScheduler(lambda e: 0.001)
        net = keras.Sequential([keras.layers.Dense(1)])
        net.fit(X_tr, y_tr, validation_data=(X_val, y_val), callbacks=[sched])
    """)
    assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from tensorflow import keras
        X, y = np.load("x.npy"), np.load("y.npy")
        X_tr, X_val, y_tr, y_val = train_test_split(X, y)
        stop = keras.callbacks.EarlyStopping(patience=3)
        net = keras.Sequential([keras.layers.Dense(1)])
        net.fit(X_tr, y_tr, validation_data=(X_val, y_val), callbacks=[stop])  #!
        print(net.evaluate(X_val, y_val))
    """, "LEAK-CODE-MULTITEST")


def test_a_name_with_both_train_and_test_is_neither_part() -> None:
    """combined_train_test (both parts joined) is not the test part: a search fitted on its slice is not 'fitted on test'."""
    from mlaudit.scanners.leakage.api import name_side

    assert name_side("combined_train_test") is None and name_side("train_and_test") is None
    assert name_side("X_valid") == "test" and name_side("trainX") == "train"


def test_confusion_matrix_maximum_for_plot_colours_is_not_a_selection() -> None:
    """Several models each scored on the test set; cm.max() only sets a plotting threshold: no MULTITEST selection."""
    found = run_checks("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.metrics import confusion_matrix, accuracy_score
        from sklearn.tree import DecisionTreeClassifier
        from sklearn.naive_bayes import GaussianNB
        X, y = np.load("x.npy"), np.load("y.npy")
        a, b, c, d = train_test_split(X, y)
        for clf in [DecisionTreeClassifier(), GaussianNB()]:
            clf.fit(a, c)
            pred = clf.predict(b)
            print(accuracy_score(d, pred))
            cm = confusion_matrix(d, pred)
            thresh = cm.max() / 2.0
    """)
    assert "LEAK-CODE-MULTITEST" not in found


def test_lowercase_joined_names_tell_their_part() -> None:
    """xtrain / ytest / xvalid name their part like X_train / y_test / X_valid."""
    from mlaudit.scanners.leakage.api import name_side

    assert name_side("ytest") == "test" and name_side("xtrain") == "train" and name_side("xvalid") == "test"
    assert name_side("xylophone") is None


def run_checks(src: str) -> set[str]:
    """The check ids a snippet reports."""
    from tests.leakage.family_help import run

    return {f.check_id for f in run(src)}


def test_early_stopping_then_multi_input_predictions_for_the_test_set_is_clean() -> None:
    """Early stopping on a validation split, then model.predict([X_test, angle_test]) / predict(x=X_test): final check elsewhere."""
    for call in ("model.predict([X_test, A_test])", "model.predict(x=X_test)"):
        assert_clean(f"""
            import numpy as np
            from sklearn.model_selection import train_test_split
            from keras.callbacks import EarlyStopping
            from keras.models import Sequential
            X, A, y = np.load("x.npy"), np.load("a.npy"), np.load("y.npy")
            X_test, A_test = np.load("xt.npy"), np.load("at.npy")
            X_tr, X_val, y_tr, y_val = train_test_split(X, y)
            model = Sequential()
            model.fit(X_tr, y_tr, validation_data=(X_val, y_val), callbacks=[EarlyStopping()])
            pred = {call}
        """)
