# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

df = pd.read_csv("./data/processed.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df["y"], random_state=0)
print(LogisticRegression().fit(X_train, y_train).score(X_test, y_test))
