"""Name tables the code scanner matches fully qualified call names against, and the dotted-name resolver."""

from __future__ import annotations

import ast


def dotted_name(node: ast.AST, aliases: dict[str, str], chains_need_import: bool = False) -> str | None:
    """``pkg.mod.name`` of a Name / Attribute chain, its root resolved through the import ``aliases``; None for
    other expressions, and (with ``chains_need_import``) for an attribute chain on a root that was not imported."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or (parts and chains_need_import and node.id not in aliases):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])

SEED_CALLS = {
    "random.seed": "random", "numpy.random.seed": "numpy", "torch.manual_seed": "torch",
    "torch.cuda.manual_seed": "torch", "torch.cuda.manual_seed_all": "torch", "tensorflow.random.set_seed": "tensorflow",
    "tensorflow.set_random_seed": "tensorflow", "tensorflow.keras.utils.set_random_seed": "tensorflow",
    "keras.utils.set_random_seed": "tensorflow", "pytorch_lightning.seed_everything": "torch",
    "lightning.seed_everything": "torch", "lightning.pytorch.seed_everything": "torch", "transformers.set_seed": "torch",
    "mxnet.random.seed": "mxnet", "paddle.seed": "paddle",
}
# generators that are seeded when given an argument
SEEDABLE = {"numpy.random.default_rng": "numpy", "numpy.random.RandomState": "numpy", "numpy.random.Generator": "numpy",
            "random.Random": "random", "jax.random.PRNGKey": "jax", "jax.random.key": "jax", "torch.Generator": "torch"}
# library module prefixes whose calls draw random numbers from the global generator
RNG_MODULES = {"random": "random", "numpy.random": "numpy", "torch": "torch", "tensorflow": "tensorflow"}
RNG_DRAWS = {"random", "randint", "choice", "choices", "shuffle", "sample", "uniform", "gauss", "normal", "rand", "randn",
             "permutation", "binomial", "poisson", "randperm", "dropout", "bernoulli", "multinomial"}
TORCH_TRAINING = {"torch.optim", "torch.nn", "torch.utils.data.DataLoader"}
# estimators, splitters and samplers whose randomness is set by random_state (or seed / random_seed)
RANDOM_STATE_NAMES = {
    "RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier", "ExtraTreesRegressor",
    "GradientBoostingClassifier", "GradientBoostingRegressor", "HistGradientBoostingClassifier",
    "HistGradientBoostingRegressor", "AdaBoostClassifier", "AdaBoostRegressor", "BaggingClassifier", "BaggingRegressor",
    "IsolationForest", "DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier", "ExtraTreeRegressor",
    "SGDClassifier", "SGDRegressor", "Perceptron", "PassiveAggressiveClassifier", "MLPClassifier", "MLPRegressor",
    "KMeans", "MiniBatchKMeans", "TSNE", "TruncatedSVD", "GaussianMixture", "train_test_split", "ShuffleSplit",
    "StratifiedShuffleSplit", "GroupShuffleSplit", "RandomizedSearchCV", "XGBClassifier", "XGBRegressor",
    "LGBMClassifier", "LGBMRegressor", "CatBoostClassifier", "CatBoostRegressor", "SMOTE", "ADASYN",
    "RandomOverSampler", "RandomUnderSampler", "BorderlineSMOTE",
}
SHUFFLE_SPLITTERS = {"KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold"}
SEED_KWARGS = {"random_state", "seed", "random_seed", "rng"}
SEED_FREE_KWARGS = {"random_state", "seed", "random_seed", "n_jobs", "verbose", "verbosity", "class_weight", "n_iter",
                    "cv", "scoring", "refit", "test_size", "train_size", "shuffle", "stratify", "warm_start", "device",
                    "n_splits", "n_repeats"}
# keywords of metric and evaluation calls: how a score is computed, not a hyperparameter of the model
METRIC_KWARGS = {"beta", "zero_division", "average", "pos_label", "labels", "normalize", "squared", "multi_class",
                 "sample_weight", "k", "greater_is_better", "needs_proba", "adjusted", "digits", "output_dict"}
NOT_HYPER_PREFIXES = ("sklearn.metrics.", "sklearn.model_selection.", "sklearn.utils.", "sklearn.datasets.")
# a project's own helper that seeds every generator (seed_everything, set_seeds, fix_seed, ...)
SEED_HELPER = r"(set_|fix_|init_)?(random_)?seeds?(_everything|_all)?|seed_?everything|set_(global_|random_)?seeds?"
# generators a global numpy seed makes deterministic: sklearn's random_state=None and pandas' sample use np.random
NUMPY_GLOBAL_USERS = {"sklearn", "pandas"}

TRACKING = {"mlflow": "mlflow", "wandb": "wandb", "dvclive": "dvclive", "neptune": "neptune", "comet_ml": "comet",
            "clearml": "clearml", "torch.utils.tensorboard": "tensorboard", "tensorboardX": "tensorboard",
            "tensorflow.summary": "tensorboard", "aim": "aim", "sacred": "sacred", "guild": "guild",
            "tensorflow.keras.callbacks.TensorBoard": "tensorboard"}
VALIDATION = {"pandera": "pandera", "great_expectations": "great_expectations", "evidently": "evidently",
              "deepchecks": "deepchecks", "tensorflow_data_validation": "tfdv", "pydantic": "pydantic",
              "soda": "soda", "whylogs": "whylogs", "frictionless": "frictionless", "pandas_schema": "pandas_schema",
              "cerberus": "cerberus", "jsonschema": "jsonschema", "marshmallow": "marshmallow", "nannyml": "nannyml"}
# Great Expectations expectations that declare a table's columns or types (a schema), called on a GE dataset/validator
GE_SCHEMA_EXPECTATIONS = {"expect_table_columns_to_match_ordered_list", "expect_table_columns_to_match_set",
                          "expect_column_to_exist", "expect_column_values_to_be_of_type",
                          "expect_column_values_to_be_in_type_list"}
SCHEMA_CALLS = {"pandera.DataFrameSchema", "pandera.SeriesSchema", "pandera.DataFrameModel", "pandera.SchemaModel",
                "pandera.pandas.DataFrameSchema", "tensorflow_data_validation.infer_schema",
                "tensorflow_data_validation.load_schema_text", "great_expectations.core.ExpectationSuite",
                "great_expectations.ExpectationSuite", "frictionless.Schema", "pandas_schema.Schema"}
SCHEMA_BASES = {"pandera.DataFrameModel", "pandera.SchemaModel", "pandera.api.pandas.model.DataFrameModel"}
ASSERT_ATTRS = {"columns", "dtypes", "dtype", "isna", "isnull", "notna", "notnull", "between", "nunique", "duplicated",
                "is_unique", "hasnans", "min", "max"}

SERVING = {"fastapi": "fastapi", "flask": "flask", "bentoml": "bentoml", "ts": "torchserve", "ray.serve": "ray serve",
           "seldon_core": "seldon", "kserve": "kserve", "gradio": "gradio", "streamlit": "streamlit",
           "litserve": "litserve", "starlette": "starlette", "sanic": "sanic", "aiohttp.web": "aiohttp"}
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route", "api", "websocket", "endpoint", "deployment"}
HANDLER_METHODS = {"predict", "handle", "inference", "__call__", "preprocess", "postprocess"}
STARTUP_NAMES = {"__init__", "load", "load_model", "initialize", "startup", "lifespan", "on_startup", "setup"}
MODEL_LOADS = {
    "joblib.load", "pickle.load", "pickle.loads", "torch.load", "torch.jit.load", "dill.load", "cloudpickle.load",
    "mlflow.pyfunc.load_model", "mlflow.sklearn.load_model", "mlflow.pytorch.load_model", "mlflow.keras.load_model",
    "mlflow.xgboost.load_model", "mlflow.lightgbm.load_model", "mlflow.tensorflow.load_model",
    "tensorflow.keras.models.load_model", "keras.models.load_model", "keras.saving.load_model",
    "tensorflow.saved_model.load", "onnxruntime.InferenceSession", "xgboost.Booster", "lightgbm.Booster",
    "bentoml.models.get", "bentoml.sklearn.load_model", "bentoml.pytorch.load_model", "skops.io.load",
    "transformers.pipeline", "transformers.AutoModel.from_pretrained", "catboost.CatBoost.load_model",
    "safetensors.torch.load_file",
}
MONITORING = {"prometheus_client": "prometheus", "prometheus_fastapi_instrumentator": "prometheus",
              "starlette_exporter": "prometheus", "statsd": "statsd", "datadog": "datadog",
              "opentelemetry": "opentelemetry", "sentry_sdk": "sentry", "evidently": "evidently",
              "nannyml": "nannyml", "whylogs": "whylogs", "alibi_detect": "alibi-detect", "arize": "arize",
              "fiddler": "fiddler", "slack_sdk": "slack alerts", "pdpyras": "pagerduty", "pagerduty": "pagerduty",
              "opsgenie_sdk": "opsgenie"}
ALERT_TOOLS = {"sentry", "slack alerts", "pagerduty", "opsgenie"}
LOG_CALLS = {"info", "warning", "debug", "error", "log", "exception", "critical"}
HYPER_ESTIMATOR_PREFIXES = ("sklearn.", "xgboost.", "lightgbm.", "catboost.", "torch.optim.", "tensorflow.keras.optimizers.",
                            "keras.optimizers.", "imblearn.", "tensorflow.keras.callbacks.", "keras.callbacks.",
                            "tensorflow.keras.layers.", "keras.layers.")  # patience=, rate=, units=: training choices
CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".cfg", ".ini")
NOT_CONFIG_WORDS = ("metric", "score", "result", "report", "eval", "prediction", "output")
CONFIG_LIBS = {"hydra", "omegaconf", "argparse", "click", "typer", "fire", "dvc.api", "configparser", "gin",
               "ml_collections", "jsonargparse"}
TEST_DATA_HINTS = ("schema", "validate", "pandera", "great_expectations", "dtypes", ".columns", "isna", "isnull",
                   "read_csv", "read_parquet", "missing", "duplicat", "expect_")
TEST_MODEL_HINTS = ("predict", ".fit(", "accuracy", "roc_auc", "f1_score", "metrics", "model", "score(")
TRANSFORMER_MODULES = ("sklearn.preprocessing", "sklearn.feature_extraction", "sklearn.impute", "sklearn.decomposition",
                       "sklearn.feature_selection", "sklearn.compose")
TRANSFORMER_WORDS = ("scaler", "encoder", "imputer", "vectorizer", "tokenizer", "pca", "selector", "transformer")
