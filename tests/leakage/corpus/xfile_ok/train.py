# expect: none
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
sc = StandardScaler().fit(train.drop(columns="y"))
clf = LogisticRegression().fit(sc.transform(train.drop(columns="y")), train.y)
print(clf.score(sc.transform(test.drop(columns="y")), test.y))
