"""The exact oracle for the symbolic pickle machine: CPython's own unpickler with every import replaced by a stub.

``oracle(data)`` runs ``pickle.Unpickler`` (the C one; ``python_impl=True``: the pure-Python ``pickle._Unpickler``
joblib uses) over ``data`` with ``find_class`` overridden: it records (module, name) as the stream spells them and
returns a fresh recording stub class. Nothing is ever imported and no real object is ever built: calling a stub (or
its ``__new__``, which NEWOBJ and OBJ use) records the call and returns a harmless stub instance. Persistent ids
load as stubs too (as torch's loader would give them an object).

``compare(data)`` runs the machine and the oracle on the same bytes and says whether they agree:
both complete -> same globals in the same order and same calls in the same order; the oracle fails -> what it
imported and called before failing is a prefix of what the machine reports (the machine never sees less);
the machine fails while CPython completes -> disagreement, unless the machine stopped at one of its caps.
Tests and fuzz/ only; the product never imports this.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass, field
from typing import Any

from mlaudit.scanners.models.limits import Budget, LimitExceeded, Limits
from mlaudit.scanners.models.pickle_values import Global, PickleError, StreamResult
from mlaudit.scanners.models.pickle_vm import PickleMachine

COMPUTED = "<computed>"


@dataclass
class Record:
    """What one unpickler run imported and called, and how it ended."""

    globals: list[tuple[str, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    error: str | None = None


class StubInstance:
    """What a stub call returns: accepts the container and state operations the unpickler performs on objects."""

    def __init__(self, record: Record) -> None:
        object.__setattr__(self, "_record", record)

    def __call__(self, *args: Any, **kwargs: Any) -> StubInstance:
        self._record.calls.append(COMPUTED)
        return StubInstance(self._record)

    def __setstate__(self, state: Any) -> None:
        pass

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def append(self, item: Any) -> None:
        pass

    def extend(self, items: Any) -> None:
        pass

    def add(self, item: Any) -> None:
        pass


def _stub_class(record: Record, module: str, name: str) -> type:
    qualname = f"{module}.{name}"

    class StubMeta(type):
        def __call__(cls, *args: Any, **kwargs: Any) -> StubInstance:
            record.calls.append(qualname)
            return StubInstance(record)

    def new(cls: type, *args: Any, **kwargs: Any) -> StubInstance:
        record.calls.append(qualname)
        return StubInstance(record)

    return StubMeta("Stub", (), {"__new__": new, "__module__": "oracle_stub", "__setstate__": StubInstance.__setstate__})


def _unpickler_class(base: type, record: Record) -> type:
    class Recording(base):  # type: ignore[misc, valid-type]
        def find_class(self, module: str, name: str) -> Any:
            record.globals.append((module, name))
            return _stub_class(record, module, name)

        def persistent_load(self, pid: Any) -> Any:
            return StubInstance(record)

    return Recording


def oracle(data: bytes, python_impl: bool = False) -> Record:
    """Run CPython's unpickler over one stream of ``data`` with recording stubs (never a real import)."""
    record = Record()
    cls = _unpickler_class(pickle._Unpickler if python_impl else pickle.Unpickler, record)  # type: ignore[attr-defined]
    try:
        cls(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 - every failure of the real unpickler is a result here
        record.error = f"{type(exc).__name__}: {exc}"
    return record


def machine(data: bytes, fast: bool = True, limits: Limits | None = None) -> tuple[Record, StreamResult, bool]:
    """Run the symbolic machine over one stream: (record in the oracle's terms, the result, stopped at a cap)."""
    result = StreamResult()
    record = Record()
    capped = False
    try:
        PickleMachine(data, Budget(limits or Limits(seconds=60.0)), result, fast=fast, plain=True).run_stream(0)
    except PickleError as exc:
        record.error = str(exc)
    except LimitExceeded as exc:
        record.error, capped = str(exc), True
    record.globals = [ref.written or (ref.module, ref.name) for ref in result.globals]
    spelled = {ref.qualname: ".".join(ref.written or (ref.module, ref.name)) for ref in result.globals}
    record.calls = [spelled.get(c.target, c.target) if isinstance(c.obj.func, Global) else COMPUTED for c in result.calls]
    return record, result, capped


@dataclass
class Comparison:
    """The outcome of one differential run."""

    agree: bool
    why: str
    oracle: Record
    machine: Record


def compare(data: bytes, python_impl: bool = False, fast: bool = True) -> Comparison:
    """Machine vs CPython on ``data`` (see the module docstring for what agreement means)."""
    want = oracle(data, python_impl)
    got, result, capped = machine(data, fast)
    if any(r.kind == "frame-split-line" for r in result.notes):  # the unpicklers disagree: the machine says so
        return Comparison(True, "a line crosses a frame boundary: inconclusive by the machine", want, got)
    if want.error is None and got.error is None:
        same = want.globals == got.globals and want.calls == got.calls
        return Comparison(same, "both complete" if same else "both complete, different globals/calls", want, got)
    if want.error is None:
        return Comparison(capped, "machine stopped at a cap" if capped else "machine failed, CPython completed", want, got)
    prefix = got.globals[:len(want.globals)] == want.globals and got.calls[:len(want.calls)] == want.calls
    return Comparison(prefix, "CPython failed; machine saw at least as much" if prefix else
                      "CPython failed after imports or calls the machine does not report", want, got)
