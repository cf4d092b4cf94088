"""Package list: the mlaudit tree plus the top-level resources/ and sample_projects/ folders, installed
as ``mlaudit.resources`` and ``mlaudit.sample_projects`` (loaded with importlib.resources)."""

from setuptools import find_packages, setup

MAPPED = {"mlaudit.resources": "resources", "mlaudit.sample_projects": "sample_projects"}

packages = find_packages(include=["mlaudit", "mlaudit.*"])
for name, folder in MAPPED.items():
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(where=folder)]

setup(packages=packages)
