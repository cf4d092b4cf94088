# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.model_selection import train_test_split

df = pd.read_csv("genes.csv")
X, y = df.iloc[:, :-1], df.iloc[:, -1]
X_sel = SelectKBest(f_classif, k=20).fit_transform(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_sel, y, stratify=y)
clf = RandomForestClassifier().fit(X_train, y_train)
print(clf.score(X_test, y_test))
