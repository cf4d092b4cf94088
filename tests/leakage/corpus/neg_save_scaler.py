# expect: none
import joblib
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
X_train, X_test = train_test_split(df, random_state=0)
scaler = StandardScaler().fit(X_train)
joblib.dump(scaler, "models/scaler.joblib")
pd.DataFrame(scaler.transform(X_test)).to_csv("data/test_scaled.csv", index=False)
