# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

houses = pd.read_csv("houses.csv")
X = houses.drop(columns="price")
y = houses["price"]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)
X_train["lot"] = X_train["lot"].fillna(X["lot"].mean())  # LEAK
X_test["lot"] = X_test["lot"].fillna(X["lot"].mean())
rf = RandomForestRegressor().fit(X_train, y_train)
print(rf.score(X_test, y_test))
