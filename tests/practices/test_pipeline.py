"""Pipeline facts: DVC stages and tracked outs, MLproject, Makefile targets, orchestrators, params files."""

from __future__ import annotations

from mlaudit.scanners.pipeline import pipeline_facts


def test_declared_pipelines(tree_of) -> None:
    """Stages of dvc.yaml, MLproject and Makefile are read with their kinds; orchestrators and params found."""
    facts = pipeline_facts(tree_of({
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    deps: [data/x.csv]\n    params: [lr]\n    outs: [model.pkl]\n",
        "dvc.lock": "schema: '2.0'\nstages: {}\n",
        "data/x.csv.dvc": "outs:\n- md5: abc\n  path: x.csv\n",
        "MLproject": "name: p\nentry_points:\n  main:\n    command: python train.py --lr {lr}\n  evaluate:\n    command: python eval.py\n",
        "Makefile": ".PHONY: all\nall: train\ntrain:\n\tpython train.py\n\tpython evaluate.py\nlint:\n\truff check .\nX := 1\n",
        "flows/retrain.py": "from prefect import flow\n",
        "dags/daily.py": "import airflow\n",
        "params.yaml": "lr: 0.1\n", "configs/model.yaml": "depth: 3\n", "configs/bad.yaml": "a: [\n",
        ".github/workflows/ci.yml": "on: push\n",
    }))
    steps = [(s["source"], s["name"], s["kinds"]) for s in facts["steps"]]
    assert steps == [("mlproject", "main", ["training"]), ("mlproject", "evaluate", ["evaluation"]),
                     ("make", "all", ["training"]), ("make", "train", ["training", "evaluation"]), ("make", "lint", ["lint"]),
                     ("dvc", "train", ["training"])]
    models = facts["dvc"].pop("models")
    assert facts["dvc"] == {"stages": 1, "lock": "dvc.lock", "tracked": [{"path": "data/x.csv", "dvc_file": "data/x.csv.dvc"}],
                            "params": ["params.yaml:lr"]}
    assert [(m["path"], m["stage"], m["md5"]) for m in models] == [("model.pkl", "train", None)]
    assert [(o["tool"], o["path"]) for o in facts["orchestrators"]] == [("airflow", "dags/daily.py"), ("prefect", "flows/retrain.py")]
    assert facts["params_files"] == ["configs/model.yaml", "params.yaml"]


def test_broken_pipeline_files_are_errors(tree_of) -> None:
    """A dvc.yaml or MLproject that is not valid YAML is recorded as an error."""
    facts = pipeline_facts(tree_of({"dvc.yaml": "stages: [\n", "MLproject": "a: [\n"}))
    assert sorted(e["path"] for e in facts["errors"]) == ["MLproject", "dvc.yaml"]


def test_schedules_of_orchestrators_and_cron_jobs(tree_of) -> None:
    """Orchestrator schedules, Kubernetes CronJobs and Argo CronWorkflows are found, with whether they train."""
    facts = pipeline_facts(tree_of({
        "dags/retrain.py": "from airflow import DAG\nwith DAG('retrain', schedule_interval='@weekly'):\n    train_task = 1\n",
        "flows/report.py": "from prefect import flow\n@flow\ndef report():\n    pass\n",
        "k8s/cron.yaml": "apiVersion: batch/v1\nkind: CronJob\nspec:\n  schedule: '0 2 * * *'\n  jobTemplate:\n    args: [python, train.py]\n",
    }))
    assert [(o["tool"], o["schedule"], o["trains"]) for o in facts["orchestrators"]] == [
        ("airflow", "'@weekly'", True), ("prefect", None, False)]
    assert facts["schedules"] == [{"path": "k8s/cron.yaml", "line": 2, "kind": "CronJob", "detail": "0 2 * * *", "trains": True}]
