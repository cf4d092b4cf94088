# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder

df = pd.read_csv("d.csv")
for col in ["city", "plan"]:
    df[col] = LabelEncoder().fit_transform(df[col])
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y)
