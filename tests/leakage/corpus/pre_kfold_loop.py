# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

X = np.loadtxt("x.txt")
y = np.loadtxt("y.txt")
X = StandardScaler().fit_transform(X)
kf = KFold(n_splits=5, shuffle=True, random_state=0)
for train_idx, test_idx in kf.split(X):
    model = SVC().fit(X[train_idx], y[train_idx])
    print(model.score(X[test_idx], y[test_idx]))
