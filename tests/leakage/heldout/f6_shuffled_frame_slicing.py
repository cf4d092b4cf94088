# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("bank.csv").sample(frac=1, random_state=7).reset_index(drop=True)
num = ["age", "balance", "duration"]
df[num] = (df[num] - df[num].mean()) / df[num].std()  # LEAK
cut = int(len(df) * 0.8)
train_part = df.iloc[:cut]
holdout = df.iloc[cut:]
clf = LogisticRegression().fit(train_part[num], train_part["y"])
print(clf.score(holdout[num], holdout["y"]))
