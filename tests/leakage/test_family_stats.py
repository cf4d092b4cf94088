"""Family 1: statistics over rows that include the test rows (whole-frame or joined-frame statistics), and the twins."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak, run

P = "LEAK-CODE-PREPROCESS"


def test_training_part_filled_with_median_of_the_whole_frame() -> None:
    """After train_test_split, the training part is filled with the median of the frame it was cut from."""
    assert_leak("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        tr, te = train_test_split(df, test_size=0.3)
        tr = tr.fillna(df.median())  #!
    """, P)


def test_training_part_scaled_with_whole_frame_std_computed_before_split() -> None:
    """mean/std of all rows kept in variables, applied to X_train after the split: reported with the statistic's line."""
    f = assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        arr = np.load("a.npy")
        centre = arr.mean(axis=0)  #!
        spread = arr.std(axis=0)
        X_train, X_test = train_test_split(arr)
        X_train = (X_train - centre) / spread
    """, P)
    assert f.fit is not None and f.fit.line == 4


def test_concat_fill_inplace_then_positional_slices() -> None:
    """Train and test files joined, filled in place with the joined mode, cut apart by position: reported at the fill."""
    assert_leak("""
        import pandas as pd
        train = pd.read_csv("input/train.csv")
        test = pd.read_csv("input/test.csv")
        both = pd.concat([train, test], sort=False)
        both["Embarked"].fillna(both["Embarked"].mode()[0], inplace=True)  #!
        train_clean = both.iloc[:891]
        test_clean = both.iloc[891:]
    """, P)


def test_concat_standardised_then_drop_train_index_in_notebook() -> None:
    """A joined frame standardised in one cell, split with .loc / .drop(train.index) in another (cells out of order)."""
    assert_leak([
        (1, "import pandas as pd"),
        (4, "train_x = full.loc[train.index]\ntest_x = full.drop(train.index)"),
        (2, "train = pd.read_csv('train.csv')\ntest = pd.read_csv('test.csv')\nfull = pd.concat([train, test])"),
        (3, "full['v'] = (full['v'] - full['v'].mean()) / full['v'].std()  #!"),
    ], P)


def test_training_frame_filled_with_statistic_of_joined_frame() -> None:
    """A separately loaded training frame filled with the mean of train and test together."""
    assert_leak("""
        import pandas as pd
        train_df = pd.read_csv("train.csv")
        test_df = pd.read_csv("test.csv")
        whole = pd.concat([train_df, test_df])
        train_df["age"] = train_df["age"].fillna(whole["age"].mean())  #!
    """, P)


def test_loop_over_parts_filling_with_joined_statistic() -> None:
    """for part in [train, test]: part filled in place with a statistic of both: the training frame is reported."""
    assert_leak("""
        import pandas as pd
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        joined = pd.concat([train, test])
        for part in [train, test]:
            part["fare"].fillna(joined["fare"].median(), inplace=True)  #!
    """, P)


def test_loop_over_parts_with_training_statistic_is_clean() -> None:
    """for part in [train, test]: filled with the training part's statistic."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        from sklearn.linear_model import LogisticRegression
        df = pd.read_csv("d.csv")
        train, test = train_test_split(df)
        for part in (train, test):
            part["x"].fillna(train["x"].mean(), inplace=True)
        m = LogisticRegression().fit(train[["x"]], train.y)
        print(m.score(test[["x"]], test.y))
    """)


def test_loop_over_kaggle_files_each_with_its_own_statistic_is_clean() -> None:
    """Each file filled with its own statistic, the unlabelled test file only predicted on: no leak of test into training."""
    assert_clean([
        (1, "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier"),
        (2, "train = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')"),
        (3, "for d in [train, test]:\n    d['Age'] = d['Age'].fillna(d['Age'].mean())"),
        (4, "rf = RandomForestClassifier().fit(train[['Age']], train.Survived)\npd.DataFrame({'p': rf.predict(test[['Age']])}).to_csv('sub.csv')"),
    ])


def test_statistic_of_an_unrelated_frame_is_not_reported() -> None:
    """A statistic traced to another frame (a reference table) is not a statistic of the split rows."""
    assert not run("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        ref = pd.read_csv("reference.csv")
        X_train, X_test = train_test_split(df)
        X_train = X_train.fillna(ref.mean())
    """)


def test_kaggle_test_file_scaled_with_its_own_statistics_only_predicted_is_clean() -> None:
    """An unlabelled test file scaled with a scaler fitted on itself and only predicted on: not reported."""
    assert_clean("""
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from sklearn.linear_model import Ridge
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        sc = StandardScaler().fit(train[["a"]])
        r = Ridge().fit(sc.transform(train[["a"]]), train.y)
        test_scaled = StandardScaler().fit_transform(test[["a"]])
        pd.Series(r.predict(test_scaled)).to_csv("submission.csv")
    """)


def test_labelled_test_file_scaled_with_own_statistics_and_scored_is_reported() -> None:
    """The same, but the test file is scored: TEST-STATS at the fit on the test file."""
    assert_leak("""
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from sklearn.linear_model import Ridge
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        sc = StandardScaler().fit(train[["a"]])
        r = Ridge().fit(sc.transform(train[["a"]]), train.y)
        test_scaled = StandardScaler().fit_transform(test[["a"]])  #!
        print(r.score(test_scaled, test.y))
    """, "LEAK-CODE-TEST-STATS")


def test_competition_test_rows_cut_from_a_joined_frame_scaled_on_their_own_is_clean() -> None:
    """all_data[891:] (the unlabelled competition rows) scaled with its own scaler and only predicted on: not TEST-STATS."""
    assert_clean([
        (1, "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.svm import SVC"),
        (2, "train = pd.read_csv('train.csv')\ntest = pd.read_csv('test.csv')\nall_data = pd.concat([train, test])\ny = train.Survived"),
        (3, "X_train = all_data[:891]\nX_test = all_data[891:]"),
        (4, "sc = StandardScaler()\nX_train[['Fare']] = sc.fit_transform(X_train[['Fare']])\nX_test[['Fare']] = sc.fit_transform(X_test[['Fare']])\npd.Series(SVC().fit(X_train[['Fare']], y).predict(X_test[['Fare']])).to_csv('sub.csv')"),
    ])


def test_validation_part_of_a_split_scaled_on_its_own_is_reported() -> None:
    """A labelled validation part from train_test_split scaled with its own scaler: TEST-STATS at that fit."""
    assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler
        X, y = np.load("x.npy"), np.load("y.npy")
        X_tr, X_val, y_tr, y_val = train_test_split(X, y)
        X_tr = StandardScaler().fit_transform(X_tr)
        X_val = StandardScaler().fit_transform(X_val)  #!
    """, "LEAK-CODE-TEST-STATS")


def test_per_row_normalisation_uses_no_other_row() -> None:
    """Each sample normalised by its own mean/std (axis=1) before the split, and each test sample likewise: clean."""
    assert_clean("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        X = np.load("x.npy")
        X = (X - np.mean(X, axis=1).reshape(-1, 1)) / X.std(axis=1).reshape(-1, 1)
        X_tr, X_te = train_test_split(X)
        X_te = (X_te - X_te.mean(axis=1).reshape(-1, 1)) / X_te.std(axis=1).reshape(-1, 1)
    """)


def test_tsne_drawn_on_the_test_part_is_not_test_statistics() -> None:
    """t-SNE fitted on the test part to plot it prepares no data for a model."""
    assert_clean("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        from sklearn.manifold import TSNE
        X, y = np.load("x.npy"), np.load("y.npy")
        X_tr, X_te, y_tr, y_te = train_test_split(X, y)
        pts = TSNE(n_components=2).fit_transform(X_te)
    """)


def test_test_rows_with_own_statistics_inside_an_imputation_model_are_not_test_stats() -> None:
    """Train and test joined to fit an Age model, the test file first filled with its own mode: not TEST-STATS."""
    assert "LEAK-CODE-TEST-STATS" not in {f.check_id for f in run("""
        import pandas as pd
        from sklearn.linear_model import LinearRegression
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        test["Embarked"] = test["Embarked"].fillna(test["Embarked"].mode()[0])
        combine = pd.concat([train, test])
        known = combine[combine.Age.notnull()]
        LinearRegression().fit(known[["Pclass", "Embarked"]], known.Age)
    """)}
