"""REPRO-DATA-VERSIONED: no training and no data is not applicable; a library download at run time warns (named, not pinned)."""

from __future__ import annotations

from mlaudit.checks.base import Status

LIGHTNING = ("from torchvision.datasets import MNIST\n\n\ndef prepare(data_dir):\n"
             "    MNIST(data_dir, train=True, download=True)\n\n\ndef train(trainer, model, dm):\n"
             "    trainer.fit(model, dm)\n")


def test_no_training_and_no_data_is_not_applicable(judge) -> None:
    """A tool/template repo that trains nothing and reads no data has no training data to version."""
    r = judge({"cli.py": "import json\nprint(json.dumps({}))\n"}, "REPRO-DATA-VERSIONED")
    assert r.status == Status.NOT_APPLICABLE and "no training" in r.message.lower()


def test_training_with_no_visible_data_source_is_unknown(judge) -> None:
    """Training code whose data source cannot be found stays unknown (not a pass, not N/A)."""
    r = judge({"train.py": "def run(model, X, y):\n    model.fit(X, y)\n"}, "REPRO-DATA-VERSIONED")
    assert r.status == Status.UNKNOWN


def test_public_dataset_downloaded_at_run_time_warns(judge) -> None:
    """torchvision download=True (and fetch_openml, keras load_data, hub load_dataset) is named data the project does not pin."""
    r = judge({"src/data.py": LIGHTNING}, "REPRO-DATA-VERSIONED")
    assert r.status == Status.WARN and "downloaded by name" in r.message
    assert any("MNIST" in e.detail and e.path == "src/data.py" and e.line == 5 for e in r.evidence)
    hub = judge({"train.py": "from datasets import load_dataset\nds = load_dataset('glue', 'cola')\n"
                 "local = load_dataset('csv', data_files='x.csv')\nmodel.fit(ds)\n"}, "REPRO-DATA-VERSIONED")
    assert hub.status == Status.WARN and [e.value for e in hub.evidence] == ["glue"]
    url = judge({"train.py": LIGHTNING + "import pandas as pd\ndf = pd.read_csv('https://example.org/x.csv')\n"},
                "REPRO-DATA-VERSIONED")
    assert url.status == Status.FAIL and url.value["unversioned"] == 2  # a URL read and a download: nothing versioned
