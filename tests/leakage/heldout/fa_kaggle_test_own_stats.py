# expect: none
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("../input/train.csv")
test = pd.read_csv("../input/test.csv")
features = ["Age", "Fare"]
train[features] = train[features].fillna(train[features].median())
test[features] = test[features].fillna(test[features].median())
X = train[features]
X_test = StandardScaler().fit_transform(test[features])
clf = LogisticRegression()
print(cross_val_score(clf, X, train["Survived"], cv=5).mean())
clf.fit(X, train["Survived"])
pd.DataFrame({"PassengerId": test.PassengerId, "Survived": clf.predict(X_test)}).to_csv("submission.csv", index=False)
