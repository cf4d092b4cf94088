# expect: none
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

X, y = np.load("X.npy"), np.load("y.npy")
X = X - X.min()
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
print(MultinomialNB().fit(X_train, y_train).score(X_test, y_test))
