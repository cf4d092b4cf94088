# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

data = np.loadtxt("signals.csv", delimiter=",")
X, y = data[:, :-1], data[:, -1]
mu = X.mean(axis=0)  # LEAK
sd = X.std(axis=0)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3)
X_tr = (X_tr - mu) / sd
X_te = (X_te - mu) / sd
print(SVC().fit(X_tr, y_tr).score(X_te, y_te))
