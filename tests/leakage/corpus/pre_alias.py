# expect: LEAK-CODE-PREPROCESS
import pandas as pd
import sklearn.model_selection as ms
from sklearn.preprocessing import MinMaxScaler as MMS

data = pd.read_csv("data.csv")
features = data[["a", "b", "c"]]
target = data.label
scaler = MMS()
scaler.fit(features)
scaled = scaler.transform(features)
a, b, c, d = ms.train_test_split(scaled, target)
