"""``scan_model_bytes``: identify a model file by content and analyse it statically, within bounds.

Nothing is ever loaded: pickles are walked by the symbolic machine, containers are opened as zips with
size and ratio caps, other formats by their headers. Every problem becomes a finding, never an exception.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

from mlaudit.scanners.models import formats
from mlaudit.scanners.models.compress import Feed, codec_of, open_stream
from mlaudit.scanners.models.limits import Budget, LimitExceeded, Limits
from mlaudit.scanners.models.meta import estimator_metadata
from mlaudit.scanners.models.pickle_vm import GlobalRef, PickleError, PickleMachine, StreamResult
from mlaudit.scanners.models.policy import DANGEROUS, UNKNOWN, classify_global
from mlaudit.scanners.models.report import ModelReport

PICKLE_PROTO = re.compile(rb"^\x80[\x02-\x05]")
# Protocol 0/1 pickles start with one of these (text GLOBAL, MARK then a container, a bare value ...);
# strict enough that text files beginning with "(c) 2024" or "N. B." are not taken for pickles.
_ID = rb"[A-Za-z_][\w.]*"
PICKLE_TEXT = re.compile(
    rb"^(\(?c" + _ID + rb"\n" + _ID + rb"\n|\((dp\d+\n|lp\d+\n|dq\x00|lq\x00|i" + _ID + rb"\n" + _ID + rb"\n|I\d+\n|S'|F\d|N[.t])"
    rb"|[\]}](q\x00|\()|N\.\Z|I\d+\n\.\Z)")
TORCH_MAGIC = 0x1950A86A20F9469CFC6C


def sniff_format(head: bytes, name: str = "") -> str | None:
    """The format from the first bytes (64 suffice); None when it is not a model file we know."""
    if PICKLE_PROTO.match(head) or PICKLE_TEXT.match(head):
        return "pickle"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head[:8] == b"\x89HDF\r\n\x1a\n":
        return "hdf5"
    if head[:6] == b"\x93NUMPY":
        return "npy"
    if head[:4] == b"GGUF":
        return "gguf"
    if len(head) >= 10 and head[8:10] in (b'{"', b"{ ", b"{\n"):
        return "safetensors"
    if codec_of(head) and name.lower().endswith((".joblib", ".pkl", ".pickle", ".gz", ".z", ".bz2", ".xz", ".lzma", ".lz4", ".sav", ".bin")):
        return "compressed"
    if name.endswith("MLmodel") and (b"flavors" in head or b"artifact_path" in head):
        return "mlmodel"
    if name.lower().endswith(".onnx") or (head[:1] == b"\x08" and name.lower().endswith((".bin", ".model", ".pb"))):
        return "onnx"
    return None


def scan_model_bytes(data: bytes, name: str = "", limits: Limits | None = None) -> ModelReport:
    """Analyse one model file's bytes: format, security verdict with globals, estimator metadata, findings."""
    limits = limits or Limits()
    report = ModelReport(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    if len(data) > limits.max_bytes:
        report.verdict = "unread"
        report.error = f"{len(data)} bytes is over the {limits.max_bytes}-byte cap"
        report.add("limit", "medium", report.error)
        return report
    budget = Budget(limits)
    try:
        _dispatch(data, name, report, budget, 0)
    except LimitExceeded as exc:
        report.add("limit", "high", f"analysis stopped: {exc}")
        report.error = str(exc)
    except (RecursionError, MemoryError) as exc:
        report.add("limit", "high", f"analysis stopped: {type(exc).__name__}")
        report.error = type(exc).__name__
    except Exception as exc:  # a reader bug must not stop the scan; the file is reported as unreadable
        report.add("malformed", "high", f"unreadable: {type(exc).__name__}: {exc}")
        report.error = f"{type(exc).__name__}: {exc}"
    _finish(report)
    return report


def _finish(report: ModelReport) -> None:
    report.globals = list(dict.fromkeys(report.globals))
    report.dangerous = list(dict.fromkeys(report.dangerous))
    report.unknown = [g for g in dict.fromkeys(report.unknown) if g not in report.dangerous]
    if report.dangerous:
        report.verdict = "dangerous"
    elif report.verdict == "unread":
        pass
    elif report.unknown:
        report.verdict = "unknown-globals"
    elif report.format == "unknown" or (report.error and not report.globals):
        report.verdict = "malformed" if any(f.kind in ("malformed", "limit") for f in report.findings) else "safe"
    else:
        report.verdict = "safe"


def _dispatch(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int) -> None:
    if depth > budget.limits.max_depth:
        raise LimitExceeded("containers nested too deep")
    kind = sniff_format(data[:64], name)
    if kind is None:
        return
    if report.format == "unknown":
        report.format = kind
    if kind == "pickle":
        _pickle(data, report, budget, name)
    elif kind == "compressed":
        codec = codec_of(data[:8]) or ""
        inner, feed = open_stream(data, codec, budget.limits, budget.check_time)
        if not inner and feed is not None and feed.error:
            report.add("malformed", "high", feed.error, name)
            return
        report.metadata["compression"] = codec
        if sniff_format(inner[:64]) == "pickle":
            report.format = "joblib"
            _pickle(inner, report, budget, name, feed=feed)
        else:
            report.add("malformed", "medium", f"{codec} content is not a pickle", name)
        if feed is not None:
            feed.skip(1 << 62)  # decompress the rest: damage past the last pickle is a finding too (a bomb still raises)
            if feed.error:
                report.add("malformed", "high", feed.error, name)
    elif kind == "zip":
        _zip(data, name, report, budget, depth)
    elif kind == "npy":
        _npy(data, name, report, budget)
    elif kind == "hdf5":
        formats.hdf5(data, report)
    elif kind == "gguf":
        formats.gguf(data, report)
    elif kind == "safetensors":
        formats.safetensors(data, report)
    elif kind == "mlmodel":
        formats.mlmodel(data.decode("utf-8", "replace"), report)
    elif kind == "onnx":
        if formats.is_onnx(data):
            formats.onnx(data, report)
        else:
            report.format = "unknown"


def _record_globals(refs: list[GlobalRef], report: ModelReport, where: str) -> None:
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if (ref.module, ref.name) in seen:
            continue
        seen.add((ref.module, ref.name))
        full = f"{ref.module}.{ref.name}"
        report.globals.append(full)
        cls = classify_global(ref.module, ref.name)
        if cls == DANGEROUS:
            report.dangerous.append(full)
            report.add("dangerous-global", "critical", f"imports {full} ({ref.opcode} at byte {ref.pos})", where)
        elif cls == UNKNOWN:
            report.unknown.append(full)


def _pickle(data: bytes, report: ModelReport, budget: Budget, where: str, metadata: bool = True,
            feed: Feed | None = None) -> StreamResult:
    """Run every concatenated stream (``feed``: the rest of a streamed input); trailing bytes that are not a pickle become a finding."""
    result = StreamResult()
    machine = PickleMachine(data, budget, result, feed)
    pos, roots, more = 0, [], bool(data)
    try:
        while more:
            try:
                root, pos = machine.run_stream(pos)
            except PickleError as exc:
                if not roots:
                    raise
                # A loader calling pickle.load again would run this stream up to the error: its globals count.
                report.add("trailing-data", "medium", f"{machine.size_after(pos)} bytes after the last complete pickle ({exc})", where)
                break
            roots.append(root)
            if roots[0] == TORCH_MAGIC and len(roots) >= 4:  # legacy torch: raw storages follow
                report.format = "pytorch-legacy"
                break
            pos, more = machine.more_after(pos)
    except PickleError as exc:
        report.add("malformed", "high", f"pickle stream broken: {exc}", where)
        if report.error is None:
            report.error = str(exc)
    finally:
        _record_globals(result.globals, report, where)
    if len(roots) > 1 and report.format != "pytorch-legacy":
        report.add("concatenated", "medium", f"{len(roots)} pickle streams in one file", where)
    if result.joblib_arrays and report.format == "pickle":
        report.format = "joblib"
    report.metadata.setdefault("pickle_protocols", sorted(result.protocols))
    report.metadata["pickle_streams"] = report.metadata.get("pickle_streams", 0) + result.streams
    if result.joblib_arrays:
        report.metadata["joblib_arrays"] = report.metadata.get("joblib_arrays", 0) + result.joblib_arrays
    if metadata and roots:
        main = roots[2] if report.format == "pytorch-legacy" and len(roots) > 2 else roots[0]
        _apply_meta(estimator_metadata(main), report)
    return result


def _apply_meta(meta: dict[str, Any], report: ModelReport) -> None:
    if report.estimator is None:
        report.estimator = meta["estimator"]
        report.hyperparameters = meta["hyperparameters"] or report.hyperparameters
        report.features = meta["features"]
        report.n_features = meta["n_features"]
        report.classes = meta["classes"]
        if meta.get("container"):
            report.metadata["container"] = meta["container"]
    for k, v in meta["library_versions"].items():
        report.library_versions.setdefault(k, v)


def _npy(data: bytes, where: str, report: ModelReport, budget: Budget) -> None:
    parsed = formats.npy_header(data, report)
    if parsed is None:
        return
    header, offset = parsed
    descr = header.get("descr")
    report.metadata["npy"] = {"descr": str(descr), "shape": list(header.get("shape", ())), "fortran_order": header.get("fortran_order")}
    if "O" in str(descr):  # object arrays are stored as a pickle after the header
        report.add("object-array", "medium", "object array: loading needs allow_pickle=True", where)
        _pickle(data[offset:], report, budget, where, metadata=False)


def _zip(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int) -> None:
    limits = budget.limits
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        report.add("malformed", "high", f"broken zip: {exc}", name)
        return
    names = [i.filename for i in infos]
    report.metadata["members"] = len(infos)
    if len(infos) > limits.max_members:
        report.add("limit", "medium", f"{len(infos)} zip members; only the first {limits.max_members} are read", name)
        infos = infos[: limits.max_members]
    kind = _zip_kind(names)
    if report.format in ("zip", "unknown"):
        report.format = kind
    total = 0
    for info in infos:
        budget.check_time()
        member = f"{name}:{info.filename}"
        if info.file_size > limits.max_bytes or (info.compress_size and info.file_size / max(info.compress_size, 1) > limits.max_ratio and info.file_size > 1 << 20):
            report.add("zip-bomb", "high", f"{info.filename} claims {info.file_size} bytes from {info.compress_size}", member)
            continue
        total += info.file_size
        if total > limits.max_decompressed:
            report.add("zip-bomb", "high", f"zip expands past {limits.max_decompressed} bytes", name)
            break
        try:
            with zf.open(info) as fh:
                if not _interesting(info.filename, kind):
                    # any other member is sniffed: a pickle hidden under a storage-like name is still read
                    if sniff_format(fh.read(64), "") not in ("pickle", "zip"):
                        continue
                    with zf.open(info) as again:
                        content = again.read(limits.max_bytes + 1)
                else:
                    content = fh.read(limits.max_bytes + 1)
        except zipfile.BadZipFile as exc:
            if "CRC" not in str(exc):
                report.add("malformed", "high", f"member unreadable ({exc})", member)
                continue
            # Loaders that skip the CRC check would still unpickle this member: analyse it anyway.
            report.add("malformed", "high", f"member has a bad CRC ({exc}); analysed anyway", member)
            with zf.open(info) as fh:
                fh._expected_crc = None  # zipfile's own switch for "no reference CRC"
                content = fh.read(limits.max_bytes + 1)
        except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            report.add("malformed", "high", f"member unreadable ({exc})", member)
            continue
        if len(content) > info.file_size:
            report.add("zip-bomb", "high", f"{info.filename} is larger than its header says", member)
            continue
        _zip_member(info.filename, content, kind, report, budget, depth, member)


def _zip_kind(names: list[str]) -> str:
    base = {n.rsplit("/", 1)[-1] for n in names}
    if "data.pkl" in base:
        return "pytorch"
    if "config.json" in base and ("metadata.json" in base or any(n.endswith(".weights.h5") for n in names)):
        return "keras"
    if "schema.json" in base:
        return "skops"
    if names and all(n.endswith(".npy") for n in names):
        return "npz"
    return "zip"


def _interesting(member: str, kind: str) -> bool:
    low = member.lower()
    if kind == "keras" and low.endswith(".h5"):
        return False  # weights only
    if low.endswith((".pkl", ".pickle", ".joblib", ".npy", ".h5", ".keras", ".onnx", ".zip", ".pt", ".pth", ".bin", ".skops", ".safetensors", ".gguf")):
        return True
    base = low.rsplit("/", 1)[-1]
    if kind == "keras" and base in ("config.json", "metadata.json"):
        return True
    if kind == "skops" and base == "schema.json":
        return True
    return base == "mlmodel" or "/" not in low and "." not in base


def _zip_member(member: str, content: bytes, kind: str, report: ModelReport, budget: Budget, depth: int, where: str) -> None:
    base = member.rsplit("/", 1)[-1]
    if kind == "keras" and base == "config.json":
        try:
            formats.keras_config(json.loads(content), report)
        except ValueError:
            report.add("malformed", "high", "Keras config.json is not valid JSON", where)
        return
    if kind == "keras" and base == "metadata.json":
        try:
            meta = json.loads(content)
            if isinstance(meta, dict) and meta.get("keras_version"):
                report.library_versions["keras"] = str(meta["keras_version"])
        except ValueError:
            report.add("malformed", "medium", "Keras metadata.json is not valid JSON", where)
        return
    if kind == "skops" and base == "schema.json":
        _skops_schema(content, report, where)
        return
    if sniff_format(content[:64], member) == "pickle":
        _pickle(content, report, budget, where, metadata=(kind in ("pytorch", "zip")))
        return
    if base.endswith(".npy") or content[:6] == b"\x93NUMPY":
        _npy(content, where, report, budget)
        return
    _dispatch(content, member, report, budget, depth + 1)


def _skops_schema(content: bytes, report: ModelReport, where: str) -> None:
    """skops lists every type it will construct; untrusted (non-allow-listed) ones are unknown globals."""
    try:
        schema = json.loads(content)
    except ValueError:
        report.add("malformed", "high", "skops schema.json is not valid JSON", where)
        return
    seen = [f"{node['__module__']}.{node['__class__']}" for node in formats.json_dicts(schema, 200)
            if isinstance(node.get("__module__"), str) and isinstance(node.get("__class__"), str)]
    for full in seen:
        module, _, name = full.rpartition(".")
        report.globals.append(full)
        cls = classify_global(module, name)
        if cls == DANGEROUS:
            report.dangerous.append(full)
            report.add("dangerous-global", "critical", f"skops schema constructs {full}", where)
        elif cls == UNKNOWN:
            report.unknown.append(full)
    if seen and report.estimator is None:
        report.estimator = seen[0]
    if isinstance(schema, dict):
        report.library_versions.update({"skops-protocol": str(schema.get("protocol"))} if schema.get("protocol") else {})
