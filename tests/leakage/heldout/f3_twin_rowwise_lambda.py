# expect: none
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

df = pd.read_csv("flats.csv")
df["price_per_m2"] = df.apply(lambda r: r["price"] / r["area"] if r["area"] else np.nan, axis=1)
df["big"] = df["rooms"].map(lambda n: n > 3)
df = df.dropna()
X_tr, X_te, y_tr, y_te = train_test_split(df[["area", "big"]], df["price"])
print(Ridge().fit(X_tr, y_tr).score(X_te, y_te))
