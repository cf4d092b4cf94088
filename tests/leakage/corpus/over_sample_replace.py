# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("rare.csv")
pos = df[df.y == 1].sample(n=5000, replace=True, random_state=0)
df = pd.concat([df[df.y == 0], pos])
train, test = train_test_split(df, stratify=df.y)
