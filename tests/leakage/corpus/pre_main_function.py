# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import QuantileTransformer


def main(path="data/prices.csv"):
    df = pd.read_csv(path)
    X = QuantileTransformer().fit_transform(df[["a", "b"]])
    X_train, X_test, y_train, y_test = train_test_split(X, df["y"])
    model = Ridge().fit(X_train, y_train)
    return model.score(X_test, y_test)


if __name__ == "__main__":
    print(main())
