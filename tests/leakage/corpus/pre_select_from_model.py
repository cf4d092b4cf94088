# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.feature_selection import SelectFromModel
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X, y = df.drop(columns="y"), df.y
sel = SelectFromModel(ExtraTreesClassifier(n_estimators=50)).fit(X, y)
X_new = sel.transform(X)
X_train, X_test, y_train, y_test = train_test_split(X_new, y)
clf = RandomForestClassifier().fit(X_train, y_train)
print(clf.score(X_test, y_test))
