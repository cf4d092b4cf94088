# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer, StandardScaler
from sklearn_pandas import DataFrameMapper

df = pd.read_csv("customers.csv")
mapper = DataFrameMapper([(["age", "income"], StandardScaler()), ("city", LabelBinarizer())])
features = mapper.fit_transform(df)  # LEAK
X_tr, X_te, y_tr, y_te = train_test_split(features, df["bought"])
print(LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te))
