# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

df = pd.read_csv("adult.csv")
ct = ColumnTransformer([("num", StandardScaler(), ["age"]), ("cat", OneHotEncoder(), ["job"])])
features = ct.fit_transform(df)
f_train, f_test, l_train, l_test = train_test_split(features, df["income"])
