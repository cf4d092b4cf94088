# expect: none
import numpy as np
from sklearn.preprocessing import OneHotEncoder

X = np.array([["a"], ["b"], ["a"]])
enc = OneHotEncoder().fit(X)
X_test = np.array([["b"], ["c"]])
print(enc.transform(X_test))
