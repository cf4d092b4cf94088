"""Sample projects: recipes that build real git repos with deterministic history.

Each recipe module defines ``NAME``, ``DESCRIPTION``, ``PLANTED`` (the findings it plants, by check id)
and ``build(dest: Path) -> Path``. Installed as ``mlaudit.sample_projects``.
"""
