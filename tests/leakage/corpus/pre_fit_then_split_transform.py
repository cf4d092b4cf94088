# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
X, y = df.drop("y", axis=1), df.y
sc = StandardScaler()
sc.fit(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
X_train = sc.transform(X_train)
X_test = sc.transform(X_test)
