# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

normalize = True
X = np.load("pixels.npy")
y = np.load("digits.npy")
X = X / X.max() if normalize else X  # LEAK
X_train, X_test, y_train, y_test = train_test_split(X, y)
print(MLPClassifier().fit(X_train, y_train).score(X_test, y_test))
