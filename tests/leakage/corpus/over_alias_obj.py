# expect: LEAK-CODE-OVERSAMPLE
import pandas as pd
from imblearn.over_sampling import RandomOverSampler as ROS
from sklearn import model_selection

df = pd.read_csv("claims.csv")
X = df.iloc[:, :-1]
y = df.iloc[:, -1]
ros = ROS()
X, y = ros.fit_resample(X, y)
tr_X, te_X, tr_y, te_y = model_selection.train_test_split(X, y)
