# expect: none
import pandas as pd
from sklearn.preprocessing import StandardScaler

raw = pd.read_csv("raw/readings.csv")
raw[["a", "b"]] = StandardScaler().fit_transform(raw[["a", "b"]])
raw.to_csv("out/test.csv", index=False)
