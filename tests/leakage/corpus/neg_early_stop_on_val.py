# expect: none
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y, random_state=0)
X_tr, X_val, y_tr, y_val = train_test_split(X_train, y_train, random_state=0)
model = xgb.XGBClassifier(n_estimators=1000, early_stopping_rounds=20)
model.fit(X_tr, y_tr, eval_set=[(X_val, y_val)])
print("test accuracy", model.score(X_test, y_test))
