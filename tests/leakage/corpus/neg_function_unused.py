# expect: none
from sklearn.preprocessing import StandardScaler


def fit_scaler(X_train):
    return StandardScaler().fit(X_train)


def apply(scaler, X):
    return scaler.transform(X)
