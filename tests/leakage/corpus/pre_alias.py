# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.preprocessing import MinMaxScaler as MMS
import sklearn.model_selection as ms

data = pd.read_csv("data.csv")
features = data[["a", "b", "c"]]
target = data.label
scaler = MMS()
scaler.fit(features)
scaled = scaler.transform(features)
a, b, c, d = ms.train_test_split(scaled, target)
