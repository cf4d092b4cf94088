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
    "Imputer", "DataFrameMapper", "CategoricalImputer", "StandardScalerWithMean",
})
# Embeddings without a transform for new rows (fitted to draw the rows they are given).
EMBEDDINGS = frozenset({"TSNE", "MDS", "SpectralEmbedding"})
# Transformers that learn nothing from the rows (or only the label set): harmless before the split.
STATELESS = frozenset({"Normalizer", "Binarizer", "FunctionTransformer", "FeatureHasher", "HashingVectorizer",
                       "PolynomialFeatures", "HashingEncoder", "LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"})
# Outlier filters: fitted on all rows, their verdicts select rows that later land in both splits.
OUTLIER_FILTERS = frozenset({"IsolationForest", "LocalOutlierFactor", "EllipticEnvelope", "OneClassSVM"})
# Over-samplers (imblearn) and augmentation: they add synthetic or copied rows.
RESAMPLERS = frozenset({
    "SMOTE", "SMOTENC", "SMOTEN", "ADASYN", "BorderlineSMOTE", "SVMSMOTE", "KMeansSMOTE", "RandomOverSampler",
    "SMOTETomek", "SMOTEENN", "ImageDataGenerator",
})
# Under-samplers only drop rows: no row is copied to both sides, so they are not an OVERSAMPLE leak.
UNDERSAMPLERS = frozenset({
    "RandomUnderSampler", "NearMiss", "TomekLinks", "EditedNearestNeighbours", "RepeatedEditedNearestNeighbours",
    "AllKNN", "ClusterCentroids", "CondensedNearestNeighbour", "OneSidedSelection", "InstanceHardnessThreshold",
    "NeighbourhoodCleaningRule",
})
# Functions that return a data set (rows) without a file path: sklearn / keras / torchvision loaders and generators.
DATASET_FUNCS = re.compile(r"^(load_\w+|fetch_\w+|make_(classification|regression|blobs|moons|circles|friedman\d|"
                           r"hastie_10_2|gaussian_quantiles|multilabel_classification|sparse_uncorrelated|s_curve|"
                           r"swiss_roll|low_rank_matrix|biclusters|checkerboard))$")
DATASET_MODULES = re.compile(r"(^|\.)(datasets?|tfds|openml)(\.|$)")
# Functions that standardise data with statistics of the rows they are given.
FIT_FUNCS = frozenset({"scale", "minmax_scale", "maxabs_scale", "robust_scale", "quantile_transform", "power_transform",
                       "zscore"})
# resample() of a signal (a sound's sample rate, a time series' frequency) changes no rows of a data set
SIGNAL_MODULES = re.compile(r"^(scipy|signal|librosa|torchaudio|resampy|sps)\.")
RESAMPLE_FUNCS = frozenset({"resample", "augment", "oversample", "upsample", "downsample"})
PIPELINES = frozenset({"Pipeline", "make_pipeline", "ImbPipeline"})
SEARCHES = frozenset({"GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV",
                      "BayesSearchCV", "TuneSearchCV"})
CV_FUNCS = frozenset({"cross_val_score", "cross_validate", "cross_val_predict", "learning_curve",
                      "validation_curve", "permutation_test_score"})
SPLIT_FUNCS = frozenset({"train_test_split"})
# Splits that return parts of their first argument only: torch random_split, numpy split/array_split.
PART_SPLITS = frozenset({"random_split", "split", "array_split"})
SPLITTERS = frozenset({"KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "ShuffleSplit",
                       "StratifiedShuffleSplit", "GroupShuffleSplit", "TimeSeriesSplit", "RepeatedKFold",
                       "RepeatedStratifiedKFold", "LeaveOneOut", "LeavePOut", "LeaveOneGroupOut", "PredefinedSplit"})
METRICS_RE = re.compile(r"(_score|_error|_loss|^accuracy|^precision|^recall|^f1|^roc_auc|^r2|^mse|^rmse|^mae|"
                        r"^log_loss|^classification_report|^confusion_matrix|^matthews)", re.IGNORECASE)
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
    tokens += [t[1:] for t in tokens if len(t) > 2 and t[0] in "xy"]  # xtrain, ytest, xvalid
    test, train = any(t in _TEST_TOKENS for t in tokens), any(t in _TRAIN_TOKENS for t in tokens)
    if test and train:  # combined_train_test, train_and_test: both parts together
        return None
    return "test" if test else "train" if train else None


def short(qualname: str) -> str:
    """The last component of a dotted name."""
    return qualname.rsplit(".", 1)[-1]
