# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

df = pd.read_csv("d.csv")
X_rest, X_hold, y_rest, y_hold = train_test_split(df.drop(columns="y"), df.y, random_state=0)
X_fit, X_sel, y_fit, y_sel = train_test_split(X_rest, y_rest, random_state=0)
scores = {}
for k in (1, 3, 5, 7):
    scores[k] = KNeighborsClassifier(k).fit(X_fit, y_fit).score(X_sel, y_sel)
print(scores)
