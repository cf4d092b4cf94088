# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from imblearn.over_sampling import ADASYN
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import cross_val_score

df = pd.read_csv("x.csv")
X, y = ADASYN().fit_resample(df.drop(columns="t"), df.t)
print(cross_val_score(GradientBoostingClassifier(), X, y, cv=10).mean())
