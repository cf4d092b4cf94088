"""The pickle allow-list is data of exact names, each harmless for any arguments: checked against the installed libraries.

This test (never the product) resolves every allow-listed name that is importable here with importlib and fails
when it is a module, or when the Python code that loading runs (the function itself; for a class its __new__,
__init__, __setstate__ and the container methods the unpickler calls) uses getattr, import_module, __import__,
exec, eval, compile or open. C functions and classes cannot be inspected: their entries argue it in the reason.
"""

from __future__ import annotations

import dis
import importlib
import inspect
import types
from typing import Any

import pytest

from mlaudit.scanners.models import policy as pol
from mlaudit.scanners.models.policy import DANGEROUS, SAFE, UNKNOWN, classify_global, policy

FORBIDDEN = frozenset({"getattr", "import_module", "__import__", "exec", "eval", "compile", "open", "setattr"})
LOAD_TIME_METHODS = ("__new__", "__init__", "__setstate__", "__setitem__", "append", "extend", "add")
MISSING = object()


def _resolve(qualname: str) -> Any:
    """The object a qualified name names, or MISSING when its library is not installed here."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return MISSING
        return obj
    return MISSING


SIMPLE_LOADS = frozenset({"LOAD_FAST", "LOAD_CONST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_ATTR", "LOAD_NAME", "PUSH_NULL"})


def _constant_getattr(instructions: list[dis.Instruction], i: int) -> bool:
    """Whether the ``getattr`` loaded at ``i`` is called as getattr(obj, "constant"[, default]) (a fixed attribute)."""
    args = []
    for ins in instructions[i + 1:]:
        if ins.opname in ("PRECALL", "CALL"):
            break
        if ins.opname not in SIMPLE_LOADS:
            return False
        if ins.opname != "PUSH_NULL":
            args.append(ins)
    return len(args) >= 2 and args[1].opname == "LOAD_CONST" and isinstance(args[1].argval, str)


def _code_names(code: types.CodeType) -> set[str]:
    """Every global, attribute and name a code object (and the code nested in it) loads.

    ``getattr`` with a constant attribute name reads a fixed attribute and is not counted.
    """
    names = set()
    instructions = list(dis.get_instructions(code))
    for i, ins in enumerate(instructions):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_ATTR", "LOAD_METHOD", "IMPORT_NAME", "IMPORT_FROM"):
            if ins.argval == "getattr" and _constant_getattr(instructions, i):
                continue
            names.add(str(ins.argval))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _load_time_code(obj: Any) -> list[tuple[str, types.CodeType]]:
    """The Python code objects loading runs for ``obj``: the function, or the class's load-time methods."""
    if isinstance(obj, (types.FunctionType, types.MethodType)):
        return [(obj.__qualname__, obj.__code__)]
    out = []
    if isinstance(obj, type):
        for name in LOAD_TIME_METHODS:
            method = inspect.getattr_static(obj, name, None)
            method = getattr(method, "__func__", method)
            if isinstance(method, types.FunctionType):
                out.append((method.__qualname__, method.__code__))
    return out


def test_allowlist_entries_are_exact_names_with_reasons_and_versions() -> None:
    """Every entry names a module attribute (never a bare module prefix) and carries a reason and checked versions."""
    allow = policy().allow
    assert len(allow) > 300
    for name, entry in allow.items():
        assert "." in name and not name.endswith("."), name
        assert entry["reason"].strip() and entry["checked"], name
    assert not set(allow) & set(policy().deny)


def test_allowlisted_names_resolve_to_harmless_callables() -> None:
    """Importable allow-listed names are not modules and their load-time Python code calls no getattr/import/eval."""
    checked, problems = 0, []
    for name in policy().allow:
        obj = _resolve(name)
        if obj is MISSING:
            continue
        checked += 1
        if isinstance(obj, types.ModuleType):
            problems.append(f"{name} is a module")
            continue
        for where, code in _load_time_code(obj):
            bad = _code_names(code) & FORBIDDEN
            if bad:
                problems.append(f"{name}: {where} uses {sorted(bad)}")
    assert checked > 300, checked
    assert problems == []


def test_the_resolver_catches_modules_and_getattr_helpers() -> None:
    """The check above fails for what it must refuse: a re-exported module and numpy's getattr-and-call helper."""
    assert isinstance(_resolve("numpy.lib._format_impl.os"), types.ModuleType)
    wrapfunc = _resolve("numpy._core.fromnumeric._wrapfunc")
    assert {"getattr"} <= set().union(*(_code_names(c) for _, c in _load_time_code(wrapfunc)))


@pytest.mark.parametrize(("module", "name", "expected"), [
    ("collections", "OrderedDict", SAFE),
    ("numpy._core.multiarray", "_reconstruct", SAFE),
    ("sklearn.ensemble._forest", "RandomForestClassifier", SAFE),
    ("joblib.numpy_pickle", "NumpyArrayWrapper", SAFE),
    ("torch._utils", "_rebuild_tensor_v2", SAFE),
    ("builtins", "frozenset", SAFE),
    ("os", "system", DANGEROUS),
    ("posix", "system", DANGEROUS),
    ("builtins", "getattr", DANGEROUS),
    ("numpy.lib.format", "pickle", DANGEROUS),  # a re-exported module
    ("joblib.numpy_pickle", "os.system", DANGEROUS),  # protocol-4 attribute path through a re-export
    ("numpy._core.fromnumeric", "_wrapfunc", DANGEROUS),
    ("functools", "partial", DANGEROUS),
    ("itertools", "starmap", DANGEROUS),
    ("operator", "attrgetter", DANGEROUS),
    ("operator", "methodcaller", DANGEROUS),
    ("torch._utils", "_import_dotted_name", DANGEROUS),
    ("torch._utils", "_rebuild_from_type_v2", DANGEROUS),
    ("torch.storage", "_load_from_bytes", DANGEROUS),
    ("uuid", "_get_command_stdout", DANGEROUS),
    ("uuid", "_ifconfig_getnode", DANGEROUS),
    ("_xxsubinterpreters", "run_string", DANGEROUS),
    ("_interpreters", "run_string", DANGEROUS),
    ("_pyrepl.pager", "pipe_pager", DANGEROUS),
    ("imaplib", "IMAP4_stream", DANGEROUS),
    ("torch.utils.collect_env", "run", DANGEROUS),
    ("torch._inductor.codecache", "compile_file", DANGEROUS),
    ("code", "interact", DANGEROUS),
    ("codeop", "compile_command", DANGEROUS),
    ("runpy", "run_path", DANGEROUS),
    ("pty", "spawn", DANGEROUS),
    ("ctypes", "CDLL", DANGEROUS),
    ("shutil", "rmtree", DANGEROUS),
    ("webbrowser", "open", DANGEROUS),
    ("asyncio.subprocess", "create_subprocess_shell", DANGEROUS),
    ("multiprocessing.util", "spawnv_passfds", DANGEROUS),
    ("some.module", "__class__", DANGEROUS),
    ("<result of x>", "y", DANGEROUS),
    ("mypackage.models", "MyEstimator", UNKNOWN),
    ("numpy", "mean", SAFE),
    ("numpy", "sum", UNKNOWN),  # not listed: unknown (an allow-list never grows by prefix)
])
def test_global_policy(module: str, name: str, expected: str) -> None:
    """Exact names decide (never a module prefix); families that run processes, code, imports or files are dangerous."""
    assert classify_global(module, name) == expected


def test_every_dangerous_name_says_why() -> None:
    """The advisory of a dangerous name is stated (it becomes the reason in the report)."""
    for module, name in (("os", "system"), ("uuid", "getnode"), ("numpy", "os")):
        assert classify_global(module, name) == DANGEROUS
        assert pol.explain(module, name)
