# expect: none
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
scaler = StandardScaler()
X_train = scaler.fit_transform(train.drop(columns="y"))
X_test = scaler.transform(test.drop(columns="y"))
clf = RandomForestClassifier().fit(X_train, train.y)
print(clf.score(X_test, test.y))
