# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

df = pd.read_csv("telco.csv")
ct = ColumnTransformer([("num", StandardScaler(), ["tenure", "charges"]), ("cat", OneHotEncoder(), ["contract"])])
X = ct.fit_transform(df)  # LEAK
print(cross_val_score(LogisticRegression(), X, df["churn"], cv=5).mean())
