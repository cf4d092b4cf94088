"""The symbolic machine against CPython's own unpickler with recording stubs (never a real import), and vs genops."""

from __future__ import annotations

import pickletools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlaudit.scanners.models.limits import Budget, Limits
from mlaudit.scanners.models.pickle_values import PickleError
from mlaudit.scanners.models.pickle_vm import PickleMachine
from tests.models.bypass_corpus import build_corpus
from tests.models.opcode_corpus import dumps_corpus, hand_corpus, programs
from tests.models.pickle_oracle import compare, machine, oracle

CORPUS = hand_corpus() + dumps_corpus()


def _disagreements(streams: list[tuple[str, bytes]], python_impl: bool, fast: bool) -> list[str]:
    out = []
    for name, data in streams:
        result = compare(data, python_impl=python_impl, fast=fast)
        if not result.agree:
            out.append(f"{name}: {result.why}; CPython {result.oracle}; machine {result.machine}")
    return out


@pytest.mark.parametrize("python_impl", [False, True], ids=["C unpickler", "pure-Python unpickler"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "table only"])
def test_machine_agrees_with_cpython_on_the_opcode_corpus(python_impl: bool, fast: bool) -> None:
    """Hand-built streams (every opcode, odd spellings) and real dumps at protocols 0-5: same globals and calls."""
    assert len(CORPUS) > 100
    assert _disagreements(CORPUS, python_impl, fast) == []


def test_the_oracle_records_imports_and_calls_without_importing() -> None:
    """The stubs record what CPython would import and call, in order; nothing real is built."""
    data = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R."
    rec = oracle(data)
    assert rec.globals == [("os", "system")] and rec.calls == ["os.system"] and rec.error is None
    got, result, _ = machine(data)
    assert got.globals == rec.globals and got.calls == rec.calls
    assert result.verdict == "dangerous"


def test_machine_agrees_with_cpython_on_the_bypass_corpus_streams() -> None:
    """Every plain pickle stream of the team's bypass corpus: the machine reports what CPython imports and calls."""
    streams = [(s.name, stream) for s in build_corpus() for stream in (s.streams or ())]
    assert len(streams) > 100
    assert _disagreements(streams, python_impl=False, fast=True) == []
    assert _disagreements(streams, python_impl=True, fast=True) == []


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_opcode_programs_agree_with_cpython(data: bytes) -> None:
    """Random opcode programs of every protocol: the machine never reports less than CPython imports or calls."""
    for python_impl in (False, True):
        result = compare(data, python_impl=python_impl)
        assert result.agree, (data, result.why, result.oracle, result.machine)


@pytest.mark.qt_no_exception_capture  # CPython's unpickler on damaged bytes can report "deallocated bytearray ... exported
# buffers" from a finalizer; pytest-qt, loaded in the same worker as the GUI tests, would take that for a Qt error
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=3))
def test_damaged_opcode_programs_agree_with_cpython(data: bytes, edits: list[tuple[int, int]]) -> None:
    """Random programs with random bytes overwritten (bad UTF-8, broken lengths ...): still never less than CPython."""
    buf = bytearray(data)
    for where, value in edits:
        buf[where % len(buf)] = value
    for python_impl in (False, True):
        result = compare(bytes(buf), python_impl=python_impl)
        assert result.agree, (bytes(buf), result.why, result.oracle, result.machine)


def test_fast_path_and_table_build_the_same_results() -> None:
    """The inline fast path and the table-only path give the same globals, calls and notes on the corpus."""
    for _, data in CORPUS:
        fast, fast_result, _ = machine(data, fast=True)
        slow, slow_result, _ = machine(data, fast=False)
        assert (fast.globals, fast.calls, fast.error) == (slow.globals, slow.calls, slow.error)
        assert [str(r) for r in fast_result.reasons] == [str(r) for r in slow_result.reasons]


def _genops_args(data: bytes) -> list[tuple[int, str, Any]] | None:
    try:
        return [(pos, op.name, arg) for op, arg, pos in pickletools.genops(data)]
    except Exception:  # noqa: BLE001 - genops refuses what CPython's C unpickler may accept (e.g. octal INT); compared elsewhere
        return None


def _normal(name: str, arg: Any) -> Any:
    if name in ("GLOBAL", "INST") and isinstance(arg, tuple):
        return " ".join(arg)
    if isinstance(arg, (memoryview, bytearray)):
        return bytes(arg)
    if isinstance(arg, float) and arg != arg:  # noqa: PLR0124 - NaN
        return "nan"  # nan != nan
    return arg


def test_decoded_arguments_match_pickletools_genops() -> None:
    """Position, opcode name and decoded argument of every opcode equal pickletools.genops's on the corpus."""
    compared = 0
    for name, data in CORPUS:
        want = _genops_args(data)
        if want is None:
            continue
        try:
            got = PickleMachine(data, Budget(Limits())).decode_ops(0)
        except PickleError as exc:  # only where CPython's C unpickler refuses it too (genops is more lenient)
            assert oracle(data).error is not None, f"{name}: genops and CPython read it, the machine does not ({exc})"
            continue
        assert [(p, n, _normal(n, a)) for p, n, a in got] == [(p, n, _normal(n, a)) for p, n, a in want], name
        compared += 1
    assert compared > 80


def test_float_with_whitespace_or_underscores_reads_as_the_python_unpickler_does() -> None:
    """FLOAT '\\t.5' and '1_0' load in the pure-Python unpickler (float()), so the machine goes on: it agrees with both."""
    for data in (b"\x80\x01F\t.5\n.", b"F1_0\n.", b"F 2.5 \n."):
        for python_impl in (False, True):
            result = compare(data, python_impl=python_impl)
            assert result.agree, (data, python_impl, result.why)


def test_a_text_argument_across_a_frame_boundary_is_inconclusive() -> None:
    """GLOBAL's module line running past its FRAME reads 's' (C from a file), 'os' (loads) or fails (Python): not safe."""
    data = b"\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00cos\nsystem\n."
    _, result, _ = machine(data)
    assert [r.kind for r in result.notes].count("frame-split-line") == 1
    assert compare(data).agree and compare(data, python_impl=True).agree
    inside = b"\x80\x04\x95\x0c\x00\x00\x00\x00\x00\x00\x00cos\nsystem\n."  # the same lines wholly inside the frame
    _, result, _ = machine(inside)
    assert not any(r.kind == "frame-split-line" for r in result.notes)
