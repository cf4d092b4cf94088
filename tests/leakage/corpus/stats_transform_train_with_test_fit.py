# expect: LEAK-CODE-TEST-STATS
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
X_train, X_test = train_test_split(df)
scaler = StandardScaler().fit(X_test)
X_train_s = scaler.transform(X_train)
