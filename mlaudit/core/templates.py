"""Project templates (cookiecutter, copier): files that are rendered into a project, not the project itself.

A path with a Jinja placeholder in one of its folders or in its name (``{{ cookiecutter.repo_name }}/src/...``,
``{% if x %}ci.yml{% endif %}``) is a template file: its text is Jinja, not Python/TOML/YAML, and what it says
holds for the projects generated from it, not for this repository. Template files are kept out of the project
files every scanner reads (``TreeSource.files``) and listed in each check's coverage as skipped for that reason,
which never makes a verdict unknown: nothing the check could judge was left out.

A file outside a template folder whose text carries Jinja statements (``{% if ... %}``) or cookiecutter
variables (``{{ cookiecutter.x }}``) and so cannot be parsed is a template too (``is_template_text``).
"""

from __future__ import annotations

import re

TEMPLATE_WHY = "template: a Jinja placeholder in its path; rendered by cookiecutter/copier, not this project's code"
TEMPLATE_TEXT_WHY = "template: Jinja markup in its text; rendered by cookiecutter/copier, not this project's code"

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_JINJA_TEXT = re.compile(
    r"\{%-?\s*(if|elif|else|endif|for|endfor|set|raw|endraw|include|import|macro|endmacro|block|endblock)\b"
    r"|\{\{-?\s*(cookiecutter|copier|_copier_conf)\b")


def is_template_path(path: str) -> bool:
    """Whether a folder or the name of ``path`` holds a Jinja placeholder (``{{ ... }}`` or ``{% ... %}``)."""
    return "{" in path and any(_PLACEHOLDER.search(part) for part in path.split("/"))


def is_template_text(text: str) -> bool:
    """Whether ``text`` carries Jinja statements or cookiecutter/copier variables (GitHub's ``${{ }}`` is not)."""
    return "{" in text and _JINJA_TEXT.search(text) is not None
