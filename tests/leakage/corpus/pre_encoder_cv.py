# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("churn.csv")
y = df.pop("churn")
X = StandardScaler().fit_transform(df)
scores = cross_val_score(LogisticRegression(), X, y, cv=5)
print(scores.mean())
