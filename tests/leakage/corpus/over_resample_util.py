# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils import resample

df = pd.read_csv("churn.csv")
majority = df[df.churn == 0]
minority = df[df.churn == 1]
minority_up = resample(minority, replace=True, n_samples=len(majority), random_state=1)
balanced = pd.concat([majority, minority_up])
X_train, X_test, y_train, y_test = train_test_split(balanced.drop(columns="churn"), balanced.churn)
