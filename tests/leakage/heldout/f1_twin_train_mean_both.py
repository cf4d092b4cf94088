# expect: none
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("cars.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["hp", "weight"]], df["mpg"])
means = X_train.mean()
X_train = X_train.fillna(means)
X_test = X_test.fillna(means)
print(LinearRegression().fit(X_train, y_train).score(X_test, y_test))
