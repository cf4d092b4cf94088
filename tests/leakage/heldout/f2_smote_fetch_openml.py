# expect: LEAK-CODE-OVERSAMPLE
from imblearn.over_sampling import SMOTE
from sklearn.datasets import fetch_openml
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

X, y = fetch_openml("credit-g", version=1, return_X_y=True, as_frame=False)
X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)  # LEAK
X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, stratify=y_res)
print(RandomForestClassifier().fit(X_train, y_train).score(X_test, y_test))
