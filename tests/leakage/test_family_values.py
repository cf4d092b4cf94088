"""Family 3: code passed as a value (lambdas, conditional expressions, comparisons, user functions given to .apply/.pipe/map)."""

from __future__ import annotations

from tests.leakage.family_help import assert_clean, assert_leak, run

P = "LEAK-CODE-PREPROCESS"


def test_lambda_comparing_with_the_column_mean() -> None:
    """df.apply(lambda r: r > df.x.mean()) builds a feature from a statistic of all rows."""
    assert_leak("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        df["above"] = df["x"].apply(lambda r: r > df.x.mean())  #!
        X_train, X_test = train_test_split(df[["above"]])
    """, P)


def test_lambda_in_map_scaling_by_the_maximum_in_notebook() -> None:
    """Series.map(lambda v: v / s.max()) in one cell, split in another."""
    assert_leak([
        (1, "import pandas as pd\nfrom sklearn.model_selection import KFold"),
        (2, "d = pd.read_csv('d.csv')\nd['w'] = d['w'].map(lambda v: v / d['w'].max())  #!"),
        (3, "for tr, te in KFold(3).split(d):\n    print(d.iloc[tr].w.mean())"),
    ], P)


def test_conditional_expression_with_a_statistic_threshold() -> None:
    """A conditional expression whose test compares with the median of all rows: reported where the median is computed."""
    assert_leak("""
        import numpy as np
        from sklearn.model_selection import train_test_split
        a = np.load("a.npy")
        med = np.median(a)  #!
        flag = np.array([1 if v > med else 0 for v in a])
        train_test_split(flag)
    """, P)


def test_user_function_that_fits_a_scaler_given_to_pipe() -> None:
    """A user function fitting a MinMaxScaler, passed to DataFrame.pipe before the split: reported at the fit, with its caller."""
    f = assert_leak("""
        import pandas as pd
        from sklearn.preprocessing import MinMaxScaler
        from sklearn.model_selection import train_test_split

        def squash(frame, cols):
            frame[cols] = MinMaxScaler().fit_transform(frame[cols])
            return frame

        df = pd.read_csv("d.csv").pipe(squash, ["a", "b"])  #!
        train_test_split(df)
    """, P)
    assert "MinMaxScaler" in f.fit.what


def test_user_function_given_to_builtin_map() -> None:
    """A user standardising function mapped over the columns with the builtin map."""
    assert_leak("""
        import pandas as pd
        from sklearn.model_selection import train_test_split

        def standard(col):
            return (col - col.mean()) / col.std()

        df = pd.read_csv("d.csv")
        cols = list(map(standard, [df.a, df.b]))  #!
        train_test_split(pd.concat(cols, axis=1))
    """, P)


def test_row_wise_lambdas_without_statistics_are_clean() -> None:
    """Row-wise lambdas (ratios, flags against constants) use no statistic of other rows."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        df["r"] = df.apply(lambda row: row.a / row.b if row.b else 0, axis=1)
        df["big"] = df.c.map(lambda v: v > 10)
        df = df.pipe(lambda f: f.dropna())
        train_test_split(df)
    """)


def test_row_filter_by_a_quantile_is_not_a_fitted_feature() -> None:
    """df[df.price < df.price.quantile(0.99)] drops rows by a threshold; no feature is built from it."""
    assert not run("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        df = df[(df.price < df.price.quantile(0.99)) & (df.area > 0)]
        X_train, X_test = train_test_split(df)
    """)


def test_lambda_with_training_statistic_after_split_is_clean() -> None:
    """The threshold is the training part's mean, applied to both parts."""
    assert_clean([
        (1, "import pandas as pd\nfrom sklearn.model_selection import train_test_split"),
        (2, "df = pd.read_csv('d.csv')\ntrain, test = train_test_split(df)\nm = train.x.mean()"),
        (3, "train['hi'] = train.x.apply(lambda v: v > m)\ntest['hi'] = test.x.apply(lambda v: v > m)"),
    ])


def test_equality_with_a_value_taken_from_the_data_is_no_threshold() -> None:
    """df[col] == value (a category picked from the data) is not a learned threshold."""
    assert_clean("""
        import pandas as pd
        from sklearn.model_selection import train_test_split
        df = pd.read_csv("d.csv")
        top = df["city"].mode()[0]
        df["is_top"] = (df["city"] == top).astype(int)
        train_test_split(df)
    """)
