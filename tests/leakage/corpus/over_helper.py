# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from imblearn.combine import SMOTETomek
from sklearn.model_selection import train_test_split


def balance(X, y):
    sampler = SMOTETomek(random_state=0)
    return sampler.fit_resample(X, y)


df = pd.read_csv("events.csv")
Xb, yb = balance(df.drop(columns="label"), df["label"])
X_train, X_test, y_train, y_test = train_test_split(Xb, yb)
