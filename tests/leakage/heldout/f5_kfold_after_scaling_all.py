# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

X = np.load("X.npy")
y = np.load("y.npy")
X = StandardScaler().fit_transform(X)  # LEAK
kf = KFold(n_splits=5, shuffle=True, random_state=0)
accs = []
for tr, te in kf.split(X):
    m = LogisticRegression().fit(X[tr], y[tr])
    accs.append(accuracy_score(y[te], m.predict(X[te])))
print(np.mean(accs))
