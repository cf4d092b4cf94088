# expect: none
import pandas as pd
from sklearn.preprocessing import StandardScaler

raw = pd.read_csv("data/raw.csv")
cols = ["x1", "x2", "x3"]
raw[cols] = StandardScaler().fit_transform(raw[cols])
raw.to_csv("data/processed.csv", index=False)
