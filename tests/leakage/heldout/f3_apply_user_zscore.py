# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split


def zscore(col):
    return (col - col.mean()) / col.std()

wine = pd.read_csv("winequality.csv")
cols = ["acidity", "sugar", "alcohol"]
wine[cols] = wine[cols].apply(zscore)  # LEAK
train, test = train_test_split(wine, test_size=0.2)
rf = RandomForestClassifier().fit(train[cols], train["quality"])
print(rf.score(test[cols], test["quality"]))
