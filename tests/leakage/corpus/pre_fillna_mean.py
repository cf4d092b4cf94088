# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("loans.csv")
df = df.fillna(df.mean(numeric_only=True))
X_train, X_test = train_test_split(df, random_state=0)
