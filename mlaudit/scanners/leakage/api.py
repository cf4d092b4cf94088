"""Names the leakage analysis recognises: scikit-learn / imblearn / pandas / numpy calls and their roles."""

from __future__ import annotations

import re

# Classes whose fit learns statistics of the data (the preprocessing that leaks when fitted before the split).
PREPROCESSORS = frozenset({
    "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "QuantileTransformer",
    "PowerTransformer", "KBinsDiscretizer", "SplineTransformer",
    "SimpleImputer", "KNNImputer", "IterativeImputer", "MissingIndicator",
    "OneHotEncoder", "OrdinalEncoder", "TargetEncoder",
    "CountEncoder", "WOEEncoder", "BinaryEncoder", "CatBoostEncoder", "MEstimateEncoder",
    "SelectKBest", "SelectPercentile", "SelectFromModel", "RFE", "RFECV", "VarianceThreshold", "GenericUnivariateSelect",
    "SequentialFeatureSelector", "SelectFpr", "SelectFdr", "SelectFwe", "Boruta", "BorutaPy",
    "PCA", "IncrementalPCA", "KernelPCA", "TruncatedSVD", "FastICA", "NMF", "FactorAnalysis", "LatentDirichletAllocation",
    "TSNE", "UMAP", "Isomap", "LocallyLinearEmbedding",
    "CountVectorizer", "TfidfVectorizer", "TfidfTransformer", "DictVectorizer", "ColumnTransformer", "FeatureUnion",
    "Tokenizer", "TextVectorization", "Normalization", "StringLookup", "IntegerLookup",
})
# Transformers that learn nothing from the rows (or only the label set): harmless before the split.
STATELESS = frozenset({"Normalizer", "Binarizer", "FunctionTransformer", "FeatureHasher", "HashingVectorizer",
                       "PolynomialFeatures", "HashingEncoder", "LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"})
# Outlier filters: fitted on all rows, their verdicts select rows that later land in both splits.
OUTLIER_FILTERS = frozenset({"IsolationForest", "LocalOutlierFactor", "EllipticEnvelope", "OneClassSVM"})
# Resamplers (imblearn) and augmentation that add or remove rows.
RESAMPLERS = frozenset({
    "SMOTE", "SMOTENC", "SMOTEN", "ADASYN", "BorderlineSMOTE", "SVMSMOTE", "KMeansSMOTE", "RandomOverSampler",
    "RandomUnderSampler", "NearMiss", "TomekLinks", "EditedNearestNeighbours", "ClusterCentroids", "SMOTETomek",
    "SMOTEENN", "CondensedNearestNeighbour", "OneSidedSelection", "InstanceHardnessThreshold",
    "ImageDataGenerator",
})
# Functions that standardise data with statistics of the rows they are given.
FIT_FUNCS = frozenset({"scale", "minmax_scale", "maxabs_scale", "robust_scale", "quantile_transform", "power_transform",
                       "zscore"})
RESAMPLE_FUNCS = frozenset({"resample", "augment", "oversample", "upsample", "downsample"})
PIPELINES = frozenset({"Pipeline", "make_pipeline", "ImbPipeline"})
SEARCHES = frozenset({"GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV",
                      "BayesSearchCV", "TuneSearchCV"})
CV_FUNCS = frozenset({"cross_val_score", "cross_validate", "cross_val_predict", "learning_curve",
                      "validation_curve", "permutation_test_score"})
SPLIT_FUNCS = frozenset({"train_test_split"})
SPLITTERS = frozenset({"KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "ShuffleSplit",
                       "StratifiedShuffleSplit", "GroupShuffleSplit", "TimeSeriesSplit", "RepeatedKFold",
                       "RepeatedStratifiedKFold", "LeaveOneOut", "LeavePOut", "LeaveOneGroupOut", "PredefinedSplit"})
METRICS_RE = re.compile(r"(_score|_error|_loss|^accuracy|^precision|^recall|^f1|^roc_auc|^r2|^mse|^rmse|^mae|"
                        r"^log_loss|^classification_report|^confusion_matrix|^matthews)", re.I)
SELECT_FUNCS = frozenset({"max", "min", "argmax", "argmin", "nanargmax", "nanargmin", "sorted", "idxmax", "idxmin",
                          "nlargest", "nsmallest", "sort_values"})
STAT_METHODS = frozenset({"mean", "median", "std", "var", "min", "max", "mode", "quantile", "sum", "nanmean",
                          "nanmedian", "nanstd", "percentile", "nanpercentile"})
FILL_METHODS = frozenset({"fillna", "clip", "replace", "where", "mask", "interpolate"})
READERS = re.compile(r"^(read_(csv|parquet|json|excel|feather|table|pickle|hdf|sql|orc|fwf)|load|loadtxt|"
                     r"genfromtxt|fromfile|load_dataset|load_data|read_file)$")
WRITERS = re.compile(r"^(to_(csv|parquet|json|excel|feather|pickle|hdf|orc)|save|savetxt|savez|dump)$")
MODEL_EVAL_METHODS = frozenset({"score", "evaluate"})
PREDICT_METHODS = frozenset({"predict", "predict_proba", "predict_log_proba", "decision_function"})
TRANSFORM_METHODS = frozenset({"transform", "inverse_transform", "texts_to_sequences", "texts_to_matrix"})
ESTIMATOR_HINT = re.compile(r"(Classifier|Regressor|Regression|SVC|SVR|Boost|Forest|Tree|Bayes|Net|Model|KNeighbors"
                            r"|LGBM|XGB|CatBoost|Sequential|Lasso|Ridge|ElasticNet|Perceptron|MLP|SGD)")

_TRAIN_TOKENS = {"train", "tr", "trn", "training"}
_TEST_TOKENS = {"test", "tst", "te", "val", "valid", "validation", "holdout", "dev", "eval", "unseen", "oot"}


def name_side(name: str) -> str | None:
    """The split a variable or file name refers to: 'train', 'test' or None."""
    tokens = [t.lower() for t in re.split(r"[_\W\d]+|(?<=[a-z])(?=[A-Z])", name) if t]
    if any(t in _TEST_TOKENS for t in tokens):
        return "test"
    if any(t in _TRAIN_TOKENS for t in tokens):
        return "train"
    return None


def short(qualname: str) -> str:
    """The last component of a dotted name."""
    return qualname.rsplit(".", 1)[-1]
