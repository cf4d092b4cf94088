# expect: none
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("loans.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="bad"), df["bad"])
rf = RandomForestClassifier(n_estimators=300).fit(X_train, y_train)
pred = rf.predict(X_test)
print("test f1", f1_score(y_test, pred))
ranking = sorted(zip(rf.feature_importances_, X_train.columns), reverse=True)
for imp, name in ranking[:10]:
    print(f"{name}: {imp:.3f}")
