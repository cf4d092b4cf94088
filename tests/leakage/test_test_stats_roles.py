"""LEAK-CODE-TEST-STATS decides roles by data flow: false alarms seen on real Kaggle kernels, each with its leaky twin.

Per-sample statistics (one image or row) are not statistics of a test set; a file named like a test set that the
code splits is the whole data set; test rows prepared with their own statistics do not travel into the training
part of a train+test join; held-out fold parts collected over every fold cover all rows; a fit on an independent set
that is only drawn is no evaluation.
"""

from __future__ import annotations

import pytest

from tests.leakage.family_help import assert_clean, assert_leak, run

T = "LEAK-CODE-TEST-STATS"
P = "LEAK-CODE-PREPROCESS"
SPLIT = """
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    df = pd.read_csv("images.csv")
    X, y = df.drop(columns="label"), df["label"]
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    model = LogisticRegression().fit(X_train, y_train)
"""


def checks(src: str | list[tuple[int | None, str]]) -> list[str]:
    return [f.check_id for f in run(src)]


# ---- 1. statistics of one sample (per-image, per-row normalisation) ------------------------------------------

PER_SAMPLE = {
    "helper_iterrows": SPLIT + """
    def scaled_images(frame):
        imgs = []
        for i, row in frame.iterrows():
            band = np.array(row["band_1"]).reshape(75, 75)
            imgs.append((band - band.mean()) / (band.max() - band.min()))
        return np.array(imgs)
    print(model.score(scaled_images(X_test), y_test))
""",
    "comprehension": SPLIT + """
    X_test = np.array([(im - im.mean()) / im.std() for im in X_test.values])
    print(model.score(X_test, y_test))
""",
    "enumerate_loop": SPLIT + """
    normed = []
    for k, img in enumerate(X_test.values):
        normed.append(img / img.max())
    print(model.score(np.stack(normed), y_test))
""",
    "apply_axis1": SPLIT + """
    X_test = X_test.apply(lambda r: (r - r.mean()) / r.std(), axis=1)
    print(model.score(X_test, y_test))
""",
}


@pytest.mark.parametrize("name", sorted(PER_SAMPLE))
def test_per_sample_normalisation_is_not_test_statistics(name: str) -> None:
    """One image / row normalised with its own mean, max or std uses no other row: nothing reported."""
    assert_clean(PER_SAMPLE[name])


def test_twin_loop_over_a_list_of_whole_frames_is_no_sample_loop() -> None:
    """``zip([df_a, df_b], names)`` yields whole frames: each filled with its own median before a split by hand."""
    assert_leak("""
        import numpy as np
        import pandas as pd
        df = pd.read_csv("survey.csv")
        df_us, df_eu = df[df.country == "US"], df[df.country == "EU"]
        for dataset, zone in zip([df_us, df_eu], ["US", "EU"]):
            dataset["age"] = dataset["age"].fillna(dataset["age"].median())  #!
            perm = np.random.permutation(dataset.shape[0])
            train = dataset.iloc[perm[:100]]
            test = dataset.iloc[perm[100:]]
    """, P)


def test_twin_whole_test_part_scaled_with_its_own_statistics() -> None:
    """The held-out part scaled with its own column means and stds, then scored: reported."""
    assert_leak(SPLIT + """
    X_test = (X_test - X_test.mean()) / X_test.std()  #!
    print(model.score(X_test, y_test))
""", T)


def test_twin_collected_samples_then_scaled_with_their_own_statistics() -> None:
    """Samples collected into an array (many samples again), then scaled with that array's mean: reported."""
    assert_leak(SPLIT + """
    arr = np.array([im for im in X_test.values])
    arr = (arr - arr.mean()) / arr.std()  #!
    print(model.score(arr, y_test))
""", T)


def test_twin_helper_loop_over_columns_fills_with_column_means() -> None:
    """A helper looping over columns fills each with the mean of all test rows: reported (columns are no samples)."""
    assert_leak(SPLIT + """
    def fill(frame):
        for c in frame.columns:
            frame[c] = frame[c].fillna(frame[c].mean())  #!
        return frame
    print(model.score(fill(X_test), y_test))
""", T)


# ---- 2. a file named like a test set that the code splits is the whole data set ----------------------------

WHOLE_FILE: dict[str, str | list[tuple[int | None, str]]] = {
    "manual_indices": """
        import numpy as np
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from sklearn.linear_model import LogisticRegression
        bird = pd.read_csv("../input/Bird Strikes Test.csv")
        X_use = bird.drop("Damage", axis=1)
        scaler = StandardScaler().fit(X_use)  #!
        X_all = pd.DataFrame(scaler.transform(X_use))
        train_idx = np.random.choice(X_all.index, len(X_all) // 2, replace=False)
        test_idx = np.array([i for i in X_all.index if i not in train_idx])
        X_train, y_train = X_all.loc[train_idx], bird.loc[train_idx, "Damage"]
        X_test, y_test = X_all.loc[test_idx], bird.loc[test_idx, "Damage"]
        m = LogisticRegression().fit(X_train, y_train)
        print(m.score(X_test, y_test))
    """,
    "train_test_split": """
        import pandas as pd
        from sklearn.model_selection import train_test_split
        from sklearn.ensemble import RandomForestClassifier
        data = pd.read_csv("data/test_results.csv")
        data = data.fillna(data.mean())  #!
        X_tr, X_te, y_tr, y_te = train_test_split(data.drop(columns="y"), data["y"])
        clf = RandomForestClassifier().fit(X_tr, y_tr)
        print(clf.score(X_te, y_te))
    """,
    "kfold_notebook": [(1, """
        import pandas as pd
        from sklearn.preprocessing import MinMaxScaler
        from sklearn.model_selection import KFold
        from sklearn.svm import SVC
        holdout = pd.read_csv("holdout.csv")
    """), (2, """
        Xh = MinMaxScaler().fit_transform(holdout.drop(columns="t"))  #!
        yh = holdout["t"]
    """), (3, """
        for tr, te in KFold(5).split(Xh):
            svc = SVC().fit(Xh[tr], yh[tr])
            print(svc.score(Xh[te], yh[te]))
    """)],
}


@pytest.mark.parametrize("name", sorted(WHOLE_FILE))
def test_test_named_file_that_is_split_is_the_whole_data_set(name: str) -> None:
    """A file named like a test set, fitted on, then split by the code: preprocessing before the split, not TEST-STATS."""
    f = assert_leak(WHOLE_FILE[name], P)
    assert "named like a test set" in f.message
    assert T not in checks(WHOLE_FILE[name])


def test_scaler_fitted_on_a_test_named_file_applied_to_its_parts() -> None:
    """A scaler fitted on the whole test-named file, applied to the parts after a split and trained on: preprocessing."""
    src = """
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from sklearn.model_selection import train_test_split
        from sklearn.linear_model import LogisticRegression
        data = pd.read_csv("test_data.csv")
        sc = StandardScaler().fit(data.drop(columns="y"))  #!
        X_tr, X_te, y_tr, y_te = train_test_split(data.drop(columns="y"), data["y"])
        m = LogisticRegression().fit(sc.transform(X_tr), y_tr)
        print(m.score(sc.transform(X_te), y_te))
    """
    assert_leak(src, P)
    assert T not in checks(src)


def test_twin_test_file_cut_into_batches_to_predict_keeps_its_role() -> None:
    """A test file cut by KFold into batches only predicted on (nothing trained on a part) is still the test set:
    no preprocessing-before-the-split is invented for its own-statistics scaling."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import KFold
        from sklearn.ensemble import RandomForestClassifier
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        x_test = test.values / test.values.max()
        m = RandomForestClassifier().fit(train.drop(columns="y") / 255.0, train["y"])
        preds = []
        for i, (skip, batch) in enumerate(KFold(40).split(x_test)):
            preds.append(m.predict_proba(x_test[batch]))
    """)


def test_twin_training_file_split_keeps_test_statistics_of_the_test_file() -> None:
    """A training file scaled with the test file's std, then split for validation: the training file keeps its role
    and the test statistics in it are reported."""
    assert_leak("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        from sklearn.linear_model import LogisticRegression
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        train_n = (train["links"] - train["links"].mean()) / test["links"].std()  #!
        X_tr, X_va, y_tr, y_va = train_test_split(train_n.values.reshape(-1, 1), train["toxic"])
        m = LogisticRegression().fit(X_tr, y_tr)
        print(m.score(X_va, y_va))
    """, T)


def test_twin_labelled_test_file_scaled_with_its_own_statistics_and_scored() -> None:
    """A separate labelled test file (never split) scaled with a scaler fitted on itself, then scored: TEST-STATS."""
    assert_leak("""
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from sklearn.linear_model import LogisticRegression
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        m = LogisticRegression().fit(StandardScaler().fit_transform(train.drop(columns="y")), train["y"])
        test_X = StandardScaler().fit_transform(test.drop(columns="y"))  #!
        print(m.score(test_X, test["y"]))
    """, T)


def test_twin_test_file_subset_keeps_its_role() -> None:
    """Rows of a test file selected into another test-named variable: still the test set, own statistics reported."""
    assert_leak("""
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        m = LogisticRegression().fit(train.drop(columns="y"), train["y"])
        test_big = test[test.amount > 10]
        test_big = test_big.fillna(test_big.mean())  #!
        print(m.score(test_big.drop(columns="y"), test_big["y"]))
    """, T)


# ---- 3. test rows' own statistics do not travel into the training part of a join -----------------------------

HEAD = """
    import pandas as pd
    from sklearn.model_selection import StratifiedKFold, train_test_split
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    train = pd.read_csv("../input/train.csv")
    test = pd.read_csv("../input/test.csv")
    test["Fare"] = test["Fare"].fillna(test["Fare"].median())
"""
JOIN_CUT = {
    "positional_names": HEAD + """
    full = pd.concat([train.drop(columns="Survived"), test])
    full = pd.get_dummies(full)
    train_x = full[:len(train)]
    test_x = full[len(train):]
    X_tr, X_va, y_tr, y_va = train_test_split(train_x, train["Survived"])
    m = RandomForestClassifier().fit(X_tr, y_tr)
    print(roc_auc_score(y_va, m.predict_proba(X_va)[:, 1]))
    m.predict(test_x)
""",
    "mask_marker_column": HEAD + """
    train["IsTrain"] = 1
    test["IsTrain"] = 0
    df = pd.concat([train, test])
    dataset = df[df["IsTrain"] == 1]
    holdout = df[df["IsTrain"] == 0]
    X, y = dataset.drop(columns="Survived"), dataset["Survived"]
    for tr, va in StratifiedKFold(5).split(X, y):
        m = RandomForestClassifier().fit(X.iloc[tr], y.iloc[tr])
        print(roc_auc_score(y.iloc[va], m.predict_proba(X.iloc[va])[:, 1]))
    m.predict(holdout)
""",
    "helper_neutral_names": HEAD + """
    def one_hot(df1, df2):
        n = df1.shape[0]
        df = pd.get_dummies(pd.concat([df1, df2], ignore_index=True))
        a = df.loc[:n - 1]
        b = df.loc[n:]
        return a, b
    train1, test1 = one_hot(train, test)
    X, y = train1.drop(columns="Survived"), train1["Survived"]
    for tr, va in StratifiedKFold(5).split(X, y):
        m = RandomForestClassifier().fit(X.loc[tr], y[tr])
        print(roc_auc_score(y[va], m.predict_proba(X.loc[va])[:, 1]))
    m.predict(test1.drop(columns="Survived"))
""",
}


@pytest.mark.parametrize("name", sorted(JOIN_CUT))
def test_own_statistics_of_test_rows_stay_out_of_the_training_part(name: str) -> None:
    """A competition test file filled with its own median, joined with train and cut apart: the scored training
    part holds no test row, so nothing is a test set prepared with its own statistics."""
    assert T not in checks(JOIN_CUT[name])


def test_twin_labelled_validation_file_through_a_join_is_scored() -> None:
    """A labelled validation file filled with its own median, joined, cut back and scored: TEST-STATS."""
    assert_leak("""
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        train = pd.read_csv("train.csv")
        valid = pd.read_csv("valid.csv")
        valid["age"] = valid["age"].fillna(valid["age"].median())  #!
        full = pd.get_dummies(pd.concat([train, valid]))
        train_x = full[:len(train)]
        valid_x = full[len(train):]
        m = RandomForestClassifier().fit(train_x.drop(columns="y"), train_x["y"])
        print(m.score(valid_x.drop(columns="y"), valid_x["y"]))
    """, T)


def test_twin_training_rows_filled_with_test_statistics_through_a_join() -> None:
    """Training rows filled with the test file's mean, joined and cut back: the training part carries it, reported."""
    assert_leak("""
        import pandas as pd
        from sklearn.ensemble import RandomForestClassifier
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        train["age"] = train["age"].fillna(test["age"].mean())  #!
        full = pd.get_dummies(pd.concat([train, test]))
        train_x = full[:len(train)]
        m = RandomForestClassifier().fit(train_x.drop(columns="y"), train_x["y"])
    """, T)


# ---- 4. held-out fold parts collected over every fold are all rows --------------------------------------------

OOF_HEAD = """
    import pandas as pd
    from sklearn.model_selection import StratifiedKFold
    from sklearn.ensemble import RandomForestClassifier
    train = pd.read_csv("train.csv")
    test = pd.read_csv("test.csv")
    kf = StratifiedKFold(5)
"""
OUT_OF_FOLD = {
    "concat_accumulator": OOF_HEAD + """
    oof = None
    for tr, te in kf.split(train, train.target):
        blind = train.loc[te].copy()
        blind["enc"] = blind["cat"].map(train.loc[tr].groupby("cat")["target"].mean())
        oof = blind if oof is None else pd.concat([oof, blind])
""",
    "list_append": OOF_HEAD + """
    parts = []
    for tr, te in kf.split(train, train.target):
        part = train.iloc[te].copy()
        part["enc"] = part["cat"].map(train.iloc[tr].groupby("cat")["target"].mean())
        parts.append(part)
    oof = pd.concat(parts)
""",
    "list_plus": OOF_HEAD + """
    blocks = []
    for i, (tr, te) in enumerate(kf.split(train, train.target)):
        enc = train.iloc[te].copy()
        blocks = blocks + [enc]
    oof = pd.concat(blocks)
""",
}
OOF_TAIL = """
    train = oof
    train = train.fillna(train.mean())
    test = test.fillna(train.mean())
    model = RandomForestClassifier().fit(train.drop(columns="target"), train.target)
    model.predict(test)
"""


@pytest.mark.parametrize("name", sorted(OUT_OF_FOLD))
def test_out_of_fold_parts_collected_over_all_folds_are_no_test_set(name: str) -> None:
    """Every fold's held-out part collected into one frame is the whole training set: filling it with its own mean
    and the test file with the training mean is no test-statistics leak."""
    assert T not in checks(OUT_OF_FOLD[name] + OOF_TAIL)


def test_twin_last_fold_part_used_after_the_loop() -> None:
    """The last fold's held-out part (not collected) filled with its own mean and scored: TEST-STATS."""
    assert_leak(OOF_HEAD + """
    for tr, te in kf.split(train, train.target):
        X_va, y_va = train.drop(columns="target").iloc[te], train.target.iloc[te]
        m = RandomForestClassifier().fit(train.drop(columns="target").iloc[tr], train.target.iloc[tr])
    X_va = X_va.fillna(X_va.mean())  #!
    print(m.score(X_va, y_va))
""", T)


# ---- 5. an independent set fitted on itself only to be drawn --------------------------------------------------

PLOT_ONLY = {
    "pca_scatter": """
        import pandas as pd
        import matplotlib.pyplot as plt
        from sklearn.decomposition import PCA
        from sklearn.neighbors import KNeighborsClassifier
        train = pd.read_csv("train.csv")
        test = pd.read_csv("independent_test.csv")
        clf = KNeighborsClassifier().fit(train.drop(columns="cat"), train["cat"])
        pts = PCA(n_components=2).fit_transform(test)
        plt.scatter(pts[:, 0], pts[:, 1])
    """,
    "scaler_then_hist": """
        import pandas as pd
        import seaborn as sns
        from sklearn.preprocessing import StandardScaler
        from sklearn.linear_model import LogisticRegression
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        m = LogisticRegression().fit(train.drop(columns="y"), train["y"])
        z = StandardScaler().fit_transform(test.drop(columns="y"))
        sns.histplot(z[:, 0])
    """,
    "fillna_then_plot": """
        import pandas as pd
        from sklearn.ensemble import RandomForestRegressor
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        model = RandomForestRegressor().fit(train.drop(columns="y"), train["y"])
        shown = test.fillna(test.mean())
        shown.plot(kind="hist")
    """,
}


@pytest.mark.parametrize("name", sorted(PLOT_ONLY))
def test_independent_set_fitted_on_itself_only_for_a_plot(name: str) -> None:
    """Own-statistics preparation of a test file that is only drawn (never scored) is no evaluation: nothing reported."""
    assert T not in checks(PLOT_ONLY[name])


def test_twin_independent_set_reduced_on_itself_then_scored() -> None:
    """The independent set scaled and reduced with fits on itself, predicted and scored by confusion matrix: reported."""
    assert_leak("""
        import pandas as pd
        from sklearn.decomposition import PCA
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.metrics import confusion_matrix
        train = pd.read_csv("train.csv")
        test = pd.read_csv("independent_test.csv")
        clf = KNeighborsClassifier().fit(PCA(5).fit_transform(train.drop(columns="cat")), train["cat"])
        reduced = PCA(n_components=5).fit_transform(test)  #!
        truth = pd.read_csv("actual.csv")["cancer"]
        print(confusion_matrix(truth, clf.predict(reduced)))
    """, T)


# ---- 6. a column computed from a labelled fold does not make the competition test file labelled --------------

FOLD_HEAD = """
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import KFold
    from sklearn.ensemble import RandomForestClassifier
    train = pd.read_csv("train.csv")
    test_df = pd.read_csv("test.csv")
    X, y = train.drop(columns="target"), train["target"]
    for tr, va in KFold(5).split(X):
        X_tr, X_va, y_tr = X.iloc[tr].copy(), X.iloc[va].copy(), y.iloc[tr]
        X_test = test_df.copy()
"""
FOLD_TAIL = """
        X_test = X_test.fillna(X_test.mean())
        m = RandomForestClassifier().fit(X_tr, y_tr)
        pred_test = m.predict_proba(X_test)[:, 1]
"""
NEW_COLUMN = {
    "tuple_from_helper": """
        def encode(trn, val, tst, target):
            means = target.groupby(trn).mean()
            return trn.map(means), val.map(means), tst.map(means)
        X_tr["c_avg"], X_va["c_avg"], X_test["c_avg"] = encode(X_tr["c"], X_va["c"], X_test["c"], y_tr)
""",
    "map_of_fold_means": """
        X_test["c_avg"] = X_test["c"].map(y_tr.groupby(X_tr["c"]).mean())
        X_va["c_avg"] = X_va["c"].map(y_tr.groupby(X_tr["c"]).mean())
""",
    "where_with_fold_values": """
        X_test["flag"] = np.where(X_test["a"] > X_va["a"].median(), 1, 0)
""",
}


@pytest.mark.parametrize("name", sorted(NEW_COLUMN))
def test_column_from_fold_data_keeps_the_test_file_unlabelled(name: str) -> None:
    """A competition test file given a column computed with a labelled fold, filled with its own mean and only
    predicted on: still an unlabelled file, nothing reported for it."""
    assert T not in checks(FOLD_HEAD + NEW_COLUMN[name] + FOLD_TAIL)


def test_twin_fold_part_with_new_column_filled_with_its_own_mean_and_scored() -> None:
    """The labelled fold part given the same column, filled with its own mean and scored: reported."""
    assert_leak(FOLD_HEAD + NEW_COLUMN["map_of_fold_means"] + """
        X_va = X_va.fillna(X_va.mean())  #!
        m = RandomForestClassifier().fit(X_tr, y_tr)
        print(m.score(X_va, y.iloc[va]))
""", T)
