# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import train_test_split

df = pd.read_csv("fraud.csv")
X, y = df.drop(columns="is_fraud"), df["is_fraud"]
X_res, y_res = SMOTE(random_state=42).fit_resample(X, y)
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, test_size=0.2)
