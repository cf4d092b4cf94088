"""Family 4: preprocessors written as user classes; methods resolved through the instance's class."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak

P = "LEAK-CODE-PREPROCESS"

PREP = '''
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import RobustScaler
from sklearn.model_selection import train_test_split


class Scale(BaseEstimator, TransformerMixin):
    def fit(self, X, y=None):
        self.rs_ = RobustScaler().fit(X)
        return self

    def transform(self, X):
        return self.rs_.transform(X)
'''


def test_transformer_mixin_fit_transform_through_the_instance() -> None:
    """A user transformer (fit stores a scaler on self) used with the inherited fit_transform on all rows."""
    f = assert_leak(PREP + '''
X = np.load("x.npy")
Xs = Scale().fit_transform(X)  #!
a, b = train_test_split(Xs)
''', P)
    assert f.fit is not None and "RobustScaler" in f.fit.what  # the fit inside the class is named, with its caller


def test_init_stores_a_pca_used_by_a_method_in_notebook() -> None:
    """__init__ stores a PCA on self, a method fits it; class and calls in separate cells."""
    assert_leak([
        (1, "import pandas as pd\nfrom sklearn.decomposition import PCA\nfrom sklearn.model_selection import cross_val_score\nfrom sklearn.svm import SVC"),
        (2, "class Reducer:\n    def __init__(self, k):\n        self.pca = PCA(n_components=k)\n\n    def reduce(self, frame):\n        return self.pca.fit_transform(frame)"),
        (3, "df = pd.read_csv('d.csv')\nred = Reducer(5)\nZ = red.reduce(df.drop(columns='y'))  #!\ncross_val_score(SVC(), Z, df.y)"),
    ], P)


def test_method_inherited_from_a_user_base_class() -> None:
    """Child(Base): fit is defined on the user base class and found through the child instance."""
    assert_leak('''
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split


class Base:
    def fit(self, X):
        self.imp = SimpleImputer(strategy="mean").fit(X)
        return self


class Filler(Base):
    def apply(self, X):
        return self.imp.transform(X)


df = pd.read_csv("d.csv")
filler = Filler().fit(df)  #!
X_train, X_test = train_test_split(filler.apply(df))
''', P)


def test_same_method_name_on_another_class_is_not_confused() -> None:
    """A logging class's fit runs on all rows; the scaling class is fitted on the training part only."""
    assert_clean(PREP + '''
class Log:
    def fit(self, X, y=None):
        print(X.shape)
        return self

    def transform(self, X):
        return X


X = np.load("x.npy")
X = Log().fit_transform(X)
X_train, X_test = train_test_split(X)
s = Scale().fit(X_train)
s.transform(X_train)
s.transform(X_test)
''')


def test_user_class_fitted_on_training_part_in_notebook_is_clean() -> None:
    """The preprocessor class fitted on the training part after the split (cells run out of file order)."""
    assert_clean([
        (1, "import numpy as np\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.model_selection import train_test_split"),
        (4, "p = Prep()\np.fit(X_tr)\nA = p.transform(X_tr)\nB = p.transform(X_te)"),
        (2, "class Prep:\n    def fit(self, X):\n        self.sc = StandardScaler()\n        self.sc.fit(X)\n    def transform(self, X):\n        return self.sc.transform(X)"),
        (3, "X = np.load('x.npy')\nX_tr, X_te = train_test_split(X)"),
    ])
