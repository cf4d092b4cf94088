# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
train = train.fillna(train.median())
test = test.fillna(test.median())
model = RandomForestRegressor().fit(train.drop(columns="y"), train.y)
print(model.score(test.drop(columns="y"), test.y))
