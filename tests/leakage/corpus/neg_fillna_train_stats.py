# expect: none
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["a", "b"]], df.y)
medians = X_train.median()
X_train = X_train.fillna(medians)
X_test = X_test.fillna(medians)
model = LinearRegression().fit(X_train, y_train)
print(model.score(X_test, y_test))
