# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def scale(train, test):
    s = StandardScaler()
    return s.fit_transform(train), s.transform(test)


df = pd.read_csv("d.csv")
X_train, X_test = train_test_split(df, random_state=0)
X_train, X_test = scale(X_train, X_test)
