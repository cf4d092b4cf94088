# expect: none
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

X, y = np.load("X.npy"), np.load("y.npy")
for tr, te in StratifiedKFold(5).split(X, y):
    sc = StandardScaler().fit(X[tr])
    model = LogisticRegression().fit(sc.transform(X[tr]), y[tr])
    print(model.score(sc.transform(X[te]), y[te]))
