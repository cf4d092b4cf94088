# expect: none
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import resample

df = pd.read_csv("big.csv")
small = resample(df, n_samples=10000, replace=False, random_state=0)
train, test = train_test_split(small, random_state=0)
