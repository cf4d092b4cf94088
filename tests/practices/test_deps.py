"""Dependency facts from every supported manifest, lock file and Python version declaration."""

from __future__ import annotations

import pytest

from mlaudit.core.repo import open_repo
from mlaudit.core.tree import open_tree
from mlaudit.scanners.deps import classify_pep508, classify_poetry, dependency_facts

REQS = """\
# runtime
-r requirements/base.txt
numpy==1.26.4 \\
    --hash=sha256:aaaa
pandas>=2.1,<3  # range
scikit-learn
requests[socks]==2.32.0; python_version >= "3.8"
-e git+https://github.com/org/lib.git@0123456789abcdef0123456789abcdef01234567#egg=lib
git+https://github.com/org/other.git@main
--index-url https://pypi.org/simple
"""


def pins(facts: dict) -> dict[str, tuple[str, int | None]]:
    return {p["name"]: (p["pin"], p["line"]) for p in facts["packages"]}


@pytest.mark.parametrize("spec, expected", [
    ("==1.2.3", "pinned"), ("===1.0", "pinned"), ("==1.*", "ranged"), (">=1,<2", "ranged"), ("~=1.4", "ranged"),
    ("", "unpinned"), ("@ https://x/y.whl", "url"), ("@ git+https://x@0123456789abcdef0123456789abcdef01234567", "pinned"),
])
def test_pep508_classification(spec: str, expected: str) -> None:
    """PEP 440 specifiers are classified as pinned, ranged, unpinned or url."""
    assert classify_pep508(spec) == expected


@pytest.mark.parametrize("spec, expected", [
    ("1.2.3", "pinned"), ("==1.2", "pinned"), ("^1.2", "ranged"), ("~1.2", "ranged"), ("*", "unpinned"),
    ({"version": "2.0.1", "extras": ["x"]}, "pinned"), ({"git": "https://x", "branch": "main"}, "url"),
])
def test_poetry_classification(spec, expected: str) -> None:
    """Poetry/Pipfile specs: bare versions are exact, carets and tildes are ranges."""
    assert classify_poetry(spec) == expected


def test_requirements_with_includes_hashes_markers_and_urls(tree_of) -> None:
    """requirements.txt lines give one package each with its line; -r includes are followed."""
    facts = dependency_facts(tree_of({"requirements.txt": REQS, "requirements/base.txt": "pyyaml==6.0.1\n"}))
    assert pins(facts) == {
        "numpy": ("pinned", 3), "pandas": ("ranged", 5), "scikit-learn": ("unpinned", 6), "requests": ("pinned", 7),
        "lib": ("pinned", 8), "other": ("url", 9), "pyyaml": ("pinned", 1),
    }
    assert [p["hashed"] for p in facts["packages"]][:2] == [True, False]
    assert facts["includes"] == [{"path": "requirements.txt", "line": 2, "target": "requirements/base.txt"}]


def test_pyproject_pep621_poetry_and_python(tree_of) -> None:
    """PEP 621 dependencies, extras, build requirements, Poetry groups and requires-python are read."""
    text = """\
[project]
requires-python = ">=3.10"
dependencies = ["numpy==1.26.4", "pandas>=2"]
[project.optional-dependencies]
dev = ["pytest>=8"]
[build-system]
requires = ["setuptools>=68"]
[tool.poetry.dependencies]
python = "3.11.9"
torch = "2.3.1"
[tool.poetry.group.dev.dependencies]
ruff = "^0.4"
"""
    facts = dependency_facts(tree_of({"pyproject.toml": text}))
    got = {(p["name"], p["pin"], p["group"]) for p in facts["packages"]}
    assert got == {("numpy", "pinned", "runtime"), ("pandas", "ranged", "runtime"), ("pytest", "ranged", "dev"),
                   ("setuptools", "ranged", "build"), ("torch", "pinned", "runtime"), ("ruff", "ranged", "dev")}
    assert [(d["value"], d["exact"]) for d in facts["python"]] == [(">=3.10", False), ("3.11.9", True)]
    assert {m["format"] for m in facts["manifests"]} == {"pyproject", "poetry"}


def test_setup_cfg_setup_py_pipfile_and_conda(tree_of) -> None:
    """setup.cfg, setup.py (statically), Pipfile and conda environments are read."""
    facts = dependency_facts(tree_of({
        "setup.cfg": "[options]\npython_requires = >=3.9\ninstall_requires =\n    click==8.1.7\n    jinja2\n",
        "setup.py": "from setuptools import setup\nsetup(name='x', install_requires=['attrs>=23'], python_requires='>=3.9')\n",
        "Pipfile": '[packages]\nflask = "==3.0.3"\nrich = "*"\n[dev-packages]\nblack = "*"\n[requires]\npython_version = "3.11"\n',
        "environment.yml": "name: env\ndependencies:\n  - python=3.11.9\n  - numpy=1.26.4\n  - conda-forge::scipy\n  - pip:\n    - torch==2.3.1\n",
    }))
    assert pins(facts) == {"click": ("pinned", 4), "jinja2": ("unpinned", 5), "attrs": ("ranged", 2),
                           "flask": ("pinned", 2), "rich": ("unpinned", 3), "black": ("unpinned", 5),
                           "numpy": ("pinned", 4), "scipy": ("unpinned", 5), "torch": ("pinned", 7)}
    assert sorted(d["value"] for d in facts["python"]) == ["3.11", "3.11.9", ">=3.9", ">=3.9"]


def test_lock_files_and_consistency(tree_of) -> None:
    """poetry.lock, Pipfile.lock, conda-lock and pip-compile output are found; missing packages are listed."""
    facts = dependency_facts(tree_of({
        "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nnumpy = "^1.26"\npandas = "^2"\n',
        "poetry.lock": '[[package]]\nname = "numpy"\nversion = "1.26.4"\n',
        "Pipfile": '[packages]\nflask = "*"\n', "Pipfile.lock": '{"default": {"flask": {"version": "==3.0.3"}}, "develop": {}}',
        "environment.yml": "dependencies:\n  - numpy\n", "conda-lock.yml": "package:\n  - name: numpy\n    version: 1.26.4\n",
        "requirements.in": "httpx\n", "requirements.txt": "# This file is autogenerated by pip-compile\nhttpx==0.27.0\n",
    }))
    locks = {lk["path"]: (lk["format"], lk["missing"]) for lk in facts["locks"]}
    assert locks == {"poetry.lock": ("poetry", ["pandas"]), "Pipfile.lock": ("pipfile", []),
                     "conda-lock.yml": ("conda-lock", []), "requirements.txt": ("pip-compile", [])}


def test_python_version_files_and_docker_image(tree_of) -> None:
    """.python-version, runtime.txt and a python base image declare the interpreter."""
    facts = dependency_facts(tree_of({".python-version": "3.11.9\n", "runtime.txt": "python-3.10.4\n",
                                      "Dockerfile": "FROM --platform=linux/amd64 python:3.12-slim AS base\n"}))
    assert sorted((d["path"], d["value"], d["exact"]) for d in facts["python"]) == [
        (".python-version", "3.11.9", True), ("Dockerfile", "3.12", True), ("runtime.txt", "3.10.4", True)]


@pytest.mark.parametrize("files", [
    {"pyproject.toml": "[project\n"}, {"Pipfile": "[packages\n"}, {"setup.py": "setup(\n"},
    {"environment.yml": "dependencies: [\n"}, {"uv.lock": "[[package]\n"}, {"setup.cfg": "[options\ninstall_requires = x"},
    {"requirements.txt": "%%% nonsense\n"},
])
def test_malformed_files_are_recorded_not_raised(tree_of, files: dict[str, str]) -> None:
    """A file that cannot be parsed is listed under errors and the scan goes on."""
    facts = dependency_facts(tree_of(files))
    assert facts["errors"] and facts["errors"][0]["path"] == next(iter(files))


def test_facts_at_an_older_commit(make_repo) -> None:
    """Facts read through a commit tree reflect that commit, not the working tree."""
    repo = make_repo()
    first = repo.commit("loose", {"requirements.txt": "numpy\n"})
    repo.commit("pinned", {"requirements.txt": "numpy==1.26.4\n"})
    tree = open_tree(open_repo(repo.root), first)
    try:
        assert [p["pin"] for p in dependency_facts(tree)["packages"]] == ["unpinned"]
    finally:
        tree.close()


@pytest.mark.parametrize("name, group", [
    ("requirements.txt", "runtime"), ("requirements-dev.txt", "dev"), ("requirements/test.txt", "dev"),
    ("requirements-docker.txt", "runtime"), ("requirements_docs.in", "dev"),
])
def test_requirement_file_groups(tree_of, name: str, group: str) -> None:
    """Requirement files named for dev, tests or docs are dev groups; other names are runtime."""
    facts = dependency_facts(tree_of({name: "numpy==1.26.4\n"}))
    assert [p["group"] for p in facts["packages"]] == [group]


def test_odd_structures_are_errors(tree_of) -> None:
    """Valid TOML/YAML with unexpected shapes is recorded as an error, never raised."""
    facts = dependency_facts(tree_of({"pyproject.toml": "[project]\ndependencies = 3\noptional-dependencies = 4\n",
                                      "Pipfile": "packages = 1\n", "environment.yml": "dependencies: 5\n"}))
    assert {e["path"] for e in facts["errors"]} <= {"pyproject.toml", "Pipfile"}


def test_uv_lock_out_of_date_with_the_manifest(tree_of) -> None:
    """uv.lock records the project's specifiers; a manifest changed since locking makes those packages stale."""
    lock = ('[[package]]\nname = "p"\nversion = "1"\nsource = { editable = "." }\n[package.metadata]\nrequires-dist = [\n'
            '  { name = "numpy", specifier = ">=1.20" },\n  { name = "pandas", specifier = "<3, >=2" },\n]\n'
            '[[package]]\nname = "numpy"\nversion = "1.26.4"\n[[package]]\nname = "pandas"\nversion = "2.2.0"\n')
    facts = dependency_facts(tree_of({"uv.lock": lock,
                                      "pyproject.toml": '[project]\nname = "p"\ndependencies = ["numpy>=1.26", "pandas>=2,<3"]\n'}))
    assert [(lk["missing"], lk["stale"]) for lk in facts["locks"]] == [([], ["numpy"])]
