# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC

X = np.genfromtxt("spam.csv", delimiter=",")[:, :-1]
y = np.genfromtxt("spam.csv", delimiter=",")[:, -1]
scaled = MinMaxScaler().fit_transform(X)  # LEAK
cv = ShuffleSplit(n_splits=3, test_size=0.3)
splits = cv.split(scaled)
for a, b in splits:
    print(SVC().fit(scaled[a], y[a]).score(scaled[b], y[b]))
