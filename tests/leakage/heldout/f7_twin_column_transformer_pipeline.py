# expect: none
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

df = pd.read_csv("telco.csv")
ct = ColumnTransformer([("num", StandardScaler(), ["tenure", "charges"]), ("cat", OneHotEncoder(), ["contract"])])
pipe = Pipeline([("prep", ct), ("clf", LogisticRegression())])
print(cross_val_score(pipe, df, df["churn"], cv=5).mean())
