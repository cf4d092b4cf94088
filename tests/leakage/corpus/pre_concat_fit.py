# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
full = pd.concat([train, test], axis=0)
scaler = StandardScaler().fit(full[["x1", "x2"]])
train[["x1", "x2"]] = scaler.transform(train[["x1", "x2"]])
test[["x1", "x2"]] = scaler.transform(test[["x1", "x2"]])
