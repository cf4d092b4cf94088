"""Security verdicts: every evasion is caught, benign files pass, malformed files are bounded findings."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mlaudit.scanners.models import Limits, scan_model_bytes
from mlaudit.scanners.models.policy import classify_global
from tests.models import corpus


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("canary") / "canary-created"


@pytest.fixture(scope="module")
def hostile(canary: Path) -> dict[str, bytes]:
    return corpus.malicious_corpus(canary)


@pytest.mark.parametrize("name", sorted(corpus.malicious_corpus(Path("/nonexistent/c"))))
def test_every_evasion_is_dangerous(hostile: dict[str, bytes], name: str) -> None:
    """Each crafted payload gets the 'dangerous' verdict with the offending global named."""
    report = scan_model_bytes(hostile[name], name)
    assert report.verdict == "dangerous", (name, report.globals, report.findings)
    assert report.dangerous


def test_canary_proves_nothing_ran(hostile: dict[str, bytes], canary: Path) -> None:
    """Scanning the whole hostile corpus never executes a payload: the canary file is never created."""
    for name, data in hostile.items():
        scan_model_bytes(data, name)
    assert not canary.exists()
    assert not Path(str(canary) + "-open").exists()


def test_memo_and_stack_global_resolve_names(hostile: dict[str, bytes]) -> None:
    """STACK_GLOBAL operands fetched from the memo resolve; names computed at load time are dangerous."""
    assert scan_model_bytes(hostile["memo.pkl"]).dangerous == ["os.system"]
    assert "builtins.getattr" in scan_model_bytes(hostile["getattr_chain.pkl"]).dangerous
    assert scan_model_bytes(hostile["dotted.pkl"]).dangerous == ["sklearn.utils.os.system"]
    assert scan_model_bytes(hostile["computed_name.pkl"]).dangerous == ["<result of builtins.str.join>.system"]
    assert scan_model_bytes(hostile["trailing_no_proto.pkl"]).dangerous == ["os.system"]


def test_payload_after_joblib_arrays_is_seen(hostile: dict[str, bytes]) -> None:
    """The array bytes are stepped over, so the payload after them is read, with no parse error."""
    report = scan_model_bytes(hostile["joblib_after_arrays.joblib"])
    assert report.format == "joblib" and report.metadata["joblib_arrays"] == 2
    assert report.error is None and "posix.system" in report.dangerous


def test_second_stream_of_concatenated_pickles(hostile: dict[str, bytes]) -> None:
    """A payload in a second pickle stream is reported, with a finding about the concatenation."""
    report = scan_model_bytes(hostile["concatenated.pkl"])
    assert report.metadata["pickle_streams"] == 2 and any(f.kind == "concatenated" for f in report.findings)


def test_unknown_globals_warn() -> None:
    """A custom class is an unknown global: verdict 'inconclusive', listed by name, with the reason stated."""
    data = corpus.stack_global_call("mycompany.models", "ChurnModel", "x")
    report = scan_model_bytes(data)
    assert report.verdict == "inconclusive" and report.unknown == ["mycompany.models.ChurnModel"]
    assert "mycompany.models.ChurnModel" in report.reasons[0]


def test_benign_pickles_are_safe() -> None:
    """Plain data and numpy arrays in every protocol are safe."""
    for proto in range(6):
        data = pickle.dumps({"a": np.arange(5), "b": [1.5, "x"], "c": (None, True)}, protocol=proto)
        report = scan_model_bytes(data, "data.pkl")
        assert report.verdict == "safe", (proto, report.unknown)


@pytest.mark.parametrize(("module", "name", "expected"), [
    ("os", "system", "dangerous"), ("builtins", "getattr", "dangerous"), ("builtins", "set", "safe"),
    ("sklearn.tree._classes", "DecisionTreeClassifier", "safe"), ("numpy", "load", "dangerous"),
    ("torch._utils", "_rebuild_tensor_v2", "safe"), ("acme", "Thing", "unknown"), ("", "", "unknown"),
    ("<result of builtins.str.join>", "system", "dangerous"),
    ("collections", "OrderedDict", "safe"), ("pandas.io.pickle", "read_pickle", "dangerous"),
])
def test_global_policy(module: str, name: str, expected: str) -> None:
    """The allow/deny policy for single globals."""
    assert classify_global(module, name) == expected


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("truncated.pkl", corpus.global_call("os", "system", "x")[:-3], "malformed"),
    ("bad_opcode.pkl", b"\x80\x04\xff\xfe.", "malformed"),
    ("bomb.pt", None, "malformed"),
    ("huge_header.safetensors", corpus.safetensors_file(header_len=1 << 40), "malformed"),
    ("absurd.gguf", corpus.gguf_file(n_tensors=1 << 60), "malformed"),
    ("huge.npy", b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f8'", "malformed"),
    ("broken.zip", b"PK\x03\x04" + b"\x00" * 40, "malformed"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_malformed_files_are_findings(name: str, data: bytes | None, kind: str) -> None:
    """Broken containers give a finding quickly, never an exception, and are never called safe."""
    data = corpus.zip_bomb() if data is None else data
    report = scan_model_bytes(data, name)
    assert any(f.kind == kind for f in report.findings), report.findings
    assert report.verdict in ("inconclusive", "dangerous") and report.reasons


def test_truncated_payload_still_reports_its_global() -> None:
    """A stream cut after the GLOBAL still names the global it imports."""
    report = scan_model_bytes(corpus.global_call("os", "system", "x")[:-3], "t.pkl")
    assert report.verdict == "dangerous" and report.error


def test_bad_crc_member_is_a_finding(hostile: dict[str, bytes]) -> None:
    """A zip member whose CRC does not match is reported as malformed."""
    report = scan_model_bytes(corpus.bad_crc_zip("x"), "bad.pt")
    assert any(f.kind == "malformed" for f in report.findings)


def test_op_and_time_budget() -> None:
    """A pickle longer than the op budget stops with a 'limit' finding."""
    data = b"\x80\x04" + b"N0" * 50_000 + b"N."
    report = scan_model_bytes(data, "long.pkl", Limits(max_ops=1000))
    assert any(f.kind == "limit" for f in report.findings)


def test_many_tiny_streams_count_against_the_op_budget() -> None:
    """Thousands of concatenated one-value pickles stop at the op budget instead of running unbounded."""
    data = b"\x80\x04N." * 20_000
    assert scan_model_bytes(data, "many.pkl").verdict == "safe"
    report = scan_model_bytes(data, "many.pkl", Limits(max_ops=10_000))
    assert any(f.kind == "limit" for f in report.findings)


def test_deep_nesting_is_bounded() -> None:
    """Deeply nested containers are walked without recursion errors."""
    data = b"\x80\x04" + b"]" * 50_000 + b"a" * 49_999 + b"."
    report = scan_model_bytes(data, "deep.pkl")
    assert report.verdict == "safe" and report.error is None


def test_keras_lambda_and_custom_module() -> None:
    """Keras: a Lambda layer is dangerous; a non-Keras module is an unknown global."""
    assert scan_model_bytes(corpus.keras_zip(corpus.keras_config(lambda_layer=True)), "m.keras").verdict == "dangerous"
    report = scan_model_bytes(corpus.keras_zip(corpus.keras_config(custom_module="acme.layers")), "m.keras")
    assert report.format == "keras" and report.verdict == "inconclusive" and report.unknown == ["acme.layers.MyLayer"]
    assert report.library_versions["keras"] == "3.3.3"
    assert report.metadata["layer_types"] == {"Sequential": 1, "Dense": 1, "MyLayer": 1}


def test_onnx_custom_domain_and_external_data() -> None:
    """ONNX: a custom operator domain warns; external data outside the model folder is a finding."""
    report = scan_model_bytes(corpus.onnx_model(custom_domain="com.acme", external="../../etc/weights.bin"), "m.onnx")
    assert report.format == "onnx" and report.verdict == "inconclusive"
    assert any(f.kind == "onnx-external-data" for f in report.findings)
    clean = scan_model_bytes(corpus.onnx_model(), "m.onnx")
    assert clean.verdict == "safe" and not clean.findings


def test_zip_member_limit() -> None:
    """Zips with more members than the cap are read partially, with a finding."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(30):
            zf.writestr(f"archive/{i}", b"x")
        zf.writestr("archive/data.pkl", pickle.dumps(1))
    report = scan_model_bytes(buf.getvalue(), "many.pt", Limits(max_members=10))
    assert any(f.kind == "limit" for f in report.findings)
