# expect: LEAK-CODE-PREPROCESS
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def prepare(X, y):
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.2)
