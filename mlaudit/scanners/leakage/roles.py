"""Which part of the data a value is, decided by use: row masks that name a part, the training part of a join,
accumulators of held-out fold parts."""

from __future__ import annotations

import ast

from mlaudit.scanners.leakage import api
from mlaudit.scanners.leakage.values import Val

OPPOSITE = {"train": "test", "test": "train"}


def only_side(val: Val, side: str) -> Val:
    """The part of a train+test join holding one side's rows; the training part drops what only test rows carry
    (test rows prepared with their own statistics are not in it)."""
    events = val.events if side == "test" else frozenset(e for e in val.events if not e.own)
    return val.with_(sides=frozenset({side}), events=events)


def mask_side(node: ast.AST | None) -> str | None:
    """The part a row mask selects from a train+test join: ``full[full.is_train == 1]`` -> train,
    ``full.loc[full["set"] != "test"]`` -> train, ``full[full.IsTrain == 0]`` -> test; None when it names none."""
    if not isinstance(node, ast.Subscript):
        return None
    mask = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
    if not (isinstance(mask, ast.Compare) and len(mask.ops) == 1 and isinstance(mask.ops[0], (ast.Eq, ast.NotEq))):
        return None
    col, const = mask.left, mask.comparators[0]
    if not isinstance(const, ast.Constant):
        return None
    side = None
    if isinstance(const.value, str):
        side = api.name_side(const.value)
    elif const.value in (0, 1) and not isinstance(const.value, float):
        name = col.slice.value if isinstance(col, ast.Subscript) and isinstance(col.slice, ast.Constant) else (
            col.attr if isinstance(col, ast.Attribute) else None)
        side = api.name_side(name) if isinstance(name, str) else None
        if side and const.value == 0:
            side = OPPOSITE[side]
    if side and isinstance(mask.ops[0], ast.NotEq):
        side = OPPOSITE[side]
    return side


def accumulators(body: list[ast.stmt]) -> set[str]:
    """Names a loop body accumulates into: ``x = f(x, ...)``, ``x += ...``, ``x.append(...)`` / ``.extend``."""
    names: set[str] = set()
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if any(isinstance(n, ast.Name) and n.id == target for n in ast.walk(node.value)):
                names.add(target)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend") \
                and isinstance(node.func.value, ast.Name):
            names.add(node.func.value.id)
    return names
