# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

df = pd.read_csv("adult.csv")
train, test = train_test_split(df, random_state=0)
cut = train["income"].mean()
train["rich"] = train["income"].apply(lambda v: int(v > cut))
test["rich"] = test["income"].apply(lambda v: int(v > cut))
print(GaussianNB().fit(train[["rich"]], train.label).score(test[["rich"]], test.label))
