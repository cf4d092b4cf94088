# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
X_train, X_test = train_test_split(df, random_state=0)
scaler_train = StandardScaler()
scaler_test = StandardScaler()
X_train_scaled = scaler_train.fit_transform(X_train)
X_test_scaled = scaler_test.fit_transform(X_test)
