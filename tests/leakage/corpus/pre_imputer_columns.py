# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

df = pd.read_csv("patients.csv")
num_cols = ["age", "bmi", "glucose"]
df[num_cols] = SimpleImputer(strategy="median").fit_transform(df[num_cols])
train, test = train_test_split(df, test_size=0.25)
