# expect: none
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

df = pd.read_csv("fraud.csv")
pipe = ImbPipeline([("smote", SMOTE()), ("rf", RandomForestClassifier())])
print(cross_val_score(pipe, df.drop(columns="c"), df.c, cv=5).mean())
