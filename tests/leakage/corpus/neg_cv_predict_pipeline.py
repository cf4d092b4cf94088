# expect: none
import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import cross_validate, KFold

df = pd.read_csv("d.csv")
model = make_pipeline(SimpleImputer(), HistGradientBoostingRegressor())
res = cross_validate(model, df.drop(columns="y"), df["y"], cv=KFold(5, shuffle=True, random_state=0))
print(res["test_score"].mean())
