"""``scan_model_bytes``: identify a model file by content and analyse it statically, within bounds.

Nothing is ever loaded: pickles are walked by the symbolic machine, containers (zip, tar, compressed streams)
are opened with size and ratio caps and every member is sniffed by content, other formats are read by their
headers. The file verdict is one of three (see ``report.VERDICTS``): ``safe`` only when every stream and every
member was fully analysed and reaches nothing outside the allow-list; anything not fully analysed is
``inconclusive`` with its reasons. Every problem becomes a finding, never an exception.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import tarfile
import zipfile
import zlib
from typing import Any

from mlaudit.scanners.models import formats, pickle_vm
from mlaudit.scanners.models.compress import Feed, codec_of, open_stream
from mlaudit.scanners.models.inert import inert_reason, named_as_model
from mlaudit.scanners.models.limits import Budget, LimitExceeded, Limits
from mlaudit.scanners.models.meta import estimator_metadata
from mlaudit.scanners.models.pickle_values import GlobalRef, PickleError, StreamResult
from mlaudit.scanners.models.pickle_vm import PickleMachine
from mlaudit.scanners.models.policy import DANGEROUS, UNKNOWN, classify_global
from mlaudit.scanners.models.report import ModelReport

SNIFF_BYTES = 1024  # enough for every signature (a tar header's "ustar" sits at byte 257) and a pickle probe
PICKLE_PROTO = re.compile(rb"^\x80[\x00-\x05]")
# Protocol 0/1 pickles start with one of these (text GLOBAL, MARK then a container, a bare value ...);
# strict enough that text files beginning with "(c) 2024" or "N. B." are not taken for pickles.
_ID = rb"[A-Za-z_][\w.]*"
PICKLE_TEXT = re.compile(
    rb"^(\(?c" + _ID + rb"\n" + _ID + rb"\n|\((dp\d+\n|lp\d+\n|dq\x00|lq\x00|i" + _ID + rb"\n" + _ID + rb"\n|I\d+\n|S'|F\d|N[.t])"
    rb"|[\]}](q\x00|\()|N\.\Z|I\d+\n\.\Z)")
# Opcodes CPython's unpickler accepts as the first of a stream without PROTO (they push a value or a MARK, or frame).
STARTERS = frozenset(b"(NILFSVXUTBCKMJG])}c\x80\x95\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x96")
TORCH_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_TORCH_STREAMS = 5  # magic, protocol, sys_info, the object, the storage keys; raw storages follow
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# Findings that mean part of the file was not fully analysed: the file cannot be called safe.
INCOMPLETE_KINDS = frozenset({"malformed", "limit", "zip-bomb", "trailing-data", "incomplete"})
WEAK_MAGIC = ("zlib", "lzma")  # two or three magic bytes that text and binary data often start with
LEGACY_TAR_MEMBERS = frozenset({"pickle", "storages", "tensors", "sys_info"})


class _NotPickle(Exception):
    """A pickle candidate the unpickler would refuse before importing anything: it is not a pickle."""


def _is_truncation(exc: Exception) -> bool:
    text = str(exc)
    return "truncated" in text or "unterminated" in text


def probe_pickle(head: bytes) -> bool:
    """Whether bytes without a PROTO opcode could be a pickle: the machine runs over them (never anything else).

    True when it imports a well-formed global, completes a stream, or runs out of input before failing; False when
    CPython's unpickler would fail before importing anything (nothing can run then).
    """
    if not head or head[0] not in STARTERS:
        return False
    result = StreamResult()
    try:
        PickleMachine(head, Budget(Limits(seconds=5.0)), result).run_stream(0)
    except PickleError as exc:
        return _imports_valid_global(result) or _is_truncation(exc)
    except (LimitExceeded, RecursionError, MemoryError, ValueError, TypeError, RuntimeError):
        return True  # could not tell: read the whole file
    return True


def _imports_valid_global(result: StreamResult) -> bool:
    if not result.globals:
        return False
    first = result.globals[0]
    return classify_global(first.module, first.name) != UNKNOWN or all(
        part.isidentifier() for part in f"{first.module}.{first.name}".split("."))


def sniff_format(head: bytes, name: str = "") -> str | None:
    """The format from the first bytes (SNIFF_BYTES suffice), never from the name; None when not a model we know.

    ``name`` only tells an MLflow ``MLmodel`` descriptor and an ONNX protobuf apart (text and protobuf files have
    no magic bytes; neither can run code).
    """
    if PICKLE_PROTO.match(head) or PICKLE_TEXT.match(head):
        return "pickle"
    if head[:4] in ZIP_MAGICS:
        return "zip"
    if head[:8] == b"\x89HDF\r\n\x1a\n":
        return "hdf5"
    if head[:6] == b"\x93NUMPY":
        return "npy"
    if head[:4] == b"GGUF":
        return "gguf"
    if len(head) >= 10 and head[8:10] in (b'{"', b"{ ", b"{\n"):
        return "safetensors"
    if codec_of(head):
        return "compressed"
    if head[257:262] == b"ustar":
        return "tar"
    if name.endswith("MLmodel") and (b"flavors" in head or b"artifact_path" in head):
        return "mlmodel"
    if name.lower().endswith(".onnx") or (head[:1] == b"\x08" and name.lower().endswith((".bin", ".model", ".pb"))):
        return "onnx"
    if probe_pickle(head):
        return "pickle"
    return None


def scan_model_bytes(data: bytes, name: str = "", limits: Limits | None = None, named: bool | None = None) -> ModelReport:
    """Analyse one model file's bytes: format, security verdict with its reasons and globals, metadata, findings.

    ``named``: whether the file is named as a model (default: from ``name`` by the path rules). Bytes of a file
    not named as one that only start like a pickle, and that no unpickler would act on, are not a model
    (format ``unknown``, the reason in ``metadata["not_a_model"]``).
    """
    limits = limits or Limits()
    report = ModelReport(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    if len(data) > limits.max_bytes:
        report.format = sniff_format(data[:SNIFF_BYTES], name) or "unknown"
        report.error = f"{len(data)} bytes is over the {limits.max_bytes}-byte cap (models.max_bytes)"
        report.inconclusive(f"not read: {report.error}", kind="limit")
        _finish(report)
        return report
    budget = Budget(limits)
    try:
        _dispatch(data, name, report, budget, 0, named)
    except LimitExceeded as exc:
        report.error = str(exc)
        report.inconclusive(f"analysis stopped: {exc}", kind="limit", severity="high")
    except (RecursionError, MemoryError) as exc:
        report.error = type(exc).__name__
        report.inconclusive(f"analysis stopped: {type(exc).__name__}", kind="limit", severity="high")
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the scan; the file is reported as not analysed
        report.error = f"{type(exc).__name__}: {exc}"
        report.inconclusive(f"unreadable: {report.error}", kind="malformed", severity="high")
    _finish(report)
    return report


def _finish(report: ModelReport) -> None:
    """The file verdict from what the readers found, with the reasons stated (never safe by default)."""
    report.globals = list(dict.fromkeys(report.globals))
    report.dangerous = list(dict.fromkeys(report.dangerous))
    report.unknown = [g for g in dict.fromkeys(report.unknown) if g not in report.dangerous]
    for f in report.findings:
        if f.kind in INCOMPLETE_KINDS:
            text = f"{f.message} [{f.where}]" if f.where else f.message
            if text not in report.reasons:
                report.reasons.append(text)
    if report.unknown:
        report.reasons.insert(0, f"{len(report.unknown)} global(s) outside the allow-list: {', '.join(report.unknown[:5])}")
    if report.dangerous:
        report.verdict = "dangerous"
        opcodes = [f for f in report.findings if f.kind == "dangerous-opcode"]
        named = [d for d in report.dangerous if d not in {f.message.split(":", 1)[0] for f in opcodes}]
        report.reasons[:0] = [f.message for f in opcodes] + (
            [f"loading reaches {', '.join(named[:5])}, which can run code, processes, imports or file writes"] if named else [])
    elif report.reasons:
        report.verdict = "inconclusive"
    elif report.format == "unknown":
        report.verdict = "inconclusive"
        report.reasons.append(report.metadata.get("not_a_model")
                              or "content matches no model, pickle or archive format mlaudit reads")
    else:
        report.verdict = "safe"
        streams = report.metadata.get("pickle_streams", 0)
        if streams:
            report.reasons.append(f"all {streams} pickle stream(s) fully analysed; {len(report.globals)} distinct "
                                  "global(s), every one on the allow-list")
        else:
            report.reasons.append(f"{report.format}: fully read; the format holds no code a loader runs")


def _dispatch(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int, named: bool | None) -> None:
    """Analyse ``data`` by the format its first bytes show; ``named``: the file (or member) is named as a model
    (None: decided from ``name`` when it matters, which is only for bytes that may not be a pickle at all)."""
    if depth > budget.limits.max_depth:
        raise LimitExceeded("containers nested too deep")
    kind = sniff_format(data[:SNIFF_BYTES], name)
    if kind is None:
        return
    if report.format == "unknown" and kind not in ("compressed", "tar"):
        report.format = kind
    if kind == "pickle":
        _pickle_file(data, name, report, budget, depth, named)
    elif kind == "compressed":
        _compressed(data, name, report, budget, depth, named)
    elif kind == "tar":
        _tar(data, name, report, budget, depth, named)
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
        elif report.format == "onnx":
            report.format = "unknown"


def _pickle_file(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int, named: bool | None) -> None:
    """A file that starts like a pickle; a pickle-zip polyglot (a zip directory at the end) is read as a zip too.

    Named as a model, it is a pickle whatever its damage; else it is one only if an unpickler would act on it.
    """
    pickled = True
    try:
        _pickle(data, report, budget, name, strong=named)
    except _NotPickle as exc:
        _not_a_model(report, str(exc))
        pickled = False
    tail = data[-(65536 + 22):]
    if b"PK\x05\x06" in tail and depth < budget.limits.max_depth:
        try:
            zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return  # no zip reader would open it either
        if pickled:
            report.add("polyglot", "high", "the file is both a pickle and a zip archive; both were analysed", name)
        _zip(data, name, report, budget, depth + 1)  # zip readers find the archive from the end, whatever precedes it


def _not_a_model(report: ModelReport, why: str) -> None:
    if report.format == "pickle":
        report.format = "unknown"
    report.metadata.setdefault("not_a_model", why)


def _compressed(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int, named: bool | None) -> None:
    """A compressed stream under any name: what it decompresses to is sniffed and analysed like a file."""
    codec = codec_of(data[:8]) or ""
    limits = budget.limits
    inner, feed = open_stream(data, codec, limits, budget.check_time)
    if len(inner) < 2:
        if codec not in WEAK_MAGIC and feed is not None and feed.error:  # a real compressed file, damaged from the start
            report.error = feed.error
            report.inconclusive(f"{codec} stream yields no content: {feed.error}", name, kind="malformed", severity="high")
        return  # else the two magic bytes of zlib / lzma-alone were a coincidence: not compressed content
    kind = sniff_format(inner[:SNIFF_BYTES])
    if kind is None:
        return  # compressed data, not a model (a damaged tail is no concern then)
    before = (report.format, dict(report.metadata))
    report.metadata.setdefault("compression", codec)  # the outermost codec
    report.metadata["containers"] = [*report.metadata.get("containers", []), codec]
    where = f"{name} ({codec})"
    if kind == "pickle":
        if report.format == "unknown":
            report.format = "joblib"
        try:
            _pickle(inner, report, budget, where, feed=feed, strong=named)
        except _NotPickle as exc:  # compressed text (a .csv.gz) that only starts like a pickle: not a model
            report.format, report.metadata = before
            _not_a_model(report, f"{exc} (inside a {codec} stream)")
            return
        if feed is not None:
            feed.skip(1 << 62)  # decompress the rest: damage past the last pickle is a finding too (a bomb still raises)
    else:
        if feed is not None:
            inner += feed.read(limits.max_decompressed)
        _dispatch(inner, name, report, budget, depth + 1, named)
    if feed is not None and feed.error:
        report.inconclusive(f"damaged {codec} stream: {feed.error}", where, kind="malformed", severity="high")


def _tar(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int, named: bool | None) -> None:
    """A tar archive (``.pkl.tar.gz``, legacy torch): every regular member sniffed by content and analysed."""
    limits = budget.limits
    named = named if named is not None else named_as_model(name)
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 - over in-memory bytes: nothing to release
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        report.inconclusive(f"broken tar archive: {exc}", name, kind="malformed", severity="high")
        return
    report.metadata.setdefault("containers", []).append("tar")
    count = 0
    names: list[str] = []
    try:
        for member in archive:
            budget.check_time()
            count += 1
            if count > limits.max_members:
                report.inconclusive(f"more than {limits.max_members} tar members; the rest were not read", name, kind="limit")
                break
            if not member.isfile():
                continue
            names.append(member.name)
            where = f"{name}:{member.name}"
            if member.size > limits.max_bytes:
                report.inconclusive(f"member of {member.size} bytes not read (over the {limits.max_bytes}-byte cap)", where, kind="limit")
                continue
            fh = archive.extractfile(member)
            if fh is None:
                continue
            content = fh.read(limits.max_bytes + 1)
            if sniff_format(content[:SNIFF_BYTES], member.name) is None:
                continue  # raw data (README, CSV ...): nothing a loader unpickles
            base = member.name.rsplit("/", 1)[-1]
            _dispatch(content, where, report, budget, depth + 1,
                      named or base in LEGACY_TAR_MEMBERS or named_as_model(member.name))
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        report.inconclusive(f"tar archive damaged after {count} member(s): {exc}", name, kind="malformed", severity="high")
    if {n.rsplit("/", 1)[-1] for n in names} & LEGACY_TAR_MEMBERS and report.format in ("pickle", "unknown"):
        report.format = "pytorch-legacy"


def _record_globals(refs: list[GlobalRef], report: ModelReport, where: str) -> None:
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        canonical = getattr(ref, "canonical", None)
        module, name = canonical if canonical else (ref.module, ref.name)
        if (module, name) in seen:
            continue
        seen.add((module, name))
        full = f"{module}.{name}"
        report.globals.append(full)
        cls = classify_global(module, name)
        if cls == DANGEROUS:
            report.dangerous.append(full)
            report.add("dangerous-global", "critical", f"imports {full} ({ref.opcode} at byte {ref.pos})", where)
        elif cls == UNKNOWN:
            report.unknown.append(full)


def _run_streams(data: bytes, budget: Budget, feed: Feed | None, max_streams: int | None,
                 strong: bool | None, where: str) -> tuple[StreamResult, list[Any], list[tuple[str, str]], bool]:
    """Every concatenated stream: (result, roots, reasons the analysis is incomplete, legacy torch).

    ``strong=False``: the bytes may not be a pickle at all; ``_NotPickle`` (with the reason) when the unpickler
    would stop before acting on anything (``inert.inert_reason``). None: strong when ``where`` is named as a model.
    """
    result = pickle_vm.analyse_pickle(data, budget, feed=feed, max_streams=max_streams)
    roots = list(result.roots)
    if not roots and not (strong if strong is not None else named_as_model(where)):
        why = inert_reason(result, data)
        if why is not None:
            raise _NotPickle(why)
    reasons = [(_finding_kind(r.kind, r.verdict), str(r)) for r in result.reasons
               if r.verdict != "safe" and r.kind not in ("dangerous-global", "unknown-global")]
    legacy = bool(result.legacy_torch or (roots and roots[0] == TORCH_MAGIC))
    return result, roots, reasons, legacy


def _finding_kind(reason_kind: str, verdict: str = "inconclusive") -> str:
    """The finding kind for a stream-core reason kind ("dangerous" when the core judged it so)."""
    if verdict == "dangerous":
        return "dangerous"
    if reason_kind in ("limit", "trailing-data"):
        return reason_kind
    if reason_kind in ("damaged", "joblib-desync"):
        return "malformed"
    return "incomplete"


def _pickle(data: bytes, report: ModelReport, budget: Budget, where: str, metadata: bool = True,
            feed: Feed | None = None, max_streams: int | None = None, strong: bool | None = True, strict: bool = True) -> None:
    """Analyse the pickle streams of ``data`` (``feed``: the rest of a streamed input) into ``report``.

    ``strict=False`` (raw storages a loader never unpickles): only dangerous globals count, damage does not.
    """
    result, roots, reasons, legacy = _run_streams(data, budget, feed, max_streams, strong, where)
    if strict:
        _record_globals(result.globals, report, where)
        for kind, reason in reasons:
            if kind == "dangerous":  # the core judged the stream dangerous without a dangerous global (EXT codes ...)
                report.dangerous.append(reason.split(":", 1)[0])
                report.add("dangerous-opcode", "critical", reason, where)
                continue
            report.inconclusive(reason, where, kind=kind, severity="high")
            if report.error is None and kind in ("malformed", "limit"):
                report.error = reason
    else:
        found = ModelReport()
        _record_globals(result.globals, found, where)
        report.globals += found.globals
        report.dangerous += found.dangerous
        report.findings += [f for f in found.findings if f.kind == "dangerous-global"]
    if legacy and report.format in ("pickle", "unknown"):
        report.format = "pytorch-legacy"
    if len(roots) > 1 and not legacy:
        report.add("concatenated", "medium", f"{len(roots)} pickle streams in one file", where)
    if result.joblib_arrays and report.format == "pickle":
        report.format = "joblib"
    report.metadata["pickle_protocols"] = sorted(set(report.metadata.get("pickle_protocols", [])) | result.protocols)
    report.metadata["pickle_streams"] = report.metadata.get("pickle_streams", 0) + result.streams
    if result.joblib_arrays:
        report.metadata["joblib_arrays"] = report.metadata.get("joblib_arrays", 0) + result.joblib_arrays
    if metadata and roots:
        main = roots[3] if legacy and len(roots) > 3 else roots[0]
        _apply_meta(estimator_metadata(main), report)


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


def npy_has_objects(descr: Any) -> bool | None:
    """Whether numpy would unpickle the array data for this header ``descr`` (numpy's own descr parser; None: unreadable).

    Every spelling counts: 'O', '|O', 'object', structured dtypes with an object field, nested or in a sub-array.
    """
    from numpy.lib.format import descr_to_dtype

    try:
        return bool(descr_to_dtype(descr).hasobject)
    except (TypeError, ValueError, KeyError, IndexError, SyntaxError, RecursionError, OverflowError, MemoryError):
        return None


def _npy(data: bytes, where: str, report: ModelReport, budget: Budget) -> None:
    parsed = formats.npy_header(data, report)
    if parsed is None:
        return
    header, offset = parsed
    descr = header.get("descr")
    report.metadata["npy"] = {"descr": str(descr), "shape": list(header.get("shape", ())), "fortran_order": header.get("fortran_order")}
    objects = npy_has_objects(descr)
    if objects is None:
        report.inconclusive(f".npy dtype {str(descr)[:80]!r} could not be read", where, kind="malformed")
    elif objects:  # object arrays are stored as one pickle after the header (numpy calls pickle.load once)
        report.add("object-array", "medium", "object array: loading needs allow_pickle=True", where)
        _pickle(data[offset:], report, budget, where, metadata=False, max_streams=1)


def _zip(data: bytes, name: str, report: ModelReport, budget: Budget, depth: int) -> None:
    """Every member read (bounded) and analysed by content, whatever its name or compression ratio."""
    limits = budget.limits
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        report.inconclusive(f"broken zip: {exc}", name, kind="malformed", severity="high")
        return
    names = [i.filename for i in infos]
    report.metadata["members"] = len(infos)
    if len(infos) > limits.max_members:
        report.inconclusive(f"{len(infos)} zip members; only the first {limits.max_members} were read", name, kind="limit")
        infos = infos[: limits.max_members]
    kind = _zip_kind(names)
    if report.format in ("zip", "unknown"):
        report.format = kind
    total, modelled = 0, False
    for info in infos:
        budget.check_time()
        if info.is_dir():
            continue
        member = f"{name}:{info.filename}"
        if info.file_size > limits.max_bytes:
            report.inconclusive(f"member claims {info.file_size} bytes, over the {limits.max_bytes}-byte cap: not read", member, kind="limit")
            continue
        left = limits.max_decompressed - total
        if left <= 0:
            report.inconclusive(f"zip expands past {limits.max_decompressed} bytes; the rest was not read", name, kind="limit")
            break
        raw_storage = kind == "pytorch" and _is_raw_storage(info.filename)
        head = _read_member(zf, data, info, SNIFF_BYTES, report, member)
        if head is None:
            continue
        if not _interesting(info.filename, kind) and sniff_format(head[:SNIFF_BYTES], "") is None:
            continue  # raw bytes no loader unpickles (tensor storages, text)
        cap = min(limits.max_bytes, left)
        content = head if len(head) <= SNIFF_BYTES else _read_member(zf, data, info, cap, report, member)
        if content is None:
            continue
        total += len(content)
        if len(content) > cap:
            report.inconclusive(f"member expands past {cap} bytes (header says {info.file_size}): not fully read",
                                member, kind="zip-bomb", severity="high")
            continue
        if len(content) != info.file_size:
            report.add("zip-size-mismatch", "high", f"member is {len(content)} bytes, its header says {info.file_size}", member)
        if raw_storage:
            if sniff_format(content[:SNIFF_BYTES]) == "pickle":
                try:
                    _pickle(content, report, budget, member, metadata=False, strong=False, strict=False)
                except _NotPickle:
                    pass
            continue
        modelled |= _zip_member(info.filename, content, kind, report, budget, depth, member)
    if report.format == "zip" and not modelled:
        report.format = "unknown"  # an archive of data files, not a model
    if kind == "pytorch" and not report.metadata.get("pickle_streams"):
        report.inconclusive("PyTorch archive whose data.pkl is not a pickle mlaudit could read", name, kind="malformed")


def _is_raw_storage(member: str) -> bool:
    """``<prefix>/data/<n>``: a tensor storage torch.load reads as raw bytes, never unpickles."""
    parts = member.split("/")
    return len(parts) >= 3 and parts[-2] == "data" and parts[-1].isdigit()


def _read_member(zf: zipfile.ZipFile, data: bytes, info: zipfile.ZipInfo, cap: int, report: ModelReport,
                 where: str) -> bytes | None:
    """Up to ``cap + 1`` decompressed bytes of a member, whatever its ratio; None (with a reason) when unreadable.

    A local header whose name differs from the central directory's is read through the local header, as the
    miniz reader torch uses does; a bad CRC is analysed anyway (loaders that skip the check would unpickle it).
    """
    try:
        with zf.open(info) as fh:
            return fh.read(cap + 1)
    except zipfile.BadZipFile as exc:
        text = str(exc)
        if "CRC" in text:
            report.inconclusive(f"member has a bad CRC ({exc}); analysed anyway", where, kind="malformed", severity="high")
            with zf.open(info) as fh:
                fh._expected_crc = None  # type: ignore[attr-defined]  # zipfile's own switch for "no reference CRC"
                return fh.read(cap + 1)
        if "differ" in text:
            report.add("zip-name-mismatch", "high", f"local and central headers name the member differently ({exc}); "
                                                    "read through its local header", where)
            try:
                return _raw_member(data, info, cap)
            except (ValueError, zlib.error, struct.error) as raw_exc:
                report.inconclusive(f"member unreadable ({raw_exc})", where, kind="malformed", severity="high")
                return None
        report.inconclusive(f"member unreadable ({exc})", where, kind="malformed", severity="high")
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error) as exc:
        report.inconclusive(f"member unreadable ({exc})", where, kind="malformed", severity="high")
    return None


def _raw_member(data: bytes, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes from its local header (stored or deflated), ignoring the name written there."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise ValueError("no local header at the offset the central directory gives")
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    body = data[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return body[:cap + 1]
    if info.compress_type == zipfile.ZIP_DEFLATED:
        return zlib.decompressobj(-15).decompress(body, cap + 1)
    raise ValueError(f"compression method {info.compress_type} with mismatched names")


def _zip_kind(names: list[str]) -> str:
    base = {n.rsplit("/", 1)[-1] for n in names}
    if "data.pkl" in base:
        return "pytorch"
    if any(n.startswith("MAR-INF/") for n in names):
        return "torchserve-mar"
    if "config.json" in base and ("metadata.json" in base or any(n.endswith(".weights.h5") for n in names)):
        return "keras"
    if "schema.json" in base:
        return "skops"
    if names and all(n.endswith(".npy") for n in names):
        return "npz"
    return "zip"


def _interesting(member: str, kind: str) -> bool:
    """Members read whole whatever their first bytes (their format has no magic: JSON configs, MLmodel)."""
    base = member.lower().rsplit("/", 1)[-1]
    if kind == "keras" and base in ("config.json", "metadata.json"):
        return True
    if kind == "skops" and base == "schema.json":
        return True
    return base == "mlmodel" or base.endswith(".onnx")


def _zip_member(member: str, content: bytes, kind: str, report: ModelReport, budget: Budget, depth: int,
                where: str) -> bool:
    """Analyse one member; False when it only starts like a pickle and is not one (a member of a model
    archive, or one named as a model, is a pickle whatever its damage)."""
    base = member.rsplit("/", 1)[-1]
    named = kind != "zip" or named_as_model(member)
    if kind == "keras" and base == "config.json":
        try:
            formats.keras_config(json.loads(content), report)
        except ValueError:
            report.add("malformed", "high", "Keras config.json is not valid JSON", where)
        return True
    if kind == "keras" and base == "metadata.json":
        try:
            meta = json.loads(content)
            if isinstance(meta, dict) and meta.get("keras_version"):
                report.library_versions["keras"] = str(meta["keras_version"])
        except ValueError:
            report.add("malformed", "medium", "Keras metadata.json is not valid JSON", where)
        return True
    if kind == "keras" and base.endswith(".h5"):
        return True  # weights only: read by h5py, never unpickled
    if kind == "skops" and base == "schema.json":
        _skops_schema(content, report, where)
        return True
    if content[:6] == b"\x93NUMPY":
        _npy(content, where, report, budget)
        return True
    if sniff_format(content[:SNIFF_BYTES], member) == "pickle":
        try:
            _pickle(content, report, budget, where, metadata=(kind in ("pytorch", "zip", "torchserve-mar")), strong=named)
        except _NotPickle:
            return False
        return True
    _dispatch(content, member, report, budget, depth + 1, named)
    return True


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
