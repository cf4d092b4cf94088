# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

df = pd.read_csv("iris.csv")
X = StandardScaler().fit_transform(df.drop(columns="species"))
search = GridSearchCV(SVC(), {"C": [0.1, 1, 10]}, cv=5)
search.fit(X, df["species"])
print(search.best_score_)
