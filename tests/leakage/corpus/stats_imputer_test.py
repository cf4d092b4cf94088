# expect: LEAK-CODE-TEST-STATS
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

X = np.load("X.npy")
y = np.load("y.npy")
X_tr, X_te, y_tr, y_te = train_test_split(X, y)
imp = SimpleImputer()
X_tr = imp.fit_transform(X_tr)
imp_test = SimpleImputer().fit(X_te)
X_te = imp_test.transform(X_te)
