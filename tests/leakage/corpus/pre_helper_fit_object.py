# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def make_scaler(frame):
    s = StandardScaler()
    s.fit(frame)
    return s


df = pd.read_csv("x.csv")
scaler = make_scaler(df)
X_train, X_test = train_test_split(df)
X_test_s = scaler.transform(X_test)
