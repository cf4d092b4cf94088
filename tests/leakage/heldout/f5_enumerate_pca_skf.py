# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold

df = pd.read_csv("genes.csv")
y = df.pop("label").values
X_pca = PCA(n_components=20).fit_transform(df.values)  # LEAK
skf = StratifiedKFold(n_splits=4)
for fold, (train_idx, valid_idx) in enumerate(skf.split(X_pca, y)):
    rf = RandomForestClassifier().fit(X_pca[train_idx], y[train_idx])
    print(fold, rf.score(X_pca[valid_idx], y[valid_idx]))
