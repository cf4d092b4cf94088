"""Family 7: wrappers and old names (DataFrameMapper, ColumnTransformer, make_pipeline, Imputer, Keras text layers)."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak

P = "LEAK-CODE-PREPROCESS"


def test_dataframe_mapper_fitted_on_all_rows() -> None:
    """sklearn_pandas.DataFrameMapper fitted on the whole frame, then split."""
    assert_leak("""
        import pandas as pd
        import sklearn_pandas
        from sklearn.preprocessing import StandardScaler
        from sklearn.model_selection import train_test_split
        frame = pd.read_csv("f.csv")
        m = sklearn_pandas.DataFrameMapper([(["x"], StandardScaler())], df_out=True)
        out = m.fit_transform(frame)  #!
        tr, te = train_test_split(out)
    """, P)


def test_old_imputer_with_cross_validation_module_in_notebook() -> None:
    """The removed sklearn.preprocessing.Imputer fitted on all rows, then sklearn.cross_validation.train_test_split."""
    assert_leak([
        (1, "from sklearn.preprocessing import Imputer\nfrom sklearn import cross_validation\nimport pandas as pd"),
        (2, "d = pd.read_csv('h.csv')\nimp = Imputer(strategy='median')\nvals = imp.fit_transform(d)  #!"),
        (3, "a, b = cross_validation.train_test_split(vals, test_size=0.2)"),
    ], P)


def test_make_pipeline_of_preprocessors_fitted_before_cv() -> None:
    """make_pipeline(SimpleImputer, PowerTransformer).fit_transform on all rows, then cross_val_score."""
    assert_leak("""
        import numpy as np
        from sklearn.pipeline import make_pipeline
        from sklearn.impute import SimpleImputer
        from sklearn.preprocessing import PowerTransformer
        from sklearn.model_selection import cross_val_score
        from sklearn.linear_model import Lasso
        X, y = np.load("x.npy"), np.load("y.npy")
        X = make_pipeline(SimpleImputer(), PowerTransformer()).fit_transform(X)  #!
        cross_val_score(Lasso(), X, y)
    """, P)


def test_column_transformer_fit_then_transform_then_split() -> None:
    """A ColumnTransformer fitted on all rows (fit, then transform), split afterwards."""
    assert_leak("""
        import pandas as pd
        from sklearn.compose import make_column_transformer
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import OneHotEncoder
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("c.csv")
        ct = ColumnTransformer([("oh", OneHotEncoder(), ["city"])], remainder="passthrough")
        ct.fit(df)  #!
        enc = ct.transform(df)
        X_train, X_test = train_test_split(enc)
    """, P)


def test_keras_tokenizer_and_text_vectorization_adapt() -> None:
    """Tokenizer.fit_on_texts and TextVectorization.adapt on all texts before the split."""
    assert_leak("""
        import pandas as pd
        from tensorflow.keras.preprocessing.text import Tokenizer
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("t.csv")
        t = Tokenizer()
        t.fit_on_texts(df.body.values)  #!
        mat = t.texts_to_matrix(df.body.values, mode="tfidf")
        train_test_split(mat, df.y)
    """, P)
    assert_leak([
        (1, "import tensorflow as tf\nimport pandas as pd\nfrom sklearn.model_selection import train_test_split"),
        (2, "df = pd.read_csv('t.csv')\nlayer = tf.keras.layers.TextVectorization()\nlayer.adapt(df.body.values)  #!\nseq = layer(df.body.values)"),
        (3, "a, b = train_test_split(seq)"),
    ], P)


def test_column_transformer_in_pipeline_is_clean() -> None:
    """A ColumnTransformer inside a Pipeline evaluated with cross-validation."""
    assert_clean("""
        import pandas as pd
        from sklearn.compose import make_column_transformer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.model_selection import cross_val_score
        from sklearn.linear_model import Ridge
        df = pd.read_csv("c.csv")
        prep = make_column_transformer((StandardScaler(), ["a", "b"]))
        cross_val_score(make_pipeline(prep, Ridge()), df, df.y)
    """)


def test_tokenizer_fitted_on_training_texts_is_clean() -> None:
    """Split first, then Tokenizer.fit_on_texts on the training texts only."""
    assert_clean("""
        import pandas as pd
        from keras.preprocessing.text import Tokenizer
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("t.csv")
        x_train, x_test = train_test_split(df.body)
        tk = Tokenizer(num_words=100)
        tk.fit_on_texts(x_train)
        tr = tk.texts_to_sequences(x_train)
        te = tk.texts_to_sequences(x_test)
    """)
