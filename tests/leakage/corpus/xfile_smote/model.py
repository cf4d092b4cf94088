# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

df = pd.read_parquet("data/balanced.parquet")
print(cross_val_score(RandomForestClassifier(), df.drop(columns="t"), df.t).mean())
