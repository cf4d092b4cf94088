# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

df = pd.read_csv("titanic.csv")
train, test = train_test_split(df, test_size=0.25, random_state=0)
train = train.copy()
test = test.copy()
for part in [train, test]:
    part["Age"].fillna(train["Age"].median(), inplace=True)
    part["Embarked"].fillna(train["Embarked"].mode()[0], inplace=True)
clf = DecisionTreeClassifier().fit(train[["Age", "Pclass"]], train.Survived)
print(clf.score(test[["Age", "Pclass"]], test.Survived))
