# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
models = {"lr": LogisticRegression(), "svc": SVC(), "rf": RandomForestClassifier()}
scores = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    scores[name] = model.score(X_test, y_test)
best = max(scores, key=scores.get)
print("best model:", best, "test accuracy:", scores[best])
