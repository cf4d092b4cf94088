# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("data.csv")
prep = make_pipeline(StandardScaler(), PCA(5))
Z = prep.fit_transform(df.drop(columns="y"))
Z_train, Z_test, y_train, y_test = train_test_split(Z, df.y)
