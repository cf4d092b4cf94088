# expect: none
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("customers.csv")
X = StandardScaler().fit_transform(df[["recency", "frequency", "monetary"]])
df["segment"] = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(X)
df.to_csv("segments.csv", index=False)
