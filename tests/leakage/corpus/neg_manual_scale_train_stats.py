# expect: none
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["a", "b"]], df.y)
mu, sd = X_train.mean(), X_train.std()
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd
print(Ridge().fit(X_train, y_train).score(X_test, y_test))
