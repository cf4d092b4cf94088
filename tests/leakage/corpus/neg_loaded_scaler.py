# expect: none
import joblib
import pandas as pd

scaler = joblib.load("models/scaler.joblib")
model = joblib.load("models/model.joblib")
X_test = pd.read_csv("data/test.csv")
print(model.predict(scaler.transform(X_test)))
