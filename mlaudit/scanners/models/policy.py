"""Which imported globals make a pickle dangerous, which are known-safe ML types, and the rest (unknown)."""

from __future__ import annotations

import functools
import re

DANGEROUS = "dangerous"
SAFE = "safe"
UNKNOWN = "unknown"

# Whole modules (and their submodules) whose import alone means code execution or file/network access.
DANGEROUS_MODULES = frozenset({
    "os", "posix", "nt", "posixpath", "ntpath", "subprocess", "sys", "runpy", "importlib", "imp", "socket",
    "shutil", "pty", "code", "codeop", "pdb", "bdb", "webbrowser", "pip", "ctypes", "multiprocessing", "signal",
    "commands", "popen2", "platform", "pickle", "_pickle", "cPickle", "dill", "cloudpickle", "marshal", "types",
    "tempfile", "urllib", "urllib2", "urllib3", "requests", "http", "httplib", "ftplib", "smtplib", "telnetlib",
    "paramiko", "ssl", "select", "selectors", "asyncio", "threading", "_thread", "thread", "timeit", "trace",
    "cProfile", "profile", "doctest", "idlelib", "pydoc", "venv", "ensurepip", "zipimport", "pkgutil",
    "distutils", "setuptools", "sqlite3", "glob", "fileinput", "linecache", "gc", "inspect", "operator",
    "_operator", "xmlrpc", "wsgiref", "socketserver", "nturl2path", "site", "sysconfig", "tarfile", "zipfile",
    "gzip", "mmap", "resource", "pwd", "grp", "fcntl", "termios", "tty", "_posixsubprocess", "_winapi",
    "msvcrt", "winreg", "_winreg", "atexit", "torch.hub", "numpy.testing", "numpy.f2py", "numpy.distutils",
    "numpy.ctypeslib", "numpy.lib.npyio", "numpy.lib.format", "numpy.lib._npyio_impl", "pandas.io",
    "sklearn.datasets", "sklearn.externals", "sklearn.utils._testing", "keras.utils", "builtins.__import__",
})

# Dangerous names inside otherwise ordinary modules.
DANGEROUS_NAMES: dict[str, frozenset[str]] = {
    "builtins": frozenset({
        "eval", "exec", "compile", "getattr", "setattr", "delattr", "__import__", "open", "execfile", "input",
        "breakpoint", "globals", "locals", "vars", "help", "exit", "quit", "memoryview", "__build_class__", "type",
        "super", "classmethod", "staticmethod", "property", "reload", "file", "apply",
    }),
    "numpy": frozenset({"load", "loads", "fromfile", "save", "savez", "savez_compressed", "savetxt", "loadtxt",
                        "genfromtxt", "memmap", "DataSource", "fromregex", "tofile"}),
    "pandas": frozenset({"read_pickle", "read_csv", "read_table", "read_sql", "read_html", "read_json",
                         "read_parquet", "read_excel", "eval", "read_fwf", "read_feather", "read_hdf", "read_sas",
                         "read_stata", "to_pickle", "read_xml", "read_orc", "read_spss", "read_clipboard"}),
    "torch": frozenset({"load", "save", "hub", "jit", "compile"}),
    "joblib": frozenset({"load", "dump", "Parallel", "delayed"}),
    "io": frozenset({"open", "open_code", "FileIO"}),
    "_io": frozenset({"open", "open_code", "FileIO"}),
}
DANGEROUS_NAMES["__builtin__"] = DANGEROUS_NAMES["builtins"]

# Names that, reached through a dotted attribute path, call code or touch files.
DANGEROUS_LEAVES = frozenset({
    "system", "popen", "Popen", "eval", "exec", "execv", "execve", "execl", "spawn", "spawnv", "call",
    "check_call", "check_output", "run", "load", "loads", "open", "remove", "unlink", "rmtree", "__import__",
    "getattr", "compile", "fork", "kill", "putenv", "write_text", "write_bytes", "import_module", "urlopen",
})

SAFE_BUILTINS = frozenset({
    "set", "frozenset", "dict", "list", "tuple", "int", "float", "complex", "bool", "str", "bytes", "bytearray",
    "slice", "range", "object", "NoneType", "Ellipsis", "NotImplemented", "unicode", "long",
})

# Modules whose globals are allow-listed (numeric and ML types), minus the dangerous names above.
SAFE_PREFIXES = (
    "sklearn", "scipy.sparse", "scipy.stats", "scipy._lib", "scipy.interpolate", "scipy.spatial", "numpy",
    "pandas", "xgboost", "lightgbm", "catboost", "statsmodels", "imblearn", "category_encoders", "torch._utils",
    "torch.nn", "torch.storage", "torch._tensor", "collections", "copyreg", "copy_reg", "_codecs", "datetime",
    "decimal", "fractions", "uuid", "re", "_sre", "enum", "numbers", "joblib.numpy_pickle", "pytz", "dateutil",
    "zoneinfo", "array", "_collections_abc",
)
SAFE_NAMES = {
    "functools": frozenset({"partial"}),
    "torch": frozenset({
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage", "ComplexFloatStorage", "ComplexDoubleStorage",
        "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool", "Size",
        "device", "dtype", "strided", "sparse_coo", "contiguous_format", "channels_last", "preserve_format",
    }),
}

_SAFE_SET = frozenset(SAFE_PREFIXES)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_TOP_DANGEROUS = frozenset(m for m in DANGEROUS_MODULES if "." not in m) | {"builtins", "__builtins__", "__builtin__"}



def _prefixes(dotted: str) -> list[str]:
    """``a.b.c`` -> [a, a.b, a.b.c]."""
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


@functools.lru_cache(maxsize=65536)
def classify_global(module: str, name: str) -> str:
    """``dangerous``, ``safe`` or ``unknown`` for an imported ``module.name``."""
    if module.startswith("<") or name.startswith("<"):
        return DANGEROUS  # a name computed while loading (STACK_GLOBAL fed by a call): anything can be imported
    if not module or not name:
        return UNKNOWN  # the loader refuses empty names
    if not _IDENT.match(module) or not _IDENT.match(name):
        return UNKNOWN
    full = f"{module}.{name}"
    if not DANGEROUS_MODULES.isdisjoint(_prefixes(full)):
        return DANGEROUS
    parts = name.split(".")
    for mod in _prefixes(module):
        if mod in DANGEROUS_NAMES and parts[0] in DANGEROUS_NAMES[mod]:
            return DANGEROUS
    if len(parts) > 1:  # attribute chain: module.a.b resolves through getattr at load time
        if any(p in _TOP_DANGEROUS or (p.startswith("__") and p.endswith("__")) for p in parts) or parts[-1] in DANGEROUS_LEAVES:
            return DANGEROUS
        return UNKNOWN
    if module in ("builtins", "__builtin__"):
        return SAFE if name in SAFE_BUILTINS else UNKNOWN
    if module in SAFE_NAMES:
        return SAFE if name in SAFE_NAMES[module] else UNKNOWN
    if not _SAFE_SET.isdisjoint(_prefixes(module)):
        return SAFE
    return UNKNOWN


def verdict_of(classes: list[str]) -> str:
    """The file verdict from its globals' classes: dangerous > unknown-globals > safe."""
    if DANGEROUS in classes:
        return "dangerous"
    if UNKNOWN in classes:
        return "unknown-globals"
    return "safe"
