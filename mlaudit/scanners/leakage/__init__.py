"""Static leakage analysis of Python scripts and notebook cells (``ast`` only; nothing is imported or run).

``analyze_file(path, data)`` gives one file's findings and the files it writes and reads;
``link_files(results)`` adds the leaks that cross from one script to another through a file.
"""

from __future__ import annotations

from mlaudit.scanners.leakage.links import FileResult, analyze_file, link_files
from mlaudit.scanners.leakage.records import CodeFinding, FileFlow
from mlaudit.scanners.leakage.values import Site

CODE_CHECKS = ("LEAK-CODE-PREPROCESS", "LEAK-CODE-OVERSAMPLE", "LEAK-CODE-MULTITEST", "LEAK-CODE-TEST-STATS")

__all__ = ["CODE_CHECKS", "CodeFinding", "FileFlow", "FileResult", "Site", "analyze_file", "link_files"]
