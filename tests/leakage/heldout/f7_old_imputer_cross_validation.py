# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.cross_validation import train_test_split
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import Imputer

data = np.genfromtxt("horse.csv", delimiter=",")
X, y = data[:, :-1], data[:, -1]
X = Imputer(missing_values="NaN", strategy="mean", axis=0).fit_transform(X)  # LEAK
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
print(RandomForestClassifier().fit(X_train, y_train).score(X_test, y_test))
