"""Data paths built in code resolved statically to the file read: os.path.join, constants, config objects, YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlaudit.audit.run import audit
from mlaudit.scanners.code import code_facts


def reads(tree_of, files: dict[str, str]) -> list[tuple[str, int, str | None]]:
    return [(r["path"], r["line"], r["target"]) for r in code_facts(tree_of(files))["data_reads"]]


@pytest.mark.parametrize("code, target", [
    ("import os\nimport pandas as pd\npd.read_csv(os.path.join('data', 'train.csv'))\n", "data/train.csv"),
    ("import os\nimport pandas as pd\nD = 'data'\npd.read_csv(os.path.join(D, 'raw', 'train.csv'))\n", "data/raw/train.csv"),
    (("import os\nimport pandas as pd\nhere = os.path.dirname(os.path.abspath(__file__))\n"
     "pd.read_csv(os.path.join(here, 'wine.csv'))\n"), "./wine.csv"),
    ("from pathlib import Path\nimport pandas as pd\npd.read_parquet(Path(__file__).parent / 'd.parquet')\n", "./d.parquet"),
    ("import pandas as pd\nB = 's3://bucket'\npd.read_csv(f'{B}/train.csv')\n", "s3://bucket/train.csv"),
    ("import pandas as pd\nroot = 'data'\npd.read_csv('%s/test.csv' % root)\n", "data/test.csv"),
])
def test_paths_built_in_one_file(tree_of, code: str, target: str) -> None:
    """Constants, os.path.join, the script's own folder, Path / 'x', f-strings and % formatting are folded."""
    [(_, line, got)] = reads(tree_of, {"src/train.py": code})
    assert got == target and line == code.count("\n")


def test_a_config_object_in_another_file_is_followed(tree_of) -> None:
    """config.train_path set as self.train_path = '%s/train.csv' % self.folder in another module resolves."""
    config = "class Config:\n    def __init__(self):\n        self.folder = '../data'\n        self.train_path = '%s/train.csv' % self.folder\n"
    train = "import pandas as pd\nfrom config import config\ndf = pd.read_csv(config.train_path)\n"
    assert reads(tree_of, {"src/config.py": config, "src/train.py": train}) == [("src/train.py", 3, "../data/train.csv")]


def test_a_value_read_from_a_yaml_config_is_resolved(tree_of) -> None:
    """cfg['data']['train'] with cfg = yaml.safe_load(open('params.yaml')) is the path params.yaml names."""
    train = "import yaml\nimport pandas as pd\ncfg = yaml.safe_load(open('params.yaml'))\npd.read_csv(cfg['data']['train'])\n"
    files = {"train.py": train, "params.yaml": "data:\n  train: data/train.csv\n"}
    assert reads(tree_of, files) == [("train.py", 4, "data/train.csv")]


def test_what_cannot_be_resolved_is_kept_as_unknown(tree_of) -> None:
    """A path from a function argument or a missing config key stays unknown (target None), never guessed."""
    train = ("import yaml\nimport pandas as pd\ncfg = yaml.safe_load(open('params.yaml'))\n"
             "pd.read_csv(cfg['data']['missing'])\nclass C:\n    def __init__(self, d):\n        self.d = d\n")
    out = reads(tree_of, {"train.py": train, "params.yaml": "data: {}\n"})
    assert out == [("train.py", 4, None)]


def test_data_read_through_a_built_path_decides_repro_data_versioned(make_repo, tmp_path: Path) -> None:
    """A URL built from a constant fails REPRO-DATA-VERSIONED; a committed file read through os.path.join passes."""
    cases = {
        "fail": {"trainer.py": "import pandas as pd\nURL = 's3://bucket/taxi.csv'\ndf = pd.read_csv(URL, nrows=100)\n",
                 "data/other.csv": "a\n1\n"},
        "pass": {"trainer.py": "import os\nimport pandas as pd\ndf = pd.read_csv(os.path.join('data', 'train.csv'))\n",
                 "data/train.csv": "a\n1\n"},
    }
    for i, (status, files) in enumerate(cases.items()):
        repo = make_repo(f"repo{i}")
        repo.commit("files", files)
        results = audit(repo.root, tmp_path / f"s{i}.sqlite").results  # a scan first: "versioned" means committed
        [result] = [r for r in results if r.check_id == "REPRO-DATA-VERSIONED"]
        assert str(result.status) == status, result.message


def test_a_read_helper_is_followed_one_level(tree_of) -> None:
    """def read_data(name): open(name) ... read_data('data/train.csv'): the helper's argument is the data read."""
    code = ("def read_data(file_name):\n    f = open(file_name)\n    return f.read()\n\n"
            "def load():\n    train = read_data('data/train.csv')\n    return train, read_data('notes.md')\n")
    assert reads(tree_of, {"load_data.py": code}) == [("load_data.py", 6, "data/train.csv")]


def test_the_projects_own_file_by_raw_github_url_is_versioned(make_repo, tmp_path: Path) -> None:
    """read_csv of raw.githubusercontent.com/<owner>/<repo>/main/datasets/d.csv, committed here, is git-versioned."""
    url = "https://raw.githubusercontent.com/me/proj/main/datasets/d.csv"
    repo = make_repo("raw")
    repo.commit("files", {"train.py": f"import pandas as pd\nURL = '{url}'\ndf = pd.read_csv(URL)\npd.read_csv('{url}')\n",
                          "datasets/d.csv": "a\n1\n"})
    [result] = [r for r in audit(repo.root, tmp_path / "s.sqlite").results if r.check_id == "REPRO-DATA-VERSIONED"]
    assert (str(result.status), result.value) == ("pass", {"versioned": 2, "unversioned": 0})
