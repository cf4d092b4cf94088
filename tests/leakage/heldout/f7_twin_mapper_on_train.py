# expect: none
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn_pandas import DataFrameMapper

df = pd.read_csv("customers.csv")
train_df, test_df = train_test_split(df, test_size=0.2)
mapper = DataFrameMapper([(["age", "income"], StandardScaler())])
X_tr = mapper.fit_transform(train_df)
X_te = mapper.transform(test_df)
print(LogisticRegression().fit(X_tr, train_df["bought"]).score(X_te, test_df["bought"]))
