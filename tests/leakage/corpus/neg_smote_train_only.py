# expect: none
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("fraud.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="c"), df.c, stratify=df.c)
X_res, y_res = SMOTE(random_state=0).fit_resample(X_train, y_train)
clf = LogisticRegression().fit(X_res, y_res)
print(clf.score(X_test, y_test))
