# expect: none
import pandas as pd
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["a"]], df.y, random_state=0)
tree = DecisionTreeRegressor(max_depth=4).fit(X_train, y_train)
print("train MAE", mean_absolute_error(y_train, tree.predict(X_train)))
print("test MAE", mean_absolute_error(y_test, tree.predict(X_test)))
