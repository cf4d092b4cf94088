# expect: LEAK-CODE-MULTITEST
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df[["a"]], df.y)
alphas = [0.01, 0.1, 1.0, 10.0]
scores = [Ridge(alpha=a).fit(X_train, y_train).score(X_test, y_test) for a in alphas]
best = alphas[scores.index(max(scores))]
print(best, max(scores))
