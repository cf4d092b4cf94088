# expect: none
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.datasets import fetch_openml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

X, y = fetch_openml("diabetes", version=1, return_X_y=True)
model = make_pipeline(StandardScaler(), SMOTE(), LogisticRegression(max_iter=500))
print(cross_val_score(model, X, y, cv=StratifiedKFold(5)).mean())
