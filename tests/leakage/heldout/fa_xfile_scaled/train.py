# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

df = pd.read_csv("other/test.csv")
X_tr, X_te, y_tr, y_te = train_test_split(df[["a", "b"]], df["t"])
print(DecisionTreeRegressor().fit(X_tr, y_tr).score(X_te, y_te))
