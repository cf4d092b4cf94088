# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler as MMS
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
X_tr, X_te, y_tr, y_te = train_test_split(df[["a", "b"]], df["y"])
mms = MMS()
X_tr = mms.fit_transform(X_tr)
X_te = mms.transform(X_te)
print(SVC().fit(X_tr, y_tr).score(X_te, y_te))
