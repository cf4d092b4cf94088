# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.linear_model import LinearRegression

X_train = pd.read_csv("X_train.csv")
X_test = pd.read_csv("X_test.csv")
y_train = pd.read_csv("y_train.csv")
X_train = (X_train - X_test.mean()) / X_test.std()
model = LinearRegression().fit(X_train, y_train)
