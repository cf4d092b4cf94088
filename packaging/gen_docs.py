"""Generate docs/checks/<ID>.md (one page per registered check) and docs/report/<section>.md from the registry.

Usage: python packaging/gen_docs.py [--check] [DOCS_DIR]   (default DOCS_DIR: docs/ next to this folder)
--check writes nothing and exits 1 when a page is missing or out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlaudit.report.check_pages import HEADER, check_page, pages, thresholds_of

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["HEADER", "check_page", "main", "pages", "stale", "thresholds_of"]


def stale(docs: Path) -> list[str]:
    """Pages missing or different from what the registry generates."""
    return sorted(rel for rel, text in pages().items()
                  if not (docs / rel).exists() or (docs / rel).read_text(encoding="utf-8") != text)


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    docs = Path(rest[0]) if rest else ROOT / "docs"
    if check_only:
        bad = stale(docs)
        for rel in bad:
            print(f"out of date: {docs / rel}")
        return 1 if bad else 0
    for rel, text in pages().items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(pages())} pages under {docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
