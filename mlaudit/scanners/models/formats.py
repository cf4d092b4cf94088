"""Headers of non-pickle model formats: NumPy .npy, safetensors, GGUF, ONNX (protobuf), HDF5 Keras, MLmodel."""

from __future__ import annotations

import ast
import json
import struct
from collections.abc import Iterator
from typing import Any

import yaml

from mlaudit.core.yamlload import load_yaml
from mlaudit.scanners.models.report import ModelReport

MAX_HEADER = 100 * 1024 * 1024


def npy_header(data: bytes, report: ModelReport) -> tuple[dict[str, Any], int] | None:
    """Parse a ``.npy`` header (literal dict, never evaluated); return (header, data offset)."""
    if len(data) < 10 or data[:6] != b"\x93NUMPY":
        return None
    major = data[6]
    width = 2 if major == 1 else 4
    if len(data) < 8 + width:
        report.add("malformed", "medium", "truncated .npy header")
        return None
    hlen = int.from_bytes(data[8:8 + width], "little")
    start = 8 + width
    if hlen > min(MAX_HEADER, len(data) - start):
        report.add("malformed", "medium", f".npy header length {hlen} is beyond the file")
        return None
    text = data[start:start + hlen].decode("latin-1")
    try:
        header = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        report.add("malformed", "medium", ".npy header is not a literal dict")
        return None
    if not isinstance(header, dict):
        report.add("malformed", "medium", ".npy header is not a dict")
        return None
    return header, start + hlen


def safetensors(data: bytes, report: ModelReport) -> None:
    """Header metadata, tensor count, parameter count and dtypes; offsets checked against the file."""
    n = int.from_bytes(data[:8], "little")
    if n > min(MAX_HEADER, len(data) - 8):
        report.add("malformed", "high", f"safetensors header length {n} is beyond the file ({len(data)} bytes)")
        return
    try:
        header = json.loads(data[8:8 + n])
    except (ValueError, RecursionError):
        report.add("malformed", "high", "safetensors header is not valid JSON")
        return
    if not isinstance(header, dict):
        report.add("malformed", "high", "safetensors header is not an object")
        return
    meta = header.pop("__metadata__", None)
    body = len(data) - 8 - n
    dtypes: dict[str, int] = {}
    params, bad = 0, 0
    for t in header.values():
        if not isinstance(t, dict):
            bad += 1
            continue
        shape, offsets = t.get("shape", []), t.get("data_offsets", [0, 0])
        count = 1
        for d in shape if isinstance(shape, list) else []:
            count *= d if isinstance(d, int) and d >= 0 else 0
        params += count
        dtypes[str(t.get("dtype"))] = dtypes.get(str(t.get("dtype")), 0) + 1
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= body):
            bad += 1
    if bad:
        report.add("malformed", "medium", f"{bad} safetensors entries have offsets outside the data section")
    report.metadata.update({"tensors": len(header), "parameters": params, "dtypes": dtypes,
                            "header_metadata": meta if isinstance(meta, dict) else None})


_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError(f"truncated at byte {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]


def gguf(data: bytes, report: ModelReport, max_items: int = 100_000) -> None:
    """GGUF header: version, metadata key/values (long arrays summarised), tensor count and parameters."""
    r = _Reader(data, 4)
    try:
        version = r.unpack("<I")
        count_fmt = "<I" if version == 1 else "<Q"
        n_tensors, n_kv = r.unpack(count_fmt), r.unpack(count_fmt)
        if n_tensors > max_items or n_kv > max_items:
            raise ValueError(f"absurd counts ({n_tensors} tensors, {n_kv} keys)")

        def string() -> str:
            k = r.unpack(count_fmt)
            if k > 1 << 20:
                raise ValueError(f"string of {k} bytes")
            return r.take(k).decode("utf-8", "replace")

        def value(kind: int, depth: int = 0) -> Any:
            if kind in _GGUF_SCALARS:
                return r.unpack(_GGUF_SCALARS[kind])
            if kind == 8:
                return string()
            if kind == 9 and depth < 3:
                sub, k = r.unpack("<I"), r.unpack(count_fmt)
                if k > 50_000_000:
                    raise ValueError(f"array of {k} items")
                items = [value(sub, depth + 1) for _ in range(k)]
                return items if k <= 16 else f"<array of {k}>"
            raise ValueError(f"unknown value type {kind}")

        meta = {}
        for _ in range(n_kv):
            key = string()
            meta[key] = value(r.unpack("<I"))
        params = 0
        for _ in range(n_tensors):
            string()
            dims = r.unpack("<I")
            if dims > 8:
                raise ValueError(f"tensor with {dims} dimensions")
            count = 1
            for _ in range(dims):
                count *= r.unpack("<Q")
            r.unpack("<I")
            r.unpack("<Q")
            params += count
    except (ValueError, struct.error, OverflowError) as exc:
        report.add("malformed", "high", f"GGUF header unreadable: {exc}")
        return
    report.metadata.update({"gguf_version": version, "tensors": n_tensors, "parameters": params,
                            "header_metadata": {k: v for k, v in meta.items() if not isinstance(v, list)}})
    arch = meta.get("general.architecture")
    if isinstance(arch, str):
        report.estimator = arch


# --- ONNX: a minimal protobuf wire reader ----------------------------------------------------------
def _varint(data: bytes, pos: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        b = data[pos]
        pos += 1
        out |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return out, pos


def fields(data: bytes) -> list[tuple[int, Any]]:
    """(field number, value) pairs of one protobuf message; length-delimited values stay bytes."""
    out, pos = [], 0
    val: int | bytes
    while pos < len(data):
        key, pos = _varint(data, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = _varint(data, pos)
        elif wire == 1:
            val, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(data, pos)
            if pos + n > len(data):
                raise ValueError("field runs past the end")
            val, pos = data[pos:pos + n], pos + n
        elif wire == 5:
            val, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.append((num, val))
    return out


def _text(v: Any) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _value_info(raw: bytes) -> dict[str, Any]:
    info: dict[str, Any] = {"name": "", "shape": None, "elem_type": None}
    for num, val in fields(raw):
        if num == 1:
            info["name"] = _text(val)
        elif num == 2:
            for tnum, tval in fields(val):
                if tnum == 1:  # tensor_type
                    for knum, kval in fields(tval):
                        if knum == 1:
                            info["elem_type"] = kval
                        elif knum == 2:
                            dims = []
                            for dnum, dval in fields(kval):
                                if dnum == 1:
                                    dim = dict(fields(dval))
                                    dims.append(dim.get(1) if 1 in dim else _text(dim.get(2, b"?")))
                            info["shape"] = dims
    return info


def is_onnx(data: bytes) -> bool:
    """Cheap test: a protobuf whose first field is ir_version (1) and that holds a graph (7)."""
    if len(data) < 4 or data[0] != 0x08:
        return False
    try:
        nums = {num for num, _ in fields(data[: min(len(data), 64 * 1024 * 1024)])}
    except (ValueError, IndexError):
        return False
    return 7 in nums


def onnx(data: bytes, report: ModelReport, allowed_domains: tuple[str, ...] = ("", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "com.microsoft")) -> None:
    """ONNX: producer, IR version, opsets, inputs/outputs with shapes, custom domains, external-data paths."""
    try:
        top = fields(data)
    except ValueError as exc:
        report.add("malformed", "high", f"ONNX protobuf unreadable: {exc}")
        return
    meta: dict[str, Any] = {"opset": {}, "inputs": [], "outputs": [], "ops": {}, "external_data": []}
    graph = b""
    for num, val in top:
        if num == 1:
            meta["ir_version"] = val
        elif num == 2:
            meta["producer"] = _text(val)
        elif num == 3:
            meta["producer_version"] = _text(val)
        elif num == 8:
            op = dict(fields(val))
            meta["opset"][_text(op.get(1, b""))] = op.get(2)
        elif num == 7:
            graph = val
    custom: set[str] = {d for d in meta["opset"] if d not in allowed_domains}
    initializers: set[str] = set()
    try:
        for num, val in fields(graph):
            if num == 1:  # node
                node = fields(val)
                op_type = next((_text(v) for n, v in node if n == 4), "?")
                domain = next((_text(v) for n, v in node if n == 7), "")
                meta["ops"][op_type] = meta["ops"].get(op_type, 0) + 1
                if domain not in allowed_domains:
                    custom.add(domain)
            elif num == 5:  # initializer (TensorProto)
                tensor = fields(val)
                initializers.add(next((_text(v) for n, v in tensor if n == 8), ""))
                for n, v in tensor:
                    if n == 13:
                        entry = dict(fields(v))
                        if _text(entry.get(1, b"")) == "location":
                            meta["external_data"].append(_text(entry.get(2, b"")))
            elif num == 11:
                meta["inputs"].append(_value_info(val))
            elif num == 12:
                meta["outputs"].append(_value_info(val))
    except ValueError as exc:
        report.add("malformed", "high", f"ONNX graph unreadable: {exc}")
    meta["inputs"] = [i for i in meta["inputs"] if i["name"] not in initializers]
    for domain in sorted(custom):
        report.unknown.append(f"onnx-domain:{domain}")
        report.add("onnx-custom-domain", "medium", f"custom operator domain {domain!r} needs a native library to run")
    for loc in meta["external_data"]:
        if loc.startswith("/") or ".." in loc.split("/") or ":" in loc:
            report.add("onnx-external-data", "high", f"external tensor data at {loc!r} points outside the model folder")
    report.metadata.update(meta)
    report.features = [i["name"] for i in meta["inputs"]] or None
    last_dim = (meta["inputs"][0]["shape"] or [None])[-1] if len(meta["inputs"]) == 1 else None
    report.n_features = last_dim if isinstance(last_dim, int) else None
    report.estimator = f"onnx:{meta.get('producer', '?')}"
    if meta.get("producer_version"):
        report.library_versions[meta.get("producer", "producer")] = meta["producer_version"]


def json_dicts(node: Any, max_depth: int, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict of a parsed JSON tree, parents before children, down to ``max_depth`` levels of dicts and lists."""
    if depth > max_depth:
        return
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from json_dicts(v, max_depth, depth + 1)
    elif isinstance(node, list):
        for v in node:
            yield from json_dicts(v, max_depth, depth + 1)


# --- Keras --------------------------------------------------------------------------------------
def keras_config(config: Any, report: ModelReport) -> None:
    """Architecture summary of a Keras model config; Lambda layers and non-Keras modules are findings."""
    layers: list[dict[str, Any]] = []

    for node in json_dicts(config, 60):
        cls = node.get("class_name")
        module = node.get("module")
        if isinstance(cls, str) and isinstance(node.get("config"), dict) and "name" in node["config"]:
            layers.append({"class": cls, "name": node["config"].get("name")})
        if cls == "Lambda":
            report.dangerous.append("keras.layers.Lambda")
            report.add("keras-lambda", "critical", "Lambda layer: loading it runs serialized Python code",
                       str(node.get("config", {}).get("name", "")))
        if isinstance(module, str) and module and not module.startswith(("keras", "tensorflow", "tf_keras")):
            report.unknown.append(f"{module}.{node.get('registered_name') or cls}")
            report.add("keras-custom-module", "medium", f"config references module {module!r}")

    top = config.get("class_name") if isinstance(config, dict) else None
    report.estimator = f"keras:{top}" if top else "keras"
    counts: dict[str, int] = {}
    for layer in layers:
        counts[layer["class"]] = counts.get(layer["class"], 0) + 1
    report.metadata["layers"] = len(layers)
    report.metadata["layer_types"] = counts
    report.hyperparameters.update({f"layers.{k}": v for k, v in sorted(counts.items())})


def json_after(data: bytes, marker: bytes, limit: int = 16 * 1024 * 1024) -> Any:
    """The JSON object starting at the first ``marker`` in ``data`` (balanced braces), or None."""
    start = data.find(marker)
    if start < 0:
        return None
    depth, in_str, esc = 0, False, False
    for i in range(start, min(len(data), start + limit)):
        c = data[i]
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:
                esc = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                try:
                    return json.loads(data[start:i + 1])
                except ValueError:
                    return None
    return None


def hdf5(data: bytes, report: ModelReport) -> None:
    """HDF5: a Keras model_config attribute found by its JSON text (no HDF5 library needed)."""
    config = None
    for marker in (b'{"class_name"', b'{"module": "keras', b'{"module"'):
        config = json_after(data, marker)
        if isinstance(config, dict) and "class_name" in config:
            break
        config = None
    if config is None:
        report.metadata["hdf5"] = "no Keras model config found"
        return
    report.format = "keras-h5"
    keras_config(config, report)
    version = json_after(data, b'{"keras_version"')
    if isinstance(version, dict):
        report.library_versions["keras"] = str(version.get("keras_version"))


def mlmodel(text: str, report: ModelReport) -> None:
    """MLflow ``MLmodel``: flavors, run id, signature inputs; pickle-based flavors are findings."""
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        report.add("malformed", "medium", f"MLmodel is not valid YAML: {exc}")
        return
    if not isinstance(doc, dict):
        return
    flavors = doc.get("flavors") or {}
    report.metadata.update({"flavors": sorted(flavors), "run_id": doc.get("run_id"), "model_uuid": doc.get("model_uuid"),
                            "mlflow_version": doc.get("mlflow_version")})
    if doc.get("mlflow_version"):
        report.library_versions["mlflow"] = str(doc["mlflow_version"])
    for name, flavor in flavors.items() if isinstance(flavors, dict) else []:
        if not isinstance(flavor, dict):
            continue
        if name == "sklearn" and flavor.get("sklearn_version"):
            report.library_versions["scikit-learn"] = str(flavor["sklearn_version"])
        fmt = flavor.get("serialization_format") or flavor.get("pickle_module") or ""
        if "pickle" in str(fmt) or (name == "python_function" and flavor.get("loader_module") not in (None, "mlflow.sklearn")):
            report.add("mlflow-pickle-flavor", "low", f"flavor {name} loads with {fmt or flavor.get('loader_module')}")
    sig = (doc.get("signature") or {}).get("inputs") if isinstance(doc.get("signature"), dict) else None
    try:
        inputs = json.loads(sig) if isinstance(sig, str) else None
    except ValueError:
        inputs = None
    if isinstance(inputs, list):
        report.features = [str(i.get("name")) for i in inputs if isinstance(i, dict) and i.get("name")] or None
    report.estimator = f"mlflow:{','.join(sorted(flavors))}" if flavors else "mlflow"
