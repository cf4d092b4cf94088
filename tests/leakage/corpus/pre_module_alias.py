# expect: LEAK-CODE-PREPROCESS
import numpy as np
import sklearn.preprocessing as pp
from sklearn.model_selection import train_test_split

X = np.load("features.npy")
y = np.load("labels.npy")
X = pp.RobustScaler().fit(X).transform(X)
Xtr, Xte, ytr, yte = train_test_split(X, y)
