# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X = df.drop(columns=["y"])
X = (X - X.min()) / (X.max() - X.min())
X_train, X_test, y_train, y_test = train_test_split(X, df.y)
