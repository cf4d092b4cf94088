# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
gs = GridSearchCV(SVC(), {"C": [1, 10]})
gs.fit(X_test, y_test)
print(gs.best_score_)
