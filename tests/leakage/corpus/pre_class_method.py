# expect: LEAK-CODE-PREPROCESS
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


class Trainer:
    def __init__(self, path):
        self.path = path

    def prepare(self, df):
        X = StandardScaler().fit_transform(df.drop(columns="y"))
        return train_test_split(X, df["y"], test_size=0.2)
