# expect: none
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import Normalizer

X = np.load("X.npy")
y = np.load("y.npy")
X = Normalizer().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
