# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv").dropna().drop_duplicates()
df["ratio"] = df["a"] / df["b"]
df["log_a"] = df["a"].apply(lambda v: v ** 0.5)
train, test = train_test_split(df, test_size=0.2)
