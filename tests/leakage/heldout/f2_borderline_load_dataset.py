# expect: LEAK-CODE-OVERSAMPLE
import imblearn
from sklearn import datasets, model_selection, svm

bc = datasets.load_breast_cancer()
sampler = imblearn.over_sampling.BorderlineSMOTE(kind="borderline-1")
Xs, ys = sampler.fit_resample(bc.data, bc.target)  # LEAK
scores = model_selection.cross_validate(svm.SVC(), Xs, ys, cv=5)
print(scores["test_score"])
