# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

train = pd.read_csv("../input/train.csv")
test = pd.read_csv("../input/test.csv")
n_train = train.shape[0]
y = train.Survived
full = pd.concat([train.drop("Survived", axis=1), test], ignore_index=True)
full["Age"].fillna(full["Age"].median(), inplace=True)  # LEAK
full["Fare"].fillna(full["Fare"].mean(), inplace=True)
train_x = full[:n_train]
test_x = full[n_train:]
clf = LogisticRegression()
print(cross_val_score(clf, train_x[["Age", "Fare"]], y, cv=5).mean())
clf.fit(train_x[["Age", "Fare"]], y)
pd.DataFrame({"Survived": clf.predict(test_x[["Age", "Fare"]])}).to_csv("submission.csv")
