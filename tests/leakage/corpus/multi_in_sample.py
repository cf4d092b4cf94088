# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

df = pd.read_csv("d.csv")
X, y = df.drop(columns="y"), df["y"]
clf = RandomForestClassifier(random_state=0).fit(X, y)
print("accuracy:", accuracy_score(y, clf.predict(X)))
