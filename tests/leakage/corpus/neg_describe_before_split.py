# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
print(df.describe())
print(df.mean(numeric_only=True), df["y"].value_counts(normalize=True))
train, test = train_test_split(df, random_state=0)
