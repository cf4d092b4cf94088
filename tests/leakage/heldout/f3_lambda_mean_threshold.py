# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

df = pd.read_csv("adult.csv")
df["rich"] = df["income"].apply(lambda v: 1 if v > df["income"].mean() else 0)  # LEAK
X_tr, X_te, y_tr, y_te = train_test_split(df[["rich", "age"]], df["label"])
print(GaussianNB().fit(X_tr, y_tr).score(X_te, y_te))
