"""A low-maturity churn prototype: notebooks, planted leakage, an unsafe pickle and a large binary in history."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from mlaudit.sample_projects.gitrepo import GitRepo
from mlaudit.sample_projects.parts import csv_text, notebook, pickle_bytes, unsafe_pickle

NAME = "notebook_prototype"
DESCRIPTION = (
    "Churn prototype in notebooks: unpinned requirements, no CI, no seeds, no tracking, no tests; "
    "train/test files with overlap, shared customers, a random split of time-ordered data and a target "
    "leak; a scaler fitted before the split; an unsafe pickle in history and a 12 MB binary committed then removed."
)

# check id -> status mlaudit must report at HEAD
PLANTED: dict[str, str] = {
    "REPRO-VCS": "pass",
    "REPRO-DEPS-PINNED": "fail",
    "REPRO-LOCKFILE": "fail",
    "REPRO-PYTHON": "fail",
    "REPRO-SEEDS": "fail",
    "REPRO-PARAMS": "fail",
    "REPRO-PIPELINE": "fail",
    "REPRO-BINARIES": "fail",
    "DATA-VALIDATION": "fail",
    "DATA-SCHEMA": "fail",
    "INFRA-CI": "fail",
    "INFRA-TESTS": "fail",
    "INFRA-TRACKING": "fail",
    "INFRA-CT": "fail",
    "INFRA-CD": "fail",
    "INFRA-SERVING": "fail",
    "INFRA-ROLLBACK": "not applicable",
    "INFRA-DEP-UPDATES": "fail",
    "MON-PRODUCTION": "not applicable",
    "MON-SKEW": "not applicable",
    "MON-NUMERIC": "fail",
    "MON-INPUT-INVARIANTS": "not applicable",
    "DRIFT-SPLITS": "pass",
    "LEAK-OVERLAP": "fail",
    "LEAK-ENTITY": "fail",
    "LEAK-TEMPORAL": "fail",
    "LEAK-TARGET": "fail",
    "LEAK-CODE-PREPROCESS": "fail",
    "LEAK-CODE-OVERSAMPLE": "pass",
    "LEAK-CODE-MULTITEST": "pass",
    "LEAK-CODE-TEST-STATS": "pass",
    "MODEL-UNSAFE": "fail",
    "MODEL-PICKLE": "warn",
    "MODEL-REGISTRY": "fail",
    "MODEL-METRICS": "fail",
    "MODEL-VALIDATION-GATE": "fail",
    "MODEL-BASELINE": "fail",
}

SEED = 7
N_CUSTOMERS = 500
N_ROWS = 1500
OVERLAP_SHARE = 0.10
BINARY_MB = 12

REQUIREMENTS = "pandas\nnumpy\nscikit-learn\nmatplotlib\njupyter\n"

README = """# Churn prototype

Exploring customer churn. Open `notebooks/eda.ipynb` first, then `notebooks/train.ipynb`.
`scripts/make_splits.py` writes `data/train.csv` and `data/test.csv` from `data/churn.csv`.
"""

EDA = notebook(
    ("markdown", "# Churn: first look"),
    "import pandas as pd\nimport matplotlib.pyplot as plt",
    'df = pd.read_csv("../data/churn.csv", parse_dates=["snapshot_date"])\ndf.head()',
    "df.describe()",
    'df["churned"].mean()',
    'df.groupby("contract")["churned"].mean().plot.bar()\nplt.show()',
)

TRAIN = notebook(
    ("markdown", "# Train a churn model"),
    "import pickle\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
    "from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler",
    'df = pd.read_csv("../data/churn.csv")\n'
    'X = df.drop(columns=["churned", "customer_id", "snapshot_date", "contract"])\n'
    'y = df["churned"]',
    ("markdown", "Scale the features."),
    "X_scaled = StandardScaler().fit_transform(X)",
    ("markdown", "Hold out a test set."),
    "X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)",
    "model = LogisticRegression(C=0.5, max_iter=300)\nmodel.fit(X_train, y_train)\n"
    'print("test accuracy", model.score(X_test, y_test))',
    'with open("../models/model.pkl", "wb") as f:\n    pickle.dump(model, f)',
)

MAKE_SPLITS = '''"""Split the churn export into train and test files."""
import pandas as pd
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/churn.csv")
train, test = train_test_split(df, test_size=0.2)
train.to_csv("data/train.csv", index=False)
test.to_csv("data/test.csv", index=False)
'''

FEATURES_SCRIPT = '''"""Dump a dense feature matrix for quick experiments."""
import numpy as np
import pandas as pd

df = pd.read_csv("data/churn.csv")
matrix = np.repeat(df[["tenure_months", "monthly_charges"]].to_numpy(dtype="float32"), 2000, axis=0)
np.save("data/features.npy", matrix)
'''


def churn_frame(rng: np.random.Generator) -> pd.DataFrame:
    """Monthly customer snapshots, ordered by date; ``refund_issued`` is the target in disguise."""
    customers = rng.integers(10_000, 10_000 + N_CUSTOMERS * 3, size=N_CUSTOMERS)
    customer_id = rng.choice(np.unique(customers), size=N_ROWS)
    day = np.sort(rng.integers(0, 540, size=N_ROWS))
    tenure = rng.integers(1, 72, size=N_ROWS)
    monthly = np.round(rng.normal(65, 20, size=N_ROWS).clip(15, 140), 2)
    calls = rng.poisson(1.5, size=N_ROWS)
    contract = rng.choice(["month-to-month", "one-year", "two-year"], size=N_ROWS, p=[0.55, 0.25, 0.2])
    logit = -1.0 + 0.04 * (monthly - 65) - 0.03 * (tenure - 36) + 0.5 * (calls - 1.5)
    churned = (rng.random(N_ROWS) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({
        "customer_id": customer_id,
        "snapshot_date": (pd.Timestamp("2022-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d"),
        "tenure_months": tenure,
        "monthly_charges": monthly,
        "support_calls": calls,
        "contract": contract,
        "refund_issued": churned,
        "churned": churned,
    })


def splits(df: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random (not temporal) split, then ~10% of the test rows replaced by copies of training rows."""
    order = rng.permutation(len(df))
    cut = int(len(df) * 0.8)
    train, test = df.iloc[order[:cut]], df.iloc[order[cut:]]
    n_copies = int(round(len(test) * OVERLAP_SHARE))
    copies = train.iloc[rng.choice(len(train), size=n_copies, replace=False)]
    test = pd.concat([test.iloc[n_copies:], copies]).iloc[rng.permutation(len(test))]
    return train.reset_index(drop=True), test.reset_index(drop=True)


def model_bytes(train: pd.DataFrame) -> bytes:
    """A benign LogisticRegression trained like the notebook does, pickled."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X = train.drop(columns=["churned", "customer_id", "snapshot_date", "contract"])
    model = LogisticRegression(C=0.5, max_iter=300).fit(StandardScaler().fit_transform(X), train["churned"])
    return pickle_bytes(model)


def big_binary() -> bytes:
    """A deterministic float32 .npy of BINARY_MB megabytes."""
    values = np.linspace(0.0, 1.0, BINARY_MB * 1024 * 1024 // 4, dtype=np.float32)
    buffer = io.BytesIO()
    np.save(buffer, np.sin(values * 977.0))
    return buffer.getvalue()


def build(dest: Path) -> Path:
    """Build the repo at ``dest`` and return its root."""
    rng = np.random.default_rng(SEED)
    churn = churn_frame(rng)
    train, test = splits(churn, rng)
    repo = GitRepo(dest)
    repo.commit("Initial exploration of the churn export", {
        "README.md": README,
        "requirements.txt": REQUIREMENTS,
        "data/churn.csv": csv_text(churn),
        "notebooks/eda.ipynb": EDA,
    })
    repo.commit("Dump dense features for experiments", {
        "scripts/make_features.py": FEATURES_SCRIPT,
        "data/features.npy": big_binary(),
    })
    repo.commit("Train/test split and training notebook", {
        "scripts/make_splits.py": MAKE_SPLITS,
        "data/train.csv": csv_text(train),
        "data/test.csv": csv_text(test),
        "notebooks/train.ipynb": TRAIN,
    })
    repo.commit("Save preprocessing helper", {"models/helper.pkl": unsafe_pickle("echo mlaudit-sample-payload")})
    repo.commit("Remove dense features, too big", remove=["data/features.npy", "scripts/make_features.py"])
    repo.commit("Trained model", {"models/model.pkl": model_bytes(train)}, remove=["models/helper.pkl"])
    return repo.root
