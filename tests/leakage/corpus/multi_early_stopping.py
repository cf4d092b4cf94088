# expect: LEAK-CODE-MULTITEST
import pandas as pd
import xgboost as xgb
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
model = xgb.XGBClassifier(n_estimators=1000)
model.fit(X_train, y_train, eval_set=[(X_test, y_test)], early_stopping_rounds=20)
print(model.score(X_test, y_test))
