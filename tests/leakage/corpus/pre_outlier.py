# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.model_selection import train_test_split

df = pd.read_csv("tx.csv")
mask = IsolationForest(random_state=0).fit_predict(df[["amount", "age"]]) == 1
df = df[mask]
train, test = train_test_split(df)
