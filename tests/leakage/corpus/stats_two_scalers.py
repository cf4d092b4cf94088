# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

df = pd.read_csv("d.csv")
train, test = train_test_split(df)
train_scaled = MinMaxScaler().fit_transform(train)
test_scaled = MinMaxScaler().fit_transform(test)
