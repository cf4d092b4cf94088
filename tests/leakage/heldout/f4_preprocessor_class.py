# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Preprocessor:
    def fit(self, X):
        self.scaler = StandardScaler().fit(X)
        return self

    def transform(self, X):
        return self.scaler.transform(X)


df = pd.read_csv("churn.csv")
X, y = df.drop(columns="churn"), df["churn"]
prep = Preprocessor()
prep.fit(X)  # LEAK
X_scaled = prep.transform(X)
X_tr, X_te, y_tr, y_te = train_test_split(X_scaled, y)
print(LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te))
