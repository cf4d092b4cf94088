# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def normalise(frame):
    scaler = StandardScaler()
    return pd.DataFrame(scaler.fit_transform(frame), columns=frame.columns)


def load():
    return pd.read_csv("data/raw.csv")


df = load()
X = normalise(df.drop(columns="target"))
y = df["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)
