# expect: none
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y, random_state=0)
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, random_state=1)
best, best_n = 0.0, None
for n in (50, 100, 200):
    rf = RandomForestClassifier(n_estimators=n, random_state=0).fit(X_fit, y_fit)
    acc = rf.score(X_val, y_val)
    if acc > best:
        best, best_n = acc, n
final = RandomForestClassifier(n_estimators=best_n, random_state=0).fit(X_train, y_train)
print("test accuracy", final.score(X_test, y_test))
