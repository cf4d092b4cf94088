# expect: none
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("../input/competition/test.csv")
X_tr, X_te, y_tr, y_te = train_test_split(df[["x1", "x2"]], df["y"])
print(LinearRegression().fit(X_tr, y_tr).score(X_te, y_te))
