# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from scipy.stats import zscore
from sklearn.linear_model import Lasso
from sklearn.model_selection import KFold, cross_val_score

df = pd.read_csv("d.csv")
X = df[["a", "b", "c"]].apply(zscore)
print(cross_val_score(Lasso(), X, df.y, cv=KFold(5)).mean())
