# expect: none
import pandas as pd
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("ts.csv", parse_dates=["date"]).sort_values("date")
cutoff = int(len(df) * 0.8)
train = df.iloc[:cutoff]
test = df.iloc[cutoff:]
sc = StandardScaler().fit(train[["x"]])
train_x = sc.transform(train[["x"]])
test_x = sc.transform(test[["x"]])
