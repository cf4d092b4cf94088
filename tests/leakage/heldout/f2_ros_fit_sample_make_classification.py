# expect: LEAK-CODE-OVERSAMPLE
from imblearn.over_sampling import RandomOverSampler
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

X, y = make_classification(n_samples=2000, weights=[0.95], random_state=3)
ros = RandomOverSampler()
X_bal, y_bal = ros.fit_sample(X, y)  # LEAK
print(cross_val_score(LogisticRegression(), X_bal, y_bal, cv=10, scoring="f1").mean())
