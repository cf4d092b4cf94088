"""Compressed joblib files read as a stream: big arrays dropped, payloads after them found, damaged streams analysed."""

from __future__ import annotations

import io
import tracemalloc

import joblib
import numpy as np
import pytest

from mlaudit.scanners.models import Limits, scan_model_bytes
from tests.models import corpus

WHOLE = Limits(stream_above=1 << 40)  # never streamed
CODECS = ["zlib", "gzip", "bz2", "xz", "lz4"]


@pytest.fixture(scope="module")
def big_hostile() -> bytes:
    """Three 3.2 MB arrays, then a payload: the arrays outgrow every window of the streamed reader."""
    arrays = {k: np.arange(400_000, dtype="float64") * (i + 1) for i, k in enumerate("abc")}
    buf = io.BytesIO()
    joblib.dump({**arrays, "z": corpus._Payload("touch /nonexistent/canary")}, buf, compress=("zlib", 1))
    return buf.getvalue()


def _peak(data: bytes, limits: Limits) -> tuple[int, dict]:
    tracemalloc.start()
    try:
        report = scan_model_bytes(data, "m.joblib", limits)
        return tracemalloc.get_traced_memory()[1], report.to_dict()
    finally:
        tracemalloc.stop()


def test_streamed_payload_after_big_arrays_is_found_in_less_memory(big_hostile: bytes) -> None:
    """The payload after 9.6 MB of arrays is dangerous; streaming gives the same report in under half the memory."""
    streamed_peak, streamed = _peak(big_hostile, Limits(stream_above=1 << 16))
    whole_peak, whole = _peak(big_hostile, WHOLE)
    assert streamed["verdict"] == "dangerous" and streamed["dangerous"] == ["posix.system"]
    assert streamed == whole
    assert streamed_peak < whole_peak / 2, (streamed_peak, whole_peak)


@pytest.mark.parametrize("codec", CODECS)
def test_streamed_and_whole_reports_agree(codec: str) -> None:
    """A benign model and a hostile file give identical reports read whole or through the smallest stream window."""
    model = {"w": np.arange(3000, dtype="float32"), "classes_": np.array([0, 1]), "names": np.array(["a", "b"], dtype=object)}
    buf = io.BytesIO()
    joblib.dump(model, buf, compress=(codec, 1))
    for data in (buf.getvalue(), corpus.joblib_after_arrays("touch /nonexistent/c", (codec, 1))):
        assert scan_model_bytes(data, "m.joblib", Limits(stream_above=1)).to_dict() == scan_model_bytes(data, "m.joblib", WHOLE).to_dict()


@pytest.mark.parametrize("codec", CODECS)
def test_truncated_compressed_joblib_still_names_its_payload(codec: str) -> None:
    """A loader unpickles a damaged stream up to the damage: what decompresses before it is analysed."""
    data = corpus.joblib_after_arrays("touch /nonexistent/c", (codec, 1))[:-4]  # the end marks and checksums
    for limits in (Limits(), Limits(stream_above=1)):
        report = scan_model_bytes(data, "cut.joblib", limits)
        assert report.verdict == "dangerous" and "posix.system" in report.dangerous
        assert any(f.kind == "malformed" and "stream" in f.message for f in report.findings), report.findings


def test_corrupt_compressed_file_without_content_is_malformed() -> None:
    """A compressed file that yields no byte at all is one 'malformed' finding, nothing else."""
    report = scan_model_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 40, "bad.joblib")
    assert [f.kind for f in report.findings] == ["malformed"] and not report.globals
