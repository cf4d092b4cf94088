# expect: LEAK-CODE-MULTITEST
import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

X, y = np.load("X.npy"), np.load("y.npy")
X_train, X_test, y_train, y_test = train_test_split(X, y)
scores = []
depths = [2, 4, 8, 16]
for d in depths:
    tree = DecisionTreeClassifier(max_depth=d).fit(X_train, y_train)
    scores.append(f1_score(y_test, tree.predict(X_test)))
print("best depth", depths[int(np.argmax(scores))], max(scores))
