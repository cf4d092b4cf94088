# expect: none
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline

df = pd.read_csv("d.csv")
model = make_pipeline(SimpleImputer(), HistGradientBoostingRegressor())
res = cross_validate(model, df.drop(columns="y"), df["y"], cv=KFold(5, shuffle=True, random_state=0))
print(res["test_score"].mean())
