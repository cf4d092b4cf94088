# expect: none
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("data/train.csv")
sc = StandardScaler().fit(train[["x1", "x2"]])
model = LinearRegression().fit(sc.transform(train[["x1", "x2"]]), train["y"])
new = pd.read_csv("data/new_rows.csv")
new["y_pred"] = model.predict(sc.transform(new[["x1", "x2"]]))
new.to_csv("predictions/test.csv", index=False)
