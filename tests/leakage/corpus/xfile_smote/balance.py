# expect: none
import pandas as pd
from imblearn.over_sampling import SMOTE

DATA = "data/raw.csv"
OUT = "data/balanced.parquet"
df = pd.read_csv(DATA)
X, y = SMOTE().fit_resample(df.drop(columns="t"), df["t"])
X.assign(t=y).to_parquet(OUT)
