# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
model = GradientBoostingClassifier().fit(X_train, y_train)
print(classification_report(y_train, model.predict(X_train)))
