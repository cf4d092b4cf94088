# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score


class Cleaner:
    def __init__(self, strategy="median"):
        self.imputer = SimpleImputer(strategy=strategy)

    def prepare(self, frame):
        return self.imputer.fit_transform(frame)


df = pd.read_csv("energy.csv")
cleaner = Cleaner()
X = cleaner.prepare(df.drop(columns="load"))  # LEAK
print(cross_val_score(GradientBoostingRegressor(), X, df["load"], cv=5))
