# expect: none
from imblearn.under_sampling import NearMiss, RandomUnderSampler
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

X, y = make_classification(n_samples=5000, weights=[0.9], random_state=0)
X_u, y_u = RandomUnderSampler(random_state=0).fit_resample(X, y)
X_n, y_n = NearMiss().fit_resample(X, y)
X_tr, X_te, y_tr, y_te = train_test_split(X_u, y_u)
print(LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te))
