# expect: LEAK-CODE-PREPROCESS
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split


def prepare(X, y):
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.2)
