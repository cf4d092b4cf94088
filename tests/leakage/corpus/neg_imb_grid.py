# expect: none
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("d.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="y"), df.y, stratify=df.y)
pipe = make_pipeline(StandardScaler(), SMOTE(), LogisticRegression())
gs = GridSearchCV(pipe, {"logisticregression__C": [0.1, 1]}, cv=5).fit(X_train, y_train)
print(gs.score(X_test, y_test))
