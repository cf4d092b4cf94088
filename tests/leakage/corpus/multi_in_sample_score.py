# expect: LEAK-CODE-MULTITEST
import numpy as np
from sklearn.linear_model import LinearRegression

X = np.load("X.npy")
y = np.load("y.npy")
reg = LinearRegression()
reg.fit(X, y)
print("R2", reg.score(X, y))
