"""The stream verdict fails safe: caps, damage, unknown callables and unsized joblib arrays are never "safe"."""

from __future__ import annotations

import io
import pickle
import struct

import joblib
import numpy as np
import pytest

from mlaudit.scanners.models.limits import Budget, Limits
from mlaudit.scanners.models.pickle_vm import analyse_pickle
from tests.models.bypass_corpus import _joblib_wrapper, binstr, g0
from tests.models.opcode_corpus import bu, call, g

RUN = g0("os", "system") + b"(" + binstr("id") + b"tR0"  # a call whose result is popped


def verdict(data: bytes, limits: Limits | None = None) -> tuple[str, list[str]]:
    result = analyse_pickle(data, Budget(limits or Limits()))
    return result.verdict, [r.kind for r in result.reasons]


def test_benign_values_are_safe_at_every_protocol() -> None:
    """Containers, numbers, text, sets, numpy arrays and OrderedDicts pickled at protocols 0-5 are safe."""
    import collections

    value = {"a": [1, 2.5, "x", b"y"], "s": {1, 2}, "f": frozenset({3}), "o": collections.OrderedDict(k=1),
             "arr": np.arange(4.0), "c": complex(1, 2), "sl": slice(1, 2)}
    for proto in range(6):
        assert verdict(pickle.dumps(value, protocol=proto)) == ("safe", []), proto


@pytest.mark.parametrize("limits", [Limits(max_ops=5000), Limits(max_objects=1000), Limits(seconds=0.0)])
def test_a_cap_reached_after_a_benign_prefix_is_inconclusive(limits: Limits) -> None:
    """A benign prefix long enough to hit an op, object or time cap, then a payload: inconclusive, never safe."""
    data = b"\x80\x02]" + b"(" + b"}" * 20_000 + b"e0" + call("os", "system") + b"."
    got, kinds = verdict(data, limits)
    assert got == "inconclusive" and "limit" in kinds


def test_mark_nesting_cap_is_inconclusive() -> None:
    """Deeper MARK nesting than the machine keeps: inconclusive."""
    data = b"\x80\x02" + b"(" * 200_000 + b"N."
    assert verdict(data)[0] == "inconclusive"


def test_damage_mid_stream_is_inconclusive_and_what_ran_before_still_counts() -> None:
    """A stream broken in the middle is inconclusive; a dangerous call before the damage makes it dangerous."""
    assert verdict(b"\x80\x02(K\x01\x00")[0] == "inconclusive"
    assert verdict(b"\x80\x02" + call("os", "system") + b"\x00")[0] == "dangerous"


def test_invalid_utf8_text_is_damage_not_a_crash() -> None:
    """SHORT_BINUNICODE / BINUNICODE with bytes that are not UTF-8: CPython refuses them; inconclusive here."""
    assert verdict(b"\x80\x04\x8c\x02\xf8\xff.") == ("inconclusive", ["damaged"])
    assert verdict(b"\x80\x02X\x02\x00\x00\x00\xf8\xff.") == ("inconclusive", ["damaged"])


def test_trailing_bytes_after_a_complete_stream_are_a_reason() -> None:
    """Junk after a complete pickle (a second pickle.load would fail on it) is inconclusive."""
    got, kinds = verdict(pickle.dumps([1, 2], protocol=4) + b"\x80\x04(K\x01")
    assert got == "inconclusive" and "trailing-data" in kinds


def test_extension_codes_are_dangerous() -> None:
    """EXT1/EXT2/EXT4 fetch a callable from copyreg's runtime registry."""
    for ext in (b"\x82\x01", b"\x83\x01\x00", b"\x84\x01\x00\x00\x00"):
        got, kinds = verdict(b"\x80\x02" + ext + b"N\x85R.")
        assert got == "dangerous" and kinds[0] == "extension-code"


def test_unknown_callables_and_unknown_globals_are_inconclusive() -> None:
    """An unknown class that is called, or only imported, is inconclusive with the reason named."""
    assert verdict(b"\x80\x02" + call("mypkg.models", "Thing") + b".") == ("inconclusive", ["unknown-callable"])
    assert verdict(b"\x80\x02" + g("mypkg.models", "Thing") + b".") == ("inconclusive", ["unknown-global"])


def test_calling_a_computed_value_is_inconclusive() -> None:
    """REDUCE on the result of an allowed call (or a persistent id) is not an allow-listed callable."""
    data = b"\x80\x02" + g("collections", "OrderedDict") + b")RN\x85R."
    assert verdict(data) == ("inconclusive", ["computed-call"])
    assert verdict(b"\x80\x02" + bu("pid") + b"QN\x85R.")[0] == "inconclusive"


def test_allowed_helpers_that_call_their_arguments_are_checked() -> None:
    """numpy's RandomState constructor calls its second argument; copyreg helpers construct their first."""
    ctor = g("numpy.random._pickle", "__randomstate_ctor")
    assert verdict(b"\x80\x02" + ctor + bu("MT19937") + g("os", "system") + b"\x86R.")[0] == "dangerous"
    assert verdict(b"\x80\x02" + ctor + bu("MT19937") + g("mypkg", "ctor") + b"\x86R.") == (
        "inconclusive", ["unknown-callable"])
    assert verdict(b"\x80\x02" + ctor + bu("MT19937") + g("collections", "OrderedDict") + b")R\x86R.") == (
        "inconclusive", ["computed-call"])
    rec = g("copyreg", "_reconstructor") + g("mypkg", "Thing") + g("builtins", "object") + b"N\x87R."
    assert verdict(b"\x80\x02" + rec) == ("inconclusive", ["unknown-callable"])
    assert verdict(pickle.dumps(np.random.RandomState(0), protocol=2))[0] == "safe"


def test_build_on_an_imported_class_is_inconclusive() -> None:
    """BUILD on a class object runs its __setstate__ unbound or sets attributes on the class."""
    assert verdict(b"\x80\x02" + g("collections", "OrderedDict") + b"}b.") == ("inconclusive", ["build-on-global"])


def test_computed_module_names_are_dangerous_and_impossible_ones_are_damage() -> None:
    """STACK_GLOBAL fed by builtins.str(...) can import anything; fed by an int, CPython refuses it."""
    computed = b"\x80\x04" + bu("builtins") + bu("str") + b"\x93" + bu("os") + b"\x85R" + bu("system") + b"\x93."
    assert verdict(computed)[0] == "dangerous"
    assert verdict(b"\x80\x04K\x01K\x02\x93.") == ("inconclusive", ["damaged"])


def test_python2_names_are_judged_as_cpython_imports_them() -> None:
    """At protocol < 3 __builtin__.eval is builtins.eval (fix_imports); __builtin__.set is builtins.set."""
    assert verdict(b"\x80\x02" + call("__builtin__", "eval", bu("1")) + b".")[0] == "dangerous"
    assert verdict(b"\x80\x02" + g("__builtin__", "set") + b"]\x85R.")[0] == "safe"


def test_text_opcodes_with_long_lines_and_big_long4_are_read_to_the_end() -> None:
    """A 2 MB STRING line or a 300 KB LONG4 before the payload does not stop the machine."""
    long_line = b"S'" + b"a" * (2 << 20) + b"'\n0" + call("os", "system") + b"."
    big = b"\x80\x02\x8b" + struct.pack("<i", 300_000) + b"\x01" * 300_000 + b"0" + call("os", "system") + b"."
    assert verdict(long_line)[0] == "dangerous"
    assert verdict(big)[0] == "dangerous"


def _joblib_bytes(value: object, **kw: object) -> bytes:
    buf = io.BytesIO()
    joblib.dump(value, buf, **kw)
    return buf.getvalue()


def test_real_joblib_arrays_are_stepped_over_exactly() -> None:
    """Numeric, structured, object and string arrays written by joblib: every byte accounted for, safe."""
    value = {"f": np.arange(10.0), "i": np.arange(7, dtype=">i4"), "s": np.array(["ab", "c"]),
             "rec": np.zeros(3, dtype=[("a", "<i8"), ("b", "<f4")]), "o": np.array(["x", 1], dtype=object),
             "ro": np.zeros(2, dtype=[("a", "<i8"), ("b", "O")]), "u": np.array([b"xy"])}
    for proto in (2, 4, 5):
        result = analyse_pickle(_joblib_bytes(value, protocol=proto), Budget(Limits()))
        assert (result.verdict, result.joblib_arrays, len(result.roots)) == ("safe", 7, 1), proto


def test_a_fake_wrapper_in_a_plain_pickle_does_not_hide_its_payload() -> None:
    """Bytes after a NumpyArrayWrapper are opcodes for plain pickle.load: the payload there is found."""
    assert verdict(_joblib_wrapper(len(RUN)) + RUN + b".")[0] == "dangerous"


def test_an_unknown_call_read_by_plain_pickle_load_after_a_wrapper_is_inconclusive() -> None:
    """Bytes after a fake wrapper that plain pickle.load runs as a call off the allowlist, or of a computed value: inconclusive."""
    run = g0("calendar", "TextCalendar") + b"(" + binstr("x") + b"tR0"  # a stdlib class no allowlist entry covers
    got, kinds = verdict(_joblib_wrapper(len(run)) + run + b".")
    assert got == "inconclusive" and "joblib-plain-unknown-callable" in kinds
    computed = g0("collections", "OrderedDict") + b")R(" + binstr("x") + b"tR0"  # calls the result of a call
    got, kinds = verdict(_joblib_wrapper(len(computed)) + computed + b".")
    assert got == "inconclusive" and "joblib-plain-computed-call" in kinds


def test_a_plain_reading_that_cannot_call_adds_no_reason() -> None:
    """A name no installed module provides (find_class fails first) or a literal (not callable): no reason."""
    for run in (g0("NumpyArrayWrapper", "dtype") + b")R0", b"}(" + binstr("x") + b"tR0"):
        assert verdict(_joblib_wrapper(len(run)) + run + b".") == ("safe", []), run


def test_an_allowed_call_read_by_plain_pickle_load_after_a_wrapper_stays_safe() -> None:
    """A plain reading that only calls allow-listed names (harmless with any arguments) adds no reason."""
    run = g0("collections", "OrderedDict") + b")R0"
    assert verdict(_joblib_wrapper(len(run)) + run + b".") == ("safe", [])


def test_a_declared_size_that_does_not_match_the_bytes_does_not_desync() -> None:
    """Too short: joblib runs what follows; too long: plain pickle.load runs it; both are found."""
    assert verdict(_joblib_wrapper(4) + b"\x00" * 4 + RUN + b".")[0] == "dangerous"
    assert verdict(_joblib_wrapper(len(RUN) + 64) + RUN + b"N0" * 32 + b".")[0] == "dangerous"
    assert verdict(_joblib_wrapper(10_000) + RUN + b".")[0] in ("dangerous", "inconclusive")


def test_joblib_arrays_the_machine_cannot_size_exactly_are_inconclusive() -> None:
    """A dtype with an object flag its fields contradict, or a string shape: the skip is not guessed."""
    data = _joblib_bytes({"r": np.zeros(2, dtype=[("a", "<i8"), ("b", "<f8")])}, protocol=2)
    lying = data.replace(b"K\x10tq", b"K\x11tq", 1)  # the structured dtype's flags now claim objects
    assert lying != data
    assert verdict(lying) == ("inconclusive", ["unmodelled"])
    shape = _joblib_wrapper(4).replace(b"J\x04\x00\x00\x00\x85", binstr("4") + b"\x85")
    assert verdict(shape + b"\x00" * 4 + b".") == ("inconclusive", ["unmodelled"])


def test_a_joblib_array_inside_an_unfinished_frame_is_inconclusive() -> None:
    """joblib's pure-Python unpickler reads array bytes from after the current frame: not stepped over blindly."""
    wrapper = _joblib_wrapper(1)[2:]
    body = wrapper + b"N0N0\x00."
    data = b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body
    assert verdict(data)[0] == "inconclusive"


def test_real_sklearn_joblib_files_stay_safe_under_the_plain_reading() -> None:
    """Forests, boosting and a ColumnTransformer pipeline dumped by joblib (protocols 2-5, raw and zlib): all safe.

    Their array bytes, read the plain pickle.load way, call names such as ``estimator.dtype`` built from the outer
    memo: no module provides them, so find_class fails before any call and they add no reason.
    """
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlaudit.scanners.models import scan_model_bytes

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120), "c": rng.choice(["x", "y"], 120)})
    labels = np.where(frame["a"] > 0, "yes", "no")
    models = [RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(frame[["a", "b"]], labels),
              GradientBoostingRegressor(n_estimators=3, random_state=0).fit(frame[["a", "b"]], frame["a"]),
              Pipeline([("ct", ColumnTransformer([("oh", OneHotEncoder(), ["c"]), ("sc", StandardScaler(), ["a", "b"])])),
                        ("lr", LogisticRegression())]).fit(frame, labels)]
    verdicts = set()
    for model in models:
        for proto in (2, 3, 4, 5):
            for compress in (0, 3):
                buf = io.BytesIO()
                joblib.dump(model, buf, protocol=proto, compress=compress)
                report = scan_model_bytes(buf.getvalue(), "model.joblib")
                verdicts.add((report.verdict, tuple(report.reasons[:1])))
    assert {v for v, _ in verdicts} == {"safe"}, verdicts
