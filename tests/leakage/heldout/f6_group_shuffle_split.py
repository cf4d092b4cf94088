# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import GroupShuffleSplit
from sklearn.preprocessing import RobustScaler

df = pd.read_csv("visits.csv")
X = RobustScaler().fit_transform(df[["a", "b", "c"]])  # LEAK
y = df["y"].values
gss = GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0)
train_idx, test_idx = next(gss.split(X, y, groups=df["patient"]))
rf = RandomForestRegressor().fit(X[train_idx], y[train_idx])
print(rf.score(X[test_idx], y[test_idx]))
