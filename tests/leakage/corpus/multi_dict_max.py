# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
results = {}
for k in range(1, 30):
    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    results[k] = accuracy_score(y_test, knn.predict(X_test))
best_k = max(results, key=results.get)
print(best_k, results[best_k])
