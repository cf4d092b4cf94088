"""Families 5 and 6: hand-written fold loops and the other split APIs, each with its correct twin."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak, run

P = "LEAK-CODE-PREPROCESS"


def test_scaled_then_for_over_kfold_split() -> None:
    """A scaler fitted on all rows, then `for tr, te in kf.split(X)` indexing the scaled array."""
    assert_leak("""
        import numpy as np
        from sklearn.preprocessing import MinMaxScaler
        from sklearn.model_selection import KFold
        from sklearn.linear_model import Ridge
        data = np.load("d.npy")
        Z = MinMaxScaler().fit_transform(data[:, 1:])  #!
        kf = KFold(n_splits=10)
        for tr, te in kf.split(Z):
            Ridge().fit(Z[tr], data[tr, 0]).score(Z[te], data[te, 0])
    """, P)


def test_enumerate_over_split_after_imputation_in_notebook() -> None:
    """An imputer fitted on all rows in one cell, `enumerate(skf.split(...))` in another."""
    assert_leak([
        (1, "import pandas as pd\nfrom sklearn.impute import KNNImputer\nfrom sklearn.model_selection import StratifiedKFold\nfrom sklearn.svm import SVC"),
        (2, "df = pd.read_csv('x.csv')\nlabels = df.pop('cls').values\nfilled = KNNImputer().fit_transform(df)  #!"),
        (3, "skf = StratifiedKFold(5)\nfor k, (i_tr, i_va) in enumerate(skf.split(filled, labels)):\n    SVC().fit(filled[i_tr], labels[i_tr]).score(filled[i_va], labels[i_va])"),
    ], P)


def test_list_of_folds_made_before_the_transform_is_indexed() -> None:
    """Folds listed from the raw rows, a PCA fitted on all rows, the folds then index the PCA output."""
    assert_leak("""
        import numpy as np
        from sklearn.decomposition import PCA
        from sklearn.model_selection import KFold
        X = np.load("x.npy")
        folds = list(KFold(5, shuffle=True).split(X))
        emb = PCA(5).fit_transform(X)  #!
        for tr, te in folds:
            print(emb[tr].mean(), emb[te].mean())
    """, P)


def test_old_cross_validation_kfold_object_is_iterated() -> None:
    """sklearn.cross_validation.KFold(n, n_folds) iterated directly over a standardised array."""
    assert_leak("""
        import numpy as np
        from sklearn.cross_validation import KFold
        from sklearn.preprocessing import scale
        X = scale(np.loadtxt("a.txt"))  #!
        for train, test in KFold(len(X), n_folds=3):
            print(X[train].shape, X[test].shape)
    """, P)


def test_fitting_inside_the_fold_loop_is_clean() -> None:
    """The scaler fitted on X[tr] inside the loop never sees the held-out fold."""
    assert_clean("""
        import numpy as np
        from sklearn.preprocessing import StandardScaler
        from sklearn.model_selection import StratifiedKFold
        from sklearn.linear_model import LogisticRegression
        X, y = np.load("x.npy"), np.load("y.npy")
        for fold, (tr, va) in enumerate(StratifiedKFold(5).split(X, y)):
            sc = StandardScaler().fit(X[tr])
            clf = LogisticRegression().fit(sc.transform(X[tr]), y[tr])
            print(fold, clf.score(sc.transform(X[va]), y[va]))
    """)


def test_enumerate_with_nothing_fitted_before_is_clean() -> None:
    """An out-of-fold loop over enumerate(kf.split(X)) with no transform fitted first, scored per fold."""
    assert_clean([
        (1, "import pandas as pd\nfrom sklearn.model_selection import KFold\nfrom xgboost import XGBRegressor\nfrom sklearn.metrics import mean_absolute_error"),
        (2, "train = pd.read_csv('train.csv')\nX, y = train.drop(columns='t'), train['t']"),
        (3, "for i, (a, b) in enumerate(KFold(5).split(X)):\n    m = XGBRegressor().fit(X.iloc[a], y.iloc[a])\n    print(i, mean_absolute_error(y.iloc[b], m.predict(X.iloc[b])))"),
    ])


def test_torch_random_split_after_whole_tensor_normalisation() -> None:
    """A tensor normalised with its own mean/std, wrapped in a dataset, then random_split."""
    assert_leak("""
        import torch
        from torch.utils.data import TensorDataset, random_split
        x = torch.load("x.pt")
        x = (x - x.mean()) / x.std()  #!
        train_set, test_set = random_split(TensorDataset(x), [0.8, 0.2])
    """, P)


def test_keras_validation_split_after_scaling_in_notebook() -> None:
    """A scaler fitted on every row, then model.fit(..., validation_split=0.1): the validation rows were in the fit."""
    assert_leak([
        (1, "import numpy as np\nfrom sklearn.preprocessing import MaxAbsScaler\nimport tensorflow as tf"),
        (2, "X = np.load('x.npy')\ny = np.load('y.npy')\nX = MaxAbsScaler().fit_transform(X)  #!"),
        (3, "net = tf.keras.Sequential([tf.keras.layers.Dense(1)])\nnet.compile('adam', 'mse')\nnet.fit(X, y, validation_split=0.1, epochs=3)"),
    ], P)


def test_np_array_split_after_quantile_transform() -> None:
    """np.array_split of rows a QuantileTransformer was fitted on."""
    assert_leak("""
        import numpy as np
        from sklearn.preprocessing import QuantileTransformer
        X = np.genfromtxt("m.csv")
        X = QuantileTransformer().fit_transform(X)  #!
        first, second = np.array_split(X, 2)
    """, P)


def test_group_shuffle_split_next_after_encoding() -> None:
    """An encoder fitted on all rows, then next(GroupShuffleSplit(...).split(...)) indices pick the parts."""
    f = assert_leak("""
        import pandas as pd
        from sklearn.preprocessing import OrdinalEncoder
        from sklearn.model_selection import GroupShuffleSplit
        df = pd.read_csv("v.csv")
        enc = OrdinalEncoder().fit_transform(df[["a", "b"]])  #!
        tr, te = next(GroupShuffleSplit(test_size=0.3).split(enc, groups=df.g))
        print(enc[tr].shape, enc[te].shape)
    """, P)
    assert "GroupShuffleSplit" in f.split.what or "split" in f.split.what


def test_random_split_then_train_statistics_is_clean() -> None:
    """random_split first, statistics from the training subset only."""
    assert_clean("""
        import torch
        from torch.utils.data import random_split
        x = torch.load("x.pt")
        tr, va = random_split(x, [800, 200])
        m = x[tr.indices].mean()
    """)


def test_keras_validation_split_on_raw_rows_is_clean() -> None:
    """validation_split on rows only divided by a constant: nothing fitted, nothing reported."""
    assert not run("""
        import numpy as np
        from tensorflow import keras
        X = np.load("x.npy") / 255.0
        y = np.load("y.npy")
        m = keras.Sequential([keras.layers.Dense(1)])
        m.fit(X, y, validation_split=0.2)
    """)


def test_fold_rows_picked_with_loc_rows_and_columns_carry_the_fold() -> None:
    """x.loc[train_index, :] is the training fold: a scaler fitted on it inside the loop is clean."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import KFold
        from sklearn.preprocessing import StandardScaler
        train = pd.read_csv("train.csv")
        test = pd.read_csv("test.csv")
        both = pd.concat([train, test])
        for tr, va in KFold(5).split(both):
            a, b = both.loc[tr, :], both.loc[va, :]
            sc = StandardScaler().fit(a.values)
            sc.transform(b.values)
    """)
