# expect: none
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler


class Scaling:
    def fit(self, X):
        self.mm = MinMaxScaler().fit(X)
        return self

    def transform(self, X):
        return self.mm.transform(X)


class ShapeLogger:
    def fit(self, X):
        print("rows", len(X), "cols", X.shape[1])
        return self

    def transform(self, X):
        return X


df = pd.read_csv("rent.csv")
X = df.drop(columns="rent")
log = ShapeLogger()
log.fit(X)
X = log.transform(X)
X_tr, X_te, y_tr, y_te = train_test_split(X, df["rent"])
sc = Scaling().fit(X_tr)
print(LinearRegression().fit(sc.transform(X_tr), y_tr).score(sc.transform(X_te), y_te))
