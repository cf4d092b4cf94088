# expect: none
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y, random_state=0)
search = GridSearchCV(RandomForestClassifier(), {"max_depth": [3, 5, None]}, cv=5)
search.fit(X_train, y_train)
print("test", search.best_estimator_.score(X_test, y_test))
