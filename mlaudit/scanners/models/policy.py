"""Which imported globals are dangerous, which are proven harmless, and the verdict of a pickle stream.

The lists are data (``resources/security/pickle_policy.json``, loaded once): an allowlist of exact qualified
names, each harmless for any arguments (with its reason and the library versions checked), never a module
prefix; a denylist of exact names with the advisory for each; module families that can spawn processes,
evaluate code, import or open files (any name in them is dangerous); attribute names that are dangerous
at the end of a dotted path.

Verdict of a stream (``judge``): dangerous when a dangerous global is imported or a dangerous value is
reached; else inconclusive when anything was not fully modelled (the machine's reasons), a callable not on
the allowlist is invoked, or a global not on the allowlist is imported at all (``find_class`` imports its
module, which runs that module's top-level code, and the object can be reached by later opcodes in ways
the machine does not list); else safe.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from typing import Any

from mlaudit.scanners.models.pickle_values import DANGEROUS as DANGEROUS_VERDICT
from mlaudit.scanners.models.pickle_values import INCONCLUSIVE, Global, Obj, Reason, StreamResult
from mlaudit.scanners.models.pickle_values import SAFE as SAFE_VERDICT

DANGEROUS = "dangerous"
SAFE = "safe"
UNKNOWN = "unknown"
POLICY_RESOURCE = ("mlaudit.resources.security", "pickle_policy.json")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_LITERALS = (str, bytes, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class Policy:
    """The loaded lists (see the module docstring)."""

    allow: dict[str, dict[str, Any]]
    calls_arguments: dict[str, tuple[int, ...]]
    deny: dict[str, str]
    deny_modules: dict[str, str]
    dangerous_leaves: frozenset[str]
    checked_with: dict[str, str]


@functools.cache
def policy() -> Policy:
    """The policy data file, read once."""
    package, name = POLICY_RESOURCE
    data = json.loads(importlib.resources.files(package).joinpath(name).read_text(encoding="utf-8"))
    allow = data["allow"]
    calls = {k: tuple(v["arguments"]) for k, v in allow.items() if v.get("arguments")}
    return Policy(allow=allow, calls_arguments=calls, deny={k: v["advisory"] for k, v in data["deny"].items()},
                  deny_modules={k: v["advisory"] for k, v in data["deny_modules"].items()},
                  dangerous_leaves=frozenset(data["dangerous_leaves"]), checked_with=data["checked_with"])


def _prefixes(dotted: str) -> list[str]:
    """``a.b.c`` -> [a, a.b, a.b.c]."""
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


@functools.lru_cache(maxsize=65536)
def classify_global(module: str, name: str) -> str:
    """``dangerous``, ``safe`` or ``unknown`` for an imported ``module.name`` (names as CPython imports them)."""
    return _classify(module, name)[0]


@functools.lru_cache(maxsize=65536)
def explain(module: str, name: str) -> str:
    """Why ``module.name`` is classified as it is (the entry's advisory or reason)."""
    return _classify(module, name)[1]


@functools.lru_cache(maxsize=65536)
def _classify(module: str, name: str) -> tuple[str, str]:
    """(class, why) of ``module.name``; cached, as the same names recur in every file of a scan."""
    pol = policy()
    if module.startswith("<") or name.startswith("<"):
        return DANGEROUS, "a module or name computed while loading: any callable can be imported"
    if not module or not name or not _IDENT.match(module) or not _IDENT.match(name):
        return UNKNOWN, "not a plain dotted name"
    full = f"{module}.{name}"
    if full in pol.allow:
        return SAFE, pol.allow[full]["reason"]
    if full in pol.deny:
        return DANGEROUS, pol.deny[full]
    for prefix in _prefixes(full):
        if prefix in pol.deny_modules:
            return DANGEROUS, pol.deny_modules[prefix]
    return _by_parts(module, name, pol)


def _by_parts(module: str, name: str, pol: Policy) -> tuple[str, str]:
    """Rules on the name's parts: re-exported dangerous modules, dunders, dangerous leaf names."""
    for part in name.split("."):
        if part in pol.deny_modules:
            return DANGEROUS, f"reaches the module {part} through a re-export: {pol.deny_modules[part]}"
    attrs = name.split(".")
    if any(a.startswith("__") and a.endswith("__") for a in attrs):
        return DANGEROUS, "reaches interpreter internals through a dunder attribute (not on the allowlist)"
    if attrs[-1] in pol.dangerous_leaves:
        return DANGEROUS, f"a callable named {attrs[-1]}: runs code, processes, imports or file access"
    return UNKNOWN, "not on the allowlist: its behaviour with arbitrary arguments is unknown"


def may_be_str(value: Any) -> bool:
    """Whether a symbolic value can be an exact ``str`` at load time (STACK_GLOBAL refuses anything else).

    A literal is what it is; an allow-listed global is a class or function, never a str; a call result can be
    a str only when the callable is ``builtins.str`` (directly or through a class-constructing helper) or is
    not on the allowlist. Persistent ids, extension codes and unknown globals can be anything.
    """
    if isinstance(value, Global):
        return classify_global(value.module, value.name) != SAFE
    if isinstance(value, Obj):
        func = value.func
        if not isinstance(func, Global) or classify_global(func.module, func.name) != SAFE:
            return True
        if func.qualname == "builtins.str":
            return True
        if func.qualname in policy().calls_arguments:
            return any((isinstance(a, Global) and a.qualname == "builtins.str") or not isinstance(a, (Global, *_LITERALS))
                       for a in value.args)
        return False
    return type(value).__name__ == "Opaque"


def judge(result: StreamResult) -> tuple[str, list[Reason]]:
    """(verdict, reasons) of a stream: the machine's reasons plus the policy on its globals and calls."""
    reasons = list(result.notes)
    invoked = _invoked(result, reasons)
    seen: set[str] = set()
    for ref in result.globals:
        full = ref.qualname
        if full in seen:
            continue
        seen.add(full)
        cls, why = _classify(ref.module, ref.name)
        if cls == DANGEROUS:
            reasons.append(Reason("dangerous-global", f"imports {full}: {why}", ref.pos, DANGEROUS_VERDICT))
        elif cls == UNKNOWN and full in invoked:
            reasons.append(Reason("unknown-callable", f"calls {full}, which is not on the allowlist", ref.pos))
        elif cls == UNKNOWN:
            reasons.append(Reason("unknown-global", f"imports {full}, which is not on the allowlist "
                                  "(importing runs its module's code)", ref.pos))
    return verdict_of(reasons), reasons


def call_reasons(result: StreamResult) -> list[Reason]:
    """A reason for every invocation in ``result`` that could run something not proven harmless; imports alone give none.

    Dangerous callables are dangerous. Inconclusive: a callable outside the allowlist whose top-level module the
    standard library or an installed distribution provides (for any other name ``find_class`` fails with
    ModuleNotFoundError before the call), and a call of a value computed while loading (an object or an opaque
    value; a literal tuple, dict or string is not callable: the unpickler fails on it). An allow-listed callable
    that calls some of its arguments has those arguments judged as calls.
    """
    pol = policy()
    reasons: list[Reason] = []
    for call in result.calls:
        func = call.obj.func
        targets = [func]
        if isinstance(func, Global):
            targets += [call.obj.args[i] for i in pol.calls_arguments.get(func.qualname, ()) if i < len(call.obj.args)]
        for target in targets:
            if isinstance(target, Global):
                cls, why = _classify(target.module, target.name)
                if cls == DANGEROUS:
                    reasons.append(Reason("dangerous-global", f"calls {target.qualname}: {why}", call.pos, DANGEROUS_VERDICT))
                elif cls == UNKNOWN and importable(target.module):
                    reasons.append(Reason("unknown-callable", f"calls {target.qualname}, which is not on the allowlist",
                                          call.pos))
            elif type(target).__name__ in ("Obj", "Opaque"):
                reasons.append(Reason("computed-call", f"{call.opcode} calls {call.target}, a value computed while "
                                      "loading (not an allow-listed global)", call.pos))
    return reasons


@functools.lru_cache(maxsize=4096)
def importable(module: str) -> bool:
    """Whether the top-level package of ``module`` exists here: the standard library's or an installed one's.

    Located by ``importlib.util.find_spec`` on the top-level name only, which searches the path and runs no module code.
    """
    top = module.split(".", 1)[0]
    if not top.isidentifier():
        return False
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError, AttributeError):
        return True  # could not tell: assume a loader could import it


def verdict_of(reasons: list[Reason]) -> str:
    """dangerous if any reason is, else inconclusive if there is any reason, else safe."""
    if any(r.verdict == DANGEROUS_VERDICT for r in reasons):
        return DANGEROUS_VERDICT
    if any(r.verdict == INCONCLUSIVE for r in reasons):
        return INCONCLUSIVE
    return SAFE_VERDICT


def _invoked(result: StreamResult, reasons: list[Reason]) -> set[str]:
    """Qualified names of invoked globals; a reason for each call whose target is not a plain global."""
    pol = policy()
    invoked: set[str] = set()
    computed = False
    for call in result.calls:
        func = call.obj.func
        if not isinstance(func, Global):
            if not computed:
                reasons.append(Reason("computed-call", f"{call.opcode} calls {call.target}, a value computed while "
                                      "loading (not an allow-listed global)", call.pos))
                computed = True
            continue
        invoked.add(func.qualname)
        positions = pol.calls_arguments.get(func.qualname)
        if positions:
            _check_called_arguments(call.obj, positions, func.qualname, call.pos, invoked, reasons)
    return invoked


def _check_called_arguments(obj: Obj, positions: tuple[int, ...], name: str, pos: int, invoked: set[str],
                            reasons: list[Reason]) -> None:
    """An allow-listed callable that calls some of its arguments: each of those must be allowed too."""
    for i in positions:
        if i >= len(obj.args):
            continue
        arg = obj.args[i]
        if isinstance(arg, Global):
            invoked.add(arg.qualname)
        elif not isinstance(arg, _LITERALS):
            reasons.append(Reason("computed-call", f"{name} calls its argument {i}, a value computed while "
                                  "loading", pos))
