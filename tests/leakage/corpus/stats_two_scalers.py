# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
train, test = train_test_split(df)
train_scaled = MinMaxScaler().fit_transform(train)
test_scaled = MinMaxScaler().fit_transform(test)
