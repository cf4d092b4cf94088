# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn import cross_validation
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

X = np.loadtxt("ionosphere.csv", delimiter=",")[:, :-1]
y = np.loadtxt("ionosphere.csv", delimiter=",")[:, -1]
X = StandardScaler().fit_transform(X)  # LEAK
for train_index, test_index in cross_validation.KFold(len(X), n_folds=5):
    lr = LogisticRegression().fit(X[train_index], y[train_index])
    print(lr.score(X[test_index], y[test_index]))
