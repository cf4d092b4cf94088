"""Read estimator metadata from a symbolic pickle tree: class, versions, hyperparameters, features, classes."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from mlaudit.scanners.models.pickle_values import ARRAY_VALUES_KEPT, Global, Key, Obj, Opaque, dtype_info

MAX_LIST = ARRAY_VALUES_KEPT  # values shown of a list or array (bigger arrays are summarised by shape and dtype)
MAX_NODES = 200_000
ESTIMATOR_MODULES = ("sklearn.", "xgboost.", "lightgbm.", "catboost.", "imblearn.", "statsmodels.", "category_encoders.")
_VERSION_KEY = re.compile(r"^_+([A-Za-z0-9]+?)_version$")
LIBRARY_NAMES = {"sklearn": "scikit-learn", "lgbm": "lightgbm", "xgb": "xgboost"}


def _as_bytes(x: Any) -> bytes | None:
    if isinstance(x, (bytes, bytearray)):
        return bytes(x)
    if isinstance(x, memoryview):
        return x.tobytes()
    if isinstance(x, str):  # protocol 0-2 keep bytes as latin-1 text
        return x.encode("latin-1", "replace")
    if isinstance(x, Obj) and isinstance(x.func, Global) and x.func.name == "encode" and x.args:
        text = x.args[0]
        return text.encode("latin-1", "replace") if isinstance(text, str) else None
    return None


def numpy_dtype(dtype: Any) -> Any:
    """A real numpy dtype for simple pickled dtypes (numbers, bool, fixed strings), else None."""
    kind, itemsize = dtype_info(dtype)
    if kind is None or kind in ("O", "V"):
        return None
    state = dtype.state if isinstance(dtype.state, tuple) else ()
    order = state[1] if len(state) > 1 and state[1] in ("<", ">", "|", "=") else "="
    code = dtype.args[0]
    try:
        if kind in ("U", "S"):
            n = (itemsize or 0) // (4 if kind == "U" else 1)
            return np.dtype(f"{order}{kind}{n}")
        return np.dtype(order + code if order in "<>" and code[0] not in "<>|=" else code)
    except (TypeError, ValueError):
        return None


def decode_array(obj: Obj, limit: int = MAX_LIST) -> list[Any] | dict[str, Any] | None:
    """The values of a pickled numpy array (small ones) or a summary {shape, dtype}; None when not an array."""
    name = obj.cls_name
    shape: Any = None
    dtype: Any = None
    raw: Any = None
    if name.endswith("multiarray._reconstruct") and isinstance(obj.state, tuple) and len(obj.state) >= 5:
        _, shape, dtype, _fortran, raw = obj.state[:5]
    elif name.endswith("numeric._frombuffer") and len(obj.args) >= 3:
        raw, dtype, shape = obj.args[:3]
    elif name.endswith("NumpyArrayWrapper") and isinstance(obj.state, dict):
        shape, dtype, raw = obj.state.get("shape"), obj.state.get("dtype"), obj.raw
        if isinstance(raw, Obj):
            return decode_array(raw, limit)
    else:
        return None
    if isinstance(raw, list):  # object arrays hold their Python values
        return [to_value(v) for v in raw[:limit]]
    count = math.prod(shape) if isinstance(shape, tuple) and all(isinstance(d, int) for d in shape) else None
    dt = numpy_dtype(dtype)
    data = _as_bytes(raw)
    if dt is None or data is None or count is None or count > limit or len(data) < count * dt.itemsize:
        return {"shape": list(shape) if isinstance(shape, tuple) else None, "dtype": str(dt) if dt is not None else None}
    values = np.frombuffer(data, dtype=dt, count=count)
    return [_plain(v) for v in values.tolist()]


def _plain(v: Any) -> Any:
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def decode_scalar(obj: Obj) -> Any:
    """A numpy scalar (``multiarray.scalar(dtype, bytes)``) as a Python value."""
    if len(obj.args) < 2:
        return None
    dt, data = numpy_dtype(obj.args[0]), _as_bytes(obj.args[1])
    if dt is None or data is None or len(data) < dt.itemsize:
        return None
    return _plain(np.frombuffer(data, dtype=dt, count=1).tolist()[0])


def is_estimator(obj: Any) -> bool:
    """An object whose class comes from an ML library and whose state is an attribute dict."""
    if not isinstance(obj, Obj) or not isinstance(obj.state, dict):
        return False
    return obj.cls_name.startswith(ESTIMATOR_MODULES) or "_sklearn_version" in obj.state


def to_value(x: Any, depth: int = 0) -> Any:
    """A JSON-able rendering of a symbolic value (arrays decoded when small, estimators by class)."""
    if depth > 12:
        return "<deep>"
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else str(x)
    if isinstance(x, (bytes, bytearray, memoryview)):
        return f"<{len(x)} bytes>"
    if isinstance(x, (list, tuple)):
        return [to_value(v, depth + 1) for v in x[:MAX_LIST]]
    if isinstance(x, dict):
        return {str(to_value(k.value if isinstance(k, Key) else k, depth + 1)): to_value(v, depth + 1)
                for k, v in list(x.items())[:MAX_LIST]}
    if isinstance(x, Global):
        return f"<{x.qualname}>"
    if isinstance(x, Opaque):
        return f"<{x.what}>"
    if isinstance(x, Obj):
        name = x.cls_name
        if name.endswith("multiarray.scalar"):
            return decode_scalar(x)
        arr = decode_array(x)
        if arr is not None:
            return arr
        if name in ("numpy.dtype", "numpy.dtypes") or name.startswith("numpy.dtypes."):
            return f"dtype({x.args[0] if x.args else '?'})"
        return f"<{name}>"
    return f"<{type(x).__name__}>"


def own_params(est: Obj) -> dict[str, Any]:
    """Constructor parameters kept in the state: public names without a trailing underscore."""
    return {k: v for k, v in est.state.items()
            if isinstance(k, str) and not k.startswith("_") and not k.endswith("_")}


def hyperparameters(est: Obj, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """Flat ``get_params(deep=True)``-style parameters; nested estimators as class names plus their params."""
    out: dict[str, Any] = {}
    if depth > 8:
        return out
    params = own_params(est)
    for key, value in params.items():
        if is_estimator(value):
            out[prefix + key] = value.cls_name
            out.update(hyperparameters(value, f"{prefix}{key}__", depth + 1))
        else:
            out[prefix + key] = to_value(value)
    for step_key in ("steps", "transformer_list", "transformers"):
        steps = params.get(step_key)
        if isinstance(steps, list):
            out[prefix + step_key] = [[to_value(s[0]), s[1].cls_name if isinstance(s[1], Obj) else to_value(s[1])]
                                      for s in steps if isinstance(s, tuple) and len(s) >= 2]
            for s in steps:
                if isinstance(s, tuple) and len(s) >= 2 and isinstance(s[0], str):
                    if is_estimator(s[1]):
                        out[prefix + s[0]] = s[1].cls_name
                        out.update(hyperparameters(s[1], f"{prefix}{s[0]}__", depth + 1))
                    else:
                        out[prefix + s[0]] = to_value(s[1])
    return out


_CONTAINERS = frozenset({Obj, dict, list, tuple})
_LEAF_GLOBALS = frozenset({("numpy", "dtype"), ("_codecs", "encode"), ("numpy.core.multiarray", "scalar"),
                           ("numpy._core.multiarray", "scalar"), ("joblib.numpy_pickle", "NumpyArrayWrapper"),
                           ("sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper")})


def survey(root: Any) -> tuple[Obj | None, dict[str, str]]:
    """One bounded pass over the tree: the first estimator (the root when it is one) and library versions."""
    versions: dict[str, str] = {}
    first: Obj | None = root if is_estimator(root) else None
    seen: set[int] = set()
    todo = [root]
    count = 0
    while todo and count < MAX_NODES:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        count += 1
        t = type(x)
        if t is Obj:
            state = x.state
            if _numeric_leaf(x):
                continue
            if type(state) is dict:
                if first is None and is_estimator(x):
                    first = x
                _walk_dict(state, todo, versions)
            elif type(state) in _CONTAINERS:
                todo.append(state)
            todo += [a for a in x.args if type(a) in _CONTAINERS]
            if x.listitems:
                todo += [v for v in x.listitems if type(v) in _CONTAINERS]
            if x.dictitems:
                todo += [v for _, v in x.dictitems if type(v) in _CONTAINERS]
        elif t is dict:
            _walk_dict(x, todo, versions)
        elif t is list or t is tuple:  # a scalar root (None, a number, a string) has nothing to walk
            todo += [v for v in x if type(v) in _CONTAINERS]
    return first, versions


def _numeric_leaf(x: Obj) -> bool:
    """A dtype, a numeric array or an encoded byte string: nothing inside can be an estimator or a version."""
    func = x.func
    if type(func) is not Global:
        return False
    if (func.module, func.name) in _LEAF_GLOBALS:
        return True
    state = x.state
    return func.name == "_reconstruct" and type(state) is tuple and len(state) >= 5 and type(state[4]) is not list


def _walk_dict(state: dict[Any, Any], todo: list[Any], versions: dict[str, str]) -> None:
    """Queue the containers among a dict's values and read its ``_<library>_version`` entries."""
    for k, v in state.items():
        t = type(v)
        if t in _CONTAINERS:
            todo.append(v)
        elif t is str and type(k) is str and k.endswith("_version"):
            m = _VERSION_KEY.match(k)
            if m:
                versions.setdefault(LIBRARY_NAMES.get(m.group(1), m.group(1)), v)


def _attr(est: Obj, name: str) -> Any:
    """A fitted attribute, looked up on a pipeline's first (features) or last (classes) step too."""
    if name in est.state:
        return est.state[name]
    steps = est.state.get("steps")
    if isinstance(steps, list) and steps:
        step = steps[0 if name in ("feature_names_in_", "n_features_in_") else -1]
        if isinstance(step, tuple) and len(step) >= 2 and is_estimator(step[1]):
            return _attr(step[1], name)
    return None


def estimator_metadata(root: Any) -> dict[str, Any]:
    """{estimator, library_versions, hyperparameters, features, n_features, classes, container}."""
    est, versions = survey(root)
    out: dict[str, Any] = {"estimator": None, "library_versions": versions, "hyperparameters": {}, "features": None,
                           "n_features": None, "classes": None}
    if est is None:
        if isinstance(root, Obj):
            out["estimator"] = root.cls_name
        return out
    out["estimator"] = est.cls_name
    if est is not root:
        out["container"] = type(root).__name__ if not isinstance(root, Obj) else root.cls_name
    out["hyperparameters"] = hyperparameters(est)
    names = _attr(est, "feature_names_in_")
    if isinstance(names, Obj):
        decoded = decode_array(names)
        out["features"] = [str(v) for v in decoded] if isinstance(decoded, list) else None
    n = _attr(est, "n_features_in_")
    out["n_features"] = n if isinstance(n, int) else (len(out["features"]) if out["features"] else None)
    classes = _attr(est, "classes_")
    if isinstance(classes, Obj):
        decoded = decode_array(classes)
        out["classes"] = decoded if isinstance(decoded, list) else None
    return out
