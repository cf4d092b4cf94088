# expect: none
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Trainer:
    def prepare(self, df):
        X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df["y"], test_size=0.2)
        scaler = StandardScaler().fit(X_train)
        return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
