# expect: none
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

X, y = np.load("X.npy"), np.load("y.npy")
X_train, X_test, y_train, y_test = train_test_split(X, y)
pred = LinearRegression().fit(X_train, y_train).predict(X_test)
r2 = 1 - ((y_test - pred) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()
print(r2)
