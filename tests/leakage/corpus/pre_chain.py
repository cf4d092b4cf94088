# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

X = pd.read_parquet("x.parquet").dropna().reset_index(drop=True)
y = X.pop("label")
X_red = PCA(n_components=10).fit_transform(X.values.astype("float32"))
X_tr, X_te, y_tr, y_te = train_test_split(X_red, y)
