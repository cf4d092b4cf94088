"""When bytes that start like a pickle are not one a loader would act on, so the file is not a model file.

Text files often begin with bytes that are pickle opcodes: ``click\\nSphinx\\n`` (a requirements file) is a
protocol-0 GLOBAL importing ``lick.Sphinx``. CPython's unpickler runs opcodes one by one and stops at the first
error, so what matters is what it does *before* the error. A file not named as a model whose first stream never
completes is not a model file when, before the unpickler stops, nothing acts:

- nothing is called (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ), no persistent id is handed to the loader, no
  BUILD/APPEND/SETITEM runs a method of an imported object, no extension code is looked up;
- for plain text (the bytes up to the error are printable UTF-8): only imports of globals the policy does not
  call dangerous and whose module path has no dunder part (``unittest.__main__`` runs code when imported); an
  import of another installed module runs library code that a loader of the file cannot choose beyond the name;
- for anything else (binary, a PROTO header): no global imported at all.

Any cap reached means the machine could not tell: the file is reported. A file named as a model (``*.pkl``,
``*.pt`` ... by the path rules, or such a name with a compression suffix) is always reported.
"""

from __future__ import annotations

import re

from mlaudit.core.roles import classify_by_rules
from mlaudit.scanners.models.pickle_values import DANGEROUS, StreamResult
from mlaudit.scanners.models.policy import DANGEROUS as DANGEROUS_GLOBAL
from mlaudit.scanners.models.policy import classify_global

ACTING_NOTES = frozenset({"container-call", "build-on-global", "extension-code", "limit", "unmodelled"})
COMPRESSION_SUFFIXES = (".gz", ".tgz", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z", ".zlib", ".tar")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NAMES_SHOWN = 3


def named_as_model(name: str) -> bool:
    """Whether a file's name says it is a model: its role by the path rules, after any compression suffix is dropped.

    ``name`` may be a container path (``outer.zip:inner/model.pkl``, ``model.pkl.gz (gzip)``): the last member counts.
    """
    base = name.rsplit(":", 1)[-1].split(" (", 1)[0]
    lowered = base.lower()
    while lowered.endswith(COMPRESSION_SUFFIXES) and "." in lowered.rsplit("/", 1)[-1]:
        cut = lowered.rfind(".")
        base, lowered = base[:cut], lowered[:cut]
    return classify_by_rules(base)[0] == "model"


def is_plain_text(data: bytes | memoryview) -> bool:
    """Printable UTF-8 (newlines, tabs and carriage returns allowed): what a text editor shows as text."""
    raw = bytes(data)
    if _CONTROL.search(raw):
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dunder_module(module: str) -> bool:
    return any(p.startswith("__") and p.endswith("__") for p in module.split("."))


def inert_reason(result: StreamResult, data: bytes | memoryview) -> str | None:
    """Why the unpickler would stop before acting on anything (the file is not a model); None when it acts.

    ``result`` is the machine's run over ``data`` whose first stream did not complete (no root).
    """
    if result.roots or result.calls or result.persistent_ids:
        return None
    if any(n.verdict == DANGEROUS or n.kind in ACTING_NOTES for n in result.notes):
        return None
    stop = next((n for n in reversed(result.notes) if n.kind == "damaged"), None)
    if stop is None:
        return None  # it did not stop on damage (a cap, or something unmodelled): it could not tell
    end = len(data) if stop.pos is None else stop.pos + 1
    # a streamed input whose window moved past ``data`` is not judged as text (only its start is at hand)
    text = end <= len(data) + 1 and is_plain_text(data[:end])
    names: list[str] = []
    for ref in result.globals:
        if not text or classify_global(ref.module, ref.name) == DANGEROUS_GLOBAL or _dunder_module(ref.module):
            return None
        if ref.qualname not in names:
            names.append(ref.qualname)
    kind = "text that starts like a protocol-0 pickle" if text else "bytes that start like a pickle"
    where = f"byte {stop.pos}" if stop.pos is not None else "the end"
    did = (f"having only imported {', '.join(names[:NAMES_SHOWN])}{' …' if len(names) > NAMES_SHOWN else ''} "
           "and called nothing") if names else "before importing or calling anything"
    return f"not a model file: {kind}; a pickle loader would stop at {where} ({stop.message}) {did}"
