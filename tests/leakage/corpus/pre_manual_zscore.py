# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("sensor.csv")
df["temp"] = (df["temp"] - df["temp"].mean()) / df["temp"].std()
train_df, test_df = train_test_split(df, test_size=0.3)
