# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn import preprocessing
from sklearn.model_selection import train_test_split

X = np.genfromtxt("x.csv", delimiter=",")
y = np.genfromtxt("y.csv", delimiter=",")
X = preprocessing.scale(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
