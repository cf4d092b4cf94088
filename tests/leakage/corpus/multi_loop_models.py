# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
best_score, best_model = 0, None
for model in [LogisticRegression(), RandomForestClassifier(), GradientBoostingClassifier()]:
    model.fit(X_train, y_train)
    score = model.score(X_test, y_test)
    if score > best_score:
        best_score, best_model = score, model
print("test accuracy", best_score)
