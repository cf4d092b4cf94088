# expect: none
import pandas as pd

df = pd.read_csv("sales.csv")
df["amount"] = df["amount"].fillna(0)
summary = df.groupby("region")["amount"].agg(["mean", "std"])
summary.to_csv("reports/summary.csv")
print(summary.head())
