# expect: none
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.model_selection import StratifiedKFold

train = pd.read_csv("train.csv")
X = train.drop(columns=["id", "target"])
y = train["target"]
oof = pd.Series(0.0, index=X.index)
for n_fold, (trn_idx, val_idx) in enumerate(StratifiedKFold(5, shuffle=True, random_state=42).split(X, y)):
    clf = LGBMClassifier(n_estimators=200)
    clf.fit(X.iloc[trn_idx], y.iloc[trn_idx])
    oof.iloc[val_idx] = clf.predict_proba(X.iloc[val_idx])[:, 1]
print(oof.mean())
