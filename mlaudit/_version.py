"""The package version, in one place: pyproject.toml reads it (``[tool.setuptools.dynamic]``), and reading it here
costs nothing at start-up (``importlib.metadata`` costs 30-80 ms, a third of ``mlaudit --version``)."""

__version__ = "0.1.0"
