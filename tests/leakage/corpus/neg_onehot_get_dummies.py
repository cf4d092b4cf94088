# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
df = pd.get_dummies(df, columns=["color"])
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
