"""Project templates (cookiecutter/copier) are not the project: skipped by name in coverage, never a cause of unknown."""

from __future__ import annotations

import pytest

from mlaudit.checks.base import Status
from mlaudit.core.repo import open_repo
from mlaudit.core.templates import is_template_path, is_template_text
from mlaudit.core.tree import TreeSource, open_tree
from mlaudit.scanners.code import code_facts
from mlaudit.scanners.deps import dependency_facts

TEMPLATE = "{{ cookiecutter.repo_name }}"
GENERATOR = "import json\n\n\ndef main():\n    print(json.dumps({'ok': True}))\n"
TEMPLATED_INIT = "from {{ cookiecutter.module_name }} import config  # noqa: F401\n"
TEMPLATED_TRAIN = "import numpy as np\nX = np.random.rand(10, 2)\nmodel = {{ cookiecutter.model }}().fit(X, X[:, 0])\n"
TEMPLATED_TOML = '[project]\nname = "{{ cookiecutter.module_name }}"\n{% if cookiecutter.pydantic %}dependencies = ["pydantic"]{% endif %}\n'


@pytest.fixture
def tree_of(make_repo):
    """Factory: ``tree_of(files)`` commits ``files`` to a fresh repo and returns its working tree."""
    counter = iter(range(1000))

    def factory(files: dict[str, str]) -> TreeSource:
        repo = make_repo(f"tree{next(counter)}")
        repo.commit("files", files)
        return open_tree(open_repo(repo.root))

    return factory


def _template_repo() -> dict[str, str]:
    return {"ccds/__main__.py": GENERATOR, "cookiecutter.json": '{"repo_name": "x", "module_name": "x"}\n',
            f"{TEMPLATE}/pyproject.toml": TEMPLATED_TOML,
            f"{TEMPLATE}/{{{{ cookiecutter.module_name }}}}/__init__.py": TEMPLATED_INIT,
            f"{TEMPLATE}/{{{{ cookiecutter.module_name }}}}/train.py": TEMPLATED_TRAIN}


def test_template_paths_and_texts_are_recognised() -> None:
    """A Jinja placeholder in a path part or Jinja statements in a text mark a template; GitHub's ${{ }} does not."""
    assert is_template_path("{{ cookiecutter.repo_name }}/src/train.py")
    assert is_template_path("{{cookiecutter.__directory_name}}/.python-version")
    assert not is_template_path("src/train.py") and not is_template_path("docs/{braces}/x.py")
    assert is_template_text('{%- if cookiecutter.dependency_manager == "uv" -%}\n3.11\n{%- endif -%}')
    assert is_template_text("name = {{ cookiecutter.project_slug }}\n")
    assert not is_template_text("run: echo ${{ github.sha }}\n") and not is_template_text("d = {'a': {1: 2}}\n")


def test_template_folder_files_are_not_read_by_scanners(tree_of) -> None:
    """Files under a {{ cookiecutter.* }} folder are no project code or manifests; the generator's code is."""
    tree = tree_of(_template_repo())
    facts = code_facts(tree)
    assert facts["files"] == 1 and facts["unreadable"] == [] and facts["training"] == []
    deps = dependency_facts(tree)
    assert deps["errors"] == [] and deps["manifests"] == []
    assert {e.path for e in tree.template_files()} == {p for p in _template_repo() if p.startswith(TEMPLATE)}
    assert all(not e.path.startswith(TEMPLATE) for e in tree.files())


def test_template_folder_never_turns_a_check_unknown(judge) -> None:
    """With a template folder that does not parse, code checks keep their verdict and coverage names the template."""
    for check_id in ("REPRO-SEEDS", "REPRO-PARAMS", "MODEL-BASELINE", "LEAK-CODE-PREPROCESS"):
        r = judge(_template_repo(), check_id)
        assert r.status == Status.NOT_APPLICABLE, (check_id, r.message)
        assert r.coverage is not None and r.coverage.skipped_total == 0
        assert r.coverage.excluded and "template" in r.coverage.excluded[0]["why"]
        assert TEMPLATE in r.coverage.excluded[0]["what"] and "not the project's" in r.coverage.summary()


def test_jinja_text_outside_a_template_folder_is_skipped_as_template(tree_of) -> None:
    """A root script or .python-version holding Jinja markup is a template, not broken code or a Python version."""
    tree = tree_of({"hooks/post_gen.py": "{% if cookiecutter.docs %}\nimport os\n{% endif %}\n", "train.py": GENERATOR,
                    ".python-version": "{%- if cookiecutter.uv -%}\n{{ cookiecutter.python }}\n{%- endif -%}\n",
                    "requirements.txt": "{% if cookiecutter.torch %}torch{% endif %}\nnumpy==1.26.4\n"})
    facts = code_facts(tree)
    assert facts["unreadable"] == [] and [t["path"] for t in facts["templates"]] == ["hooks/post_gen.py"]
    deps = dependency_facts(tree)
    assert deps["python"] == [] and deps["errors"] == []
    assert sorted(t["path"] for t in deps["templates"]) == [".python-version", "requirements.txt"]


def test_broken_code_without_jinja_still_blocks(judge) -> None:
    """The template rule is narrow: a plain syntax error still makes an all-inputs pass or an N/A unknown."""
    r = judge({"train.py": GENERATOR, "other.py": "def f(:\n    pass\n"}, "REPRO-SEEDS")
    assert r.status == Status.UNKNOWN and r.coverage is not None and r.coverage.skipped_total == 1


def test_local_install_line_is_not_a_parse_error(tree_of) -> None:
    """``-e .`` / ``.[dev]`` in a requirements file installs the project itself: no error, no package."""
    deps = dependency_facts(tree_of({"dev-requirements.txt": "-e .\n.[dev]\n../\npytest==8.0.0\n"}))
    assert deps["errors"] == []
    assert [p["name"] for p in deps["packages"]] == ["pytest"]


def test_template_files_have_the_template_role_in_history(make_repo, tmp_path) -> None:
    """A sample CSV inside the template folder is no project data (DATA-QUALITY N/A); a user rule still wins."""
    from mlaudit.audit.run import audit
    from mlaudit.core.roles import classify
    from mlaudit.store.db import open_store

    files = {**_template_repo(), f"{TEMPLATE}/data/sample.csv": "a,b\n1,\n1,\n"}
    repo = make_repo("tmplrole")
    repo.commit("template", files)
    db = tmp_path / "s.sqlite"
    by_id = {r.check_id: r for r in audit(repo.root, db).results}
    assert str(by_id["DATA-QUALITY"].status) == "not applicable"
    with open_store(db, repo_root=repo.root) as store:
        role = store.db.execute("SELECT role FROM path_roles WHERE path = ?", [f"{TEMPLATE}/data/sample.csv"]).fetchone()[0]
    assert role == "template"
    assert classify(f"{TEMPLATE}/data/sample.csv", extra_rules=[(f"{TEMPLATE}/data/*", "data")])[0] == "data"


def test_broken_code_with_a_jinja_string_elsewhere_is_still_unparsed(tree_of) -> None:
    """Only a failure on the Jinja markup makes a template: a syntax error away from it stays 'not parsed'."""
    facts = code_facts(tree_of({"render.py": "PAGE = '{% if user %}hi{% endif %}'\n\n\ndef f(:\n    pass\n"}))
    assert facts["templates"] == [] and [u["path"] for u in facts["unreadable"]] == ["render.py"]
