# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def prep(frame):
    X = frame.drop(columns="y")
    return StandardScaler().fit_transform(X), frame["y"]


df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(*prep(df), test_size=0.3)
