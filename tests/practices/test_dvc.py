"""DVC parsers on realistic dvc 2/3 files and on malformed input."""

from __future__ import annotations

import pytest

from mlaudit.scanners.dvc import DvcOut, parse_dot_dvc, parse_dvc_lock, parse_dvc_yaml, parse_params

DVC_YAML = """\
stages:
  prepare:
    cmd: python prepare.py
    deps: [data/raw.csv, prepare.py]
    params: [prepare.split]
    outs: [data/prepared]
  train:
    cmd:
      - python train.py
      - python export.py
    deps: [data/prepared]
    params:
      - seed
      - conf/train.yaml: [lr, epochs]
    outs:
      - models/model.pkl:
          cache: true
    metrics:
      - metrics.json:
          cache: false
    plots: [plots/roc.csv]
  per_city:
    foreach: [paris, rome]
    do:
      cmd: python city.py ${item}
      outs:
        - out/${item}.csv
"""

LOCK_V3 = """\
schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/prepared
      hash: md5
      md5: 2fdecfa46585862474618a4a3762accf.dir
      size: 74192
      nfiles: 2
    outs:
    - path: models/model.pkl
      hash: md5
      md5: 3d7fadf1112c64431ddb47b993496aa4
      size: 83907
"""

LOCK_V1 = """\
train:
  cmd: python train.py
  deps:
  - path: data.csv
    md5: aaaa
  outs:
  - path: model.pkl
    md5: bbbb
"""


def test_dvc_yaml_stages() -> None:
    """Stages with list commands, params files, metrics and foreach expansion are read."""
    stages = parse_dvc_yaml(DVC_YAML)
    assert stages.error is None
    assert [s.name for s in stages] == ["prepare", "train", "per_city@paris", "per_city@rome"]
    train = stages[1]
    assert train.cmd == "python train.py && python export.py"
    assert train.params == ["params.yaml:seed", "conf/train.yaml:lr", "conf/train.yaml:epochs"]
    assert (train.outs, train.metrics, train.plots) == (["models/model.pkl"], ["metrics.json"], ["plots/roc.csv"])


def test_dvc_lock_v3_and_v1() -> None:
    """dvc 3 (hash: md5) and dvc 1 (flat) locks give hashed deps and outs per stage."""
    assert parse_dvc_lock(LOCK_V3) == [
        DvcOut("data/prepared", "2fdecfa46585862474618a4a3762accf.dir", 74192, 2, "train", "dep"),
        DvcOut("models/model.pkl", "3d7fadf1112c64431ddb47b993496aa4", 83907, None, "train", "out"),
    ]
    assert parse_dvc_lock(LOCK_V3)[0].is_dir
    assert [(o.path, o.md5, o.kind) for o in parse_dvc_lock(LOCK_V1)] == [("data.csv", "aaaa", "dep"), ("model.pkl", "bbbb", "out")]


def test_dot_dvc_paths_are_relative_to_the_repo() -> None:
    """A .dvc file's outs are joined with the file's folder."""
    text = "outs:\n- md5: abc.dir\n  size: 10\n  nfiles: 3\n  hash: md5\n  path: images\n"
    assert parse_dot_dvc(text, "data/images.dvc") == [DvcOut("data/images", "abc.dir", 10, 3, None, "out")]


@pytest.mark.parametrize("text, suffix, expected", [
    ("seed: 1\ntrain:\n  lr: 0.1\n  layers: [1, 2]\n", ".yaml", {"seed": 1, "train.lr": 0.1, "train.layers": [1, 2]}),
    ('{"a": {"b": {"c": 3}}}', "json", {"a.b.c": 3}),
    ("[model]\ndepth = 4\n", ".toml", {"model.depth": 4}),
    ("", ".yml", {}),
])
def test_params_are_flattened(text: str, suffix: str, expected: dict) -> None:
    """yaml, json and toml params become dotted keys."""
    parsed = parse_params(text, suffix)
    assert parsed == expected and parsed.error is None


@pytest.mark.parametrize("call", [
    lambda: parse_dvc_yaml("stages: [a"), lambda: parse_dvc_yaml("- 1\n- 2"),
    lambda: parse_dvc_lock(": :\n  - ["), lambda: parse_dvc_lock("[1]"),
    lambda: parse_dot_dvc("just text", "x.dvc"), lambda: parse_params("a: [", ".yaml"),
    lambda: parse_params("{", ".json"), lambda: parse_params("= 1", ".toml"), lambda: parse_params("x", ".ini"),
    lambda: parse_params("- 1", ".yaml"),
])
def test_malformed_input_gives_empty_result_and_error(call) -> None:
    """Malformed input never raises: an empty result with an error string."""
    result = call()
    assert not result and result.error
