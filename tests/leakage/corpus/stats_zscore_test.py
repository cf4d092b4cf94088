# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.svm import SVR

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["a", "b"]], df["y"])
X_train = (X_train - X_train.mean()) / X_train.std()
X_test = (X_test - X_test.mean()) / X_test.std()
model = SVR().fit(X_train, y_train)
pred = model.predict(X_test)
