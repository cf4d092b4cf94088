# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
df[["a", "b"]] = StandardScaler().fit_transform(df[["a", "b"]])
train = df.sample(frac=0.8, random_state=1)
test = df.drop(train.index)
