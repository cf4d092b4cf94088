# expect: none
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
X_tr, X_te, y_tr, y_te = train_test_split(df.drop(columns="churn"), df["churn"])
prep = Preprocessor().fit(X_tr)
model = LogisticRegression().fit(prep.transform(X_tr), y_tr)
print(model.score(prep.transform(X_te), y_te))
