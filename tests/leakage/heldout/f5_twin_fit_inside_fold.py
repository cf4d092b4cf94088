# expect: none
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

X = np.load("X.npy")
y = np.load("y.npy")
kf = KFold(n_splits=5)
for tr, te in kf.split(X):
    sc = StandardScaler().fit(X[tr])
    m = LogisticRegression().fit(sc.transform(X[tr]), y[tr])
    print(m.score(sc.transform(X[te]), y[te]))
