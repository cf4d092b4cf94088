# expect: none
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y, random_state=0)
pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA()), ("svc", SVC())])
grid = GridSearchCV(pipe, {"pca__n_components": [2, 5], "svc__C": [1, 10]}, cv=5)
grid.fit(X_train, y_train)
print("held-out accuracy", grid.score(X_test, y_test))
