# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

df = pd.read_csv("prices.csv")
values = MinMaxScaler().fit_transform(df[["close"]])
n = int(len(values) * 0.8)
train = values[:n]
test = values[n:]
