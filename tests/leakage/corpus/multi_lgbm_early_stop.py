# expect: LEAK-CODE-MULTITEST
import lightgbm as lgb
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
model = lgb.LGBMClassifier(n_estimators=2000)
model.fit(X_train, y_train, eval_set=[(X_test, y_test)], callbacks=[lgb.early_stopping(50)])
print("AUC", roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
