# expect: none
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
pipe = make_pipeline(StandardScaler(), LogisticRegression())
scores = cross_val_score(pipe, df.drop(columns="y"), df.y, cv=5)
print(scores.mean())
