"""Hostile and benign model files for the tests, crafted opcode by opcode (nothing here is ever loaded)."""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile
from pathlib import Path

import joblib
import numpy as np


def _u(text: str) -> bytes:
    """SHORT_BINUNICODE."""
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def global_call(module: str, name: str, arg: str, proto: int = 2) -> bytes:
    """GLOBAL module.name, called with one string argument (REDUCE)."""
    raw = arg.encode()
    return b"\x80" + bytes([proto]) + f"c{module}\n{name}\n".encode() + b"(X" + struct.pack("<I", len(raw)) + raw + b"tR."


def proto0_call(module: str, name: str, arg: str) -> bytes:
    """Protocol 0 text pickle: GLOBAL, MARK, STRING, TUPLE, REDUCE."""
    return f"c{module}\n{name}\n(S'{arg}'\ntR.".encode()


def inst_call(module: str, name: str, arg: str) -> bytes:
    """The INST opcode builds ``module.name(arg)`` in one step."""
    return f"(S'{arg}'\ni{module}\n{name}\n.".encode()


def stack_global_call(module: str, name: str, arg: str) -> bytes:
    """Protocol 4 STACK_GLOBAL with module and name pushed as strings."""
    return b"\x80\x04" + _u(module) + _u(name) + b"\x93" + _u(arg) + b"\x85R."


def memo_global_call(module: str, name: str, arg: str) -> bytes:
    """The module and name are memoized early, then fetched back with BINGET for STACK_GLOBAL."""
    return (b"\x80\x04" + _u("benign") + b"\x94" + _u(module) + b"\x94" + _u(name) + b"\x94" + b"000"
            + b"h\x01h\x02\x93" + _u(arg) + b"\x85R.")


def getattr_chain(arg: str) -> bytes:
    """builtins.getattr(builtins.__import__('os'), 'system')(arg)."""
    return (b"\x80\x04" + _u("builtins") + _u("getattr") + b"\x93"
            + _u("builtins") + _u("__import__") + b"\x93" + _u("os") + b"\x85R"
            + _u("system") + b"\x86R" + _u(arg) + b"\x85R.")


def dotted_name_call(arg: str) -> bytes:
    """A safe-looking module with a dotted name that walks to os.system at load time."""
    return stack_global_call("sklearn.utils", "os.system", arg)


def trailing_without_proto(arg: str) -> bytes:
    """A benign pickle, then a second stream with no PROTO opcode (the loader accepts it)."""
    return pickle.dumps([1, 2], protocol=4) + _u("os") + _u("system") + b"\x93" + _u(arg) + b"\x85R."


def computed_name(arg: str) -> bytes:
    """STACK_GLOBAL whose module name is computed at load time by an innocent-looking call (''.join)."""
    return (b"\x80\x04" + _u("builtins") + _u("str.join") + b"\x93" + _u("") + _u("o") + _u("s") + b"\x86" + b"\x86R"
            + _u("system") + b"\x93" + _u(arg) + b"\x85R.")


def concatenated(arg: str) -> bytes:
    """A benign pickle followed by a malicious one in the same file."""
    return pickle.dumps({"weights": [1.0, 2.0]}, protocol=4) + global_call("os", "system", arg)


class _Payload:
    """Reduces to ``os.system(cmd)`` (pickled only, never unpickled)."""

    def __init__(self, cmd: str) -> None:
        self.cmd = cmd

    def __reduce__(self):
        import os

        return (os.system, (self.cmd,))


def joblib_after_arrays(arg: str, compress: object = 0) -> bytes:
    """A joblib file whose payload sits after large out-of-band numpy array blocks."""
    buf = io.BytesIO()
    joblib.dump({"a": np.arange(50_000, dtype="float64"), "b": np.ones((300, 40)), "z": _Payload(arg)}, buf, compress=compress)
    return buf.getvalue()


def npy_object_array(arg: str) -> bytes:
    """A .npy object array holding a payload (its data section is a pickle)."""
    buf = io.BytesIO()
    arr = np.empty(2, dtype=object)
    arr[0], arr[1] = "x", _Payload(arg)
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def torch_zip(pkl: bytes, prefix: str = "archive") -> bytes:
    """A PyTorch-style zip: ``archive/data.pkl`` plus version and a data blob."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{prefix}/data.pkl", pkl)
        zf.writestr(f"{prefix}/version", "3\n")
        zf.writestr(f"{prefix}/data/0", b"\x00" * 64)
    return buf.getvalue()


def keras_zip(config: dict) -> bytes:
    """A Keras 3 ``.keras`` archive with the given model config."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2024-01-01"}))
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 32)
    return buf.getvalue()


def keras_config(lambda_layer: bool = False, custom_module: str | None = None) -> dict:
    layers = [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 4}}]
    if lambda_layer:
        layers.append({"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lam", "function": {"code": "..."}}})
    if custom_module:
        layers.append({"module": custom_module, "class_name": "MyLayer", "registered_name": "MyLayer", "config": {"name": "mine"}})
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": layers}}


def _varint(n: int) -> bytes:
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def _field(num: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    return _varint(num << 3 | 2) + _varint(len(value)) + value


def onnx_model(custom_domain: str | None = None, external: str | None = None) -> bytes:
    """A minimal ONNX ModelProto written field by field: producer, opset, one input/output, one node."""
    def value_info(name: str, dims: list[int | str]) -> bytes:
        shape = b"".join(_field(1, _field(1, d) if isinstance(d, int) else _field(2, d.encode())) for d in dims)
        return _field(1, name.encode()) + _field(2, _field(1, _field(1, 1) + _field(2, shape)))

    node = _field(1, b"X") + _field(2, b"Y") + _field(4, b"Relu")
    nodes = _field(1, node)
    if custom_domain:
        nodes += _field(1, _field(1, b"Y") + _field(2, b"Z") + _field(4, b"Magic") + _field(7, custom_domain.encode()))
    init = b""
    if external:
        entry = _field(1, b"location") + _field(2, external.encode())
        init = _field(5, _field(1, 4) + _field(2, 1) + _field(8, b"W") + _field(13, entry) + _field(14, 1))
    graph = nodes + _field(2, b"g") + init + _field(11, value_info("X", ["batch", 3])) + _field(12, value_info("Y", ["batch", 3]))
    opset = _field(8, _field(1, b"") + _field(2, 17))
    if custom_domain:
        opset += _field(8, _field(1, custom_domain.encode()) + _field(2, 1))
    return _field(1, 8) + _field(2, b"skl2onnx") + _field(3, b"1.16.0") + opset + _field(7, graph)


def safetensors_file(header_len: int | None = None) -> bytes:
    header = json.dumps({"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
                         "b": {"dtype": "F32", "shape": [3], "data_offsets": [24, 36]}}).encode()
    return struct.pack("<Q", header_len if header_len is not None else len(header)) + header + b"\x00" * 36


def gguf_file(n_tensors: int | None = None) -> bytes:
    def s(text: str) -> bytes:
        return struct.pack("<Q", len(text)) + text.encode()

    kv = s("general.architecture") + struct.pack("<I", 8) + s("llama") + s("llama.context_length") + struct.pack("<I", 4) + struct.pack("<I", 2048)
    tensor = s("tok_embd") + struct.pack("<I", 2) + struct.pack("<QQ", 32, 8) + struct.pack("<I", 0) + struct.pack("<Q", 0)
    return b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", n_tensors if n_tensors is not None else 1, 2) + kv + tensor


def zip_bomb() -> bytes:
    """A zip whose one member expands 1000-fold (40 MB of zeros from ~40 KB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\x00" * (40 * 1024 * 1024))
    return buf.getvalue()


def bad_crc_zip(arg: str) -> bytes:
    data = bytearray(torch_zip(global_call("os", "system", arg)))
    idx = data.find(b"system")
    data[idx] ^= 0x01  # corrupt the stored member so its CRC no longer matches
    return bytes(data)


def malicious_corpus(canary: Path) -> dict[str, bytes]:
    """Every evasion the scanner must see through; each would create ``canary`` if it were ever loaded."""
    cmd = f"touch {canary}"
    return {
        "os_system.pkl": global_call("os", "system", cmd),
        "posix_system.pkl": global_call("posix", "system", cmd),
        "nt_system.pkl": global_call("nt", "system", cmd),
        "proto0.pkl": proto0_call("os", "system", cmd),
        "proto1_eval.pkl": proto0_call("__builtin__", "eval", f"__import__('os').system('{cmd}')"),
        "exec.pkl": global_call("builtins", "exec", f"import os; os.system('{cmd}')"),
        "compile.pkl": global_call("builtins", "compile", "x"),
        "open.pkl": global_call("builtins", "open", str(canary) + "-open"),
        "import.pkl": global_call("builtins", "__import__", "os"),
        "inst.pkl": inst_call("os", "system", cmd),
        "stack_global.pkl": stack_global_call("subprocess", "getoutput", cmd),
        "memo.pkl": memo_global_call("os", "system", cmd),
        "getattr_chain.pkl": getattr_chain(cmd),
        "dotted.pkl": dotted_name_call(cmd),
        "runpy.pkl": global_call("runpy", "_run_code", cmd),
        "importlib.pkl": global_call("importlib", "import_module", "os"),
        "socket.pkl": global_call("socket", "create_connection", "example.com"),
        "shutil.pkl": global_call("shutil", "rmtree", str(canary) + "-dir"),
        "pty.pkl": global_call("pty", "spawn", "/bin/sh"),
        "code.pkl": global_call("code", "interact", "x"),
        "pdb.pkl": global_call("pdb", "run", cmd),
        "webbrowser.pkl": global_call("webbrowser", "open", "http://example.com"),
        "pip.pkl": global_call("pip", "main", "install"),
        "asyncio.pkl": global_call("asyncio.subprocess", "create_subprocess_shell", cmd),
        "numpy_runstring.pkl": global_call("numpy.testing._private.utils", "runstring", cmd),
        "concatenated.pkl": concatenated(cmd),
        "trailing_no_proto.pkl": trailing_without_proto(cmd),
        "computed_name.pkl": computed_name(cmd),
        "joblib_after_arrays.joblib": joblib_after_arrays(cmd),
        "joblib_gzip.joblib": joblib_after_arrays(cmd, ("gzip", 3)),
        "joblib_lz4.joblib": joblib_after_arrays(cmd, ("lz4", 3)),
        "joblib_xz.joblib": joblib_after_arrays(cmd, ("xz", 3)),
        "joblib_bz2.joblib": joblib_after_arrays(cmd, ("bz2", 3)),
        "joblib_zlib.joblib": joblib_after_arrays(cmd, 3),
        "object_array.npy": npy_object_array(cmd),
        "torch_data_pkl.pt": torch_zip(global_call("os", "system", cmd)),
        "hidden_member.pt": _hidden_member(global_call("os", "system", cmd)),
        "nested_zip.zip": _nested_zip(torch_zip(global_call("os", "system", cmd))),
        "keras_lambda.keras": keras_zip(keras_config(lambda_layer=True)),
        "weights.bin": global_call("os", "system", cmd),
        "notes.txt": proto0_call("os", "system", cmd),
    }


def _nested_zip(inner: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/model.pt", inner)
    return buf.getvalue()


def _hidden_member(payload: bytes) -> bytes:
    """A PyTorch-like zip with a pickle stored under a raw-storage name (no extension, in a subfolder)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        zf.writestr("archive/data/7", payload)
    return buf.getvalue()
