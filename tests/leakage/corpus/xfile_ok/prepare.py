# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split

raw = pd.read_csv("data/raw.csv").dropna()
train, test = train_test_split(raw, random_state=0)
train.to_csv("data/train.csv", index=False)
test.to_csv("data/test.csv", index=False)
