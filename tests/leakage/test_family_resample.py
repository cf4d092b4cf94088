"""Family 2: resampling of data sets that come from loaders and generators, old spellings, under-samplers, imblearn pipelines."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak

O = "LEAK-CODE-OVERSAMPLE"


def test_smote_on_make_regression_style_generator_output() -> None:
    """SMOTE over make_classification rows, then train_test_split: reported at the resample line."""
    assert_leak("""
        from sklearn import datasets
        from sklearn.model_selection import train_test_split
        from imblearn.over_sampling import SMOTE
        feats, target = datasets.make_classification(n_samples=500, weights=[0.9])
        feats, target = SMOTE().fit_resample(feats, target)  #!
        a, b, c, d = train_test_split(feats, target)
    """, O)


def test_old_fit_sample_on_fetched_openml() -> None:
    """RandomOverSampler.fit_sample (the pre-0.4 spelling) over fetch_openml rows, then cross-validation."""
    assert_leak("""
        from sklearn.datasets import fetch_openml
        from sklearn.model_selection import cross_val_score
        from sklearn.svm import SVC
        import imblearn.over_sampling as ovs
        X, y = fetch_openml(name="spambase", return_X_y=True)
        sampler = ovs.RandomOverSampler(random_state=1)
        Xb, yb = sampler.fit_sample(X, y)  #!
        cross_val_score(SVC(), Xb, yb)
    """, O)


def test_adasyn_on_keras_dataset_in_notebook() -> None:
    """ADASYN over a bundled dataset's arrays in one cell, split in a later cell."""
    assert_leak([
        (1, "from sklearn.datasets import load_digits\nfrom imblearn.over_sampling import ADASYN\nfrom sklearn.model_selection import StratifiedKFold"),
        (2, "digits = load_digits()\nXs, ys = ADASYN().fit_resample(digits.data, digits.target)  #!"),
        (3, "for tr, te in StratifiedKFold(3).split(Xs, ys):\n    print(len(tr), len(te))"),
    ], O)


def test_smote_on_np_load_with_kfold_loop() -> None:
    """BorderlineSMOTE over np.load arrays, then a hand-written fold loop."""
    assert_leak("""
        import numpy as np
        from imblearn.over_sampling import BorderlineSMOTE
        from sklearn.model_selection import KFold
        X = np.load(path_x)
        y = np.load(path_y)
        X, y = BorderlineSMOTE().fit_resample(X, y)  #!
        for a, b in KFold(4).split(X):
            pass
    """, O)


def test_under_samplers_are_not_oversampling() -> None:
    """RandomUnderSampler, NearMiss and TomekLinks before the split only drop rows: not OVERSAMPLE."""
    assert_clean("""
        from sklearn.datasets import make_classification
        from sklearn.model_selection import train_test_split
        from imblearn.under_sampling import RandomUnderSampler, NearMiss, TomekLinks
        X, y = make_classification(weights=[0.8])
        X1, y1 = RandomUnderSampler().fit_resample(X, y)
        X2, y2 = NearMiss(version=2).fit_resample(X1, y1)
        X3, y3 = TomekLinks().fit_resample(X2, y2)
        train_test_split(X3, y3)
    """)


def test_imblearn_pipeline_in_cross_validation_is_clean() -> None:
    """SMOTE inside an imblearn Pipeline evaluated with cross-validation resamples each training fold only."""
    assert_clean("""
        from sklearn.datasets import load_breast_cancer
        from imblearn.pipeline import Pipeline
        from imblearn.over_sampling import SMOTE
        from sklearn.tree import DecisionTreeClassifier
        from sklearn.model_selection import cross_validate
        X, y = load_breast_cancer(return_X_y=True)
        pipe = Pipeline([("smote", SMOTE()), ("tree", DecisionTreeClassifier())])
        cross_validate(pipe, X, y, cv=5)
    """)


def test_smote_on_training_part_of_loader_output_is_clean() -> None:
    """Splitting fetch_openml rows first and resampling only the training part is correct."""
    assert_clean([
        (1, "from sklearn.datasets import fetch_openml\nfrom sklearn.model_selection import train_test_split\nfrom imblearn.over_sampling import SMOTE"),
        (2, "X, y = fetch_openml('credit-g', return_X_y=True)\nX_tr, X_te, y_tr, y_te = train_test_split(X, y)"),
        (3, "X_tr, y_tr = SMOTE().fit_resample(X_tr, y_tr)"),
    ])


def test_signal_resampling_is_not_row_oversampling() -> None:
    """scipy.signal.resample changes a sound's sample rate, not the rows of a data set."""
    assert_clean("""
        import numpy as np
        from scipy import signal
        from sklearn.model_selection import train_test_split
        wave = np.load("w.npy")
        feats = signal.resample(wave, 8000)
        train_test_split(feats)
    """)
