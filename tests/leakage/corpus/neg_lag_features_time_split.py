# expect: none
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

df = pd.read_csv("sales.csv", parse_dates=["day"]).sort_values("day")
df["lag1"] = df["sales"].shift(1)
df["lag7"] = df["sales"].shift(7)
df = df.dropna()
train = df[df.day < "2024-01-01"]
test = df[df.day >= "2024-01-01"]
model = RandomForestRegressor().fit(train[["lag1", "lag7"]], train.sales)
print(model.score(test[["lag1", "lag7"]], test.sales))
