"""Text that only starts like a pickle is not a model file; a text-named file a loader would act on still is."""

from __future__ import annotations

import gzip
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlaudit.sample_projects.gitrepo import GitRepo

from mlaudit.audit import audit
from mlaudit.checks.base import Status
from mlaudit.scanners.models import scan_model_bytes
from mlaudit.scanners.models.inert import named_as_model
from mlaudit.scanners.models.policy import classify_global
from mlaudit.store import model_queries as q
from mlaudit.store.db import open_store
from tests.models import bypass_corpus, corpus
from tests.models.opcode_corpus import programs
from tests.models.pickle_oracle import oracle

# Real text files whose first bytes are protocol-0 opcodes (GLOBAL "lick"."Sphinx" ...): none completes a pickle.
REQUIREMENTS = b"click\nSphinx\ncoverage\nawscli\nflake8\npython-dotenv>=0.5.1\n"
REQUIREMENTS_NO_STOP = b"click\nSphinx\ncoverage\ns3cmd==1.6.0\n"
README = b"cookiecutter-data-science\n--------------------------\n\nA logical project structure.\n"
CSV = b"country\nFrance\nItaly\nSpain\n"
YAML = b"channels:\n  - conda-forge\ndependencies:\n  - python=3.11\n"
PAYLOAD = corpus.proto0_call("os", "system", "true")  # a complete protocol-0 pickle calling os.system
CALL_NO_STOP = b"cacme.tools\nrun_job\n(S'x'\ntRzzz"  # calls an unknown callable, then fails: the call happened


@pytest.mark.parametrize("name,data", [("requirements.txt", REQUIREMENTS), ("requirements.txt", REQUIREMENTS_NO_STOP),
                                       ("README.md", README), ("data/countries.csv", CSV), ("environment.yml", YAML)])
def test_text_that_only_starts_like_a_pickle_is_not_a_model(name: str, data: bytes) -> None:
    """Format unknown (not a model), with the reason: where the unpickler stops and that nothing was called."""
    report = scan_model_bytes(data, name)
    assert report.format == "unknown" and report.error is None
    assert not report.globals and not report.dangerous and not report.unknown


def test_the_reason_names_the_stop_and_the_imports() -> None:
    """The not-a-model reason says where CPython's unpickler stops and which names it imported before."""
    report = scan_model_bytes(REQUIREMENTS, "requirements.txt")
    why = report.metadata["not_a_model"]
    assert why.startswith("not a model file: text") and "byte 29" in why and "lick.Sphinx" in why and "called nothing" in why
    assert report.reasons == [why]


@pytest.mark.parametrize("data,verdict", [
    (PAYLOAD, "dangerous"),
    (PAYLOAD[:-1], "dangerous"),  # no STOP: os.system is still called before the unpickler fails
    (b"cos\nsystem\nhello world\n", "dangerous"),  # imports os.system, then fails: a dangerous name is reported
    (CALL_NO_STOP, "inconclusive"),  # an unknown callable is invoked before the failure
    (b"cunittest.__main__\nmain\nzzz", "inconclusive"),  # importing a __main__ module runs it
    (b"cacme\nThing\n}bzz", "inconclusive"),  # BUILD on an imported object runs its __setstate__ ... then fails
])
def test_text_named_files_a_loader_acts_on_are_reported(data: bytes, verdict: str) -> None:
    """A .txt whose prefix calls, builds or imports something dangerous is a pickle, whatever happens after."""
    report = scan_model_bytes(data, "notes.txt")
    assert report.format == "pickle" and report.verdict == verdict, report.reasons


def test_a_file_named_as_a_model_is_a_pickle_whatever_its_damage() -> None:
    """The same requirements bytes named model.pkl are an inconclusive pickle (damaged), never skipped."""
    report = scan_model_bytes(REQUIREMENTS, "models/model.pkl")
    assert report.format == "pickle" and report.verdict == "inconclusive"
    assert any("invalid load key" in r for r in report.reasons)


def test_binary_bytes_are_skipped_only_before_any_import() -> None:
    """Not named as a model, a PROTO-headed blob damaged before any global is not a model; after one it is reported."""
    before = scan_model_bytes(b"\x80\x04K\x01K\x02\xff\xfe", "blob.bin")
    after = scan_model_bytes(b"\x80\x04" + bypass_corpus.u("acme") + bypass_corpus.u("Thing") + b"\x93\xff", "blob.bin")
    assert before.format == "unknown" and "before importing or calling anything" in before.metadata["not_a_model"]
    assert after.format == "pickle" and after.verdict == "inconclusive"


def test_compressed_text_that_starts_like_a_pickle_is_not_a_model() -> None:
    """A gzip CSV whose text starts like protocol 0 is compressed data, not a model; a gzip payload is dangerous."""
    data = scan_model_bytes(gzip.compress(CSV * 50, mtime=0), "data/countries.csv.gz")
    model = scan_model_bytes(gzip.compress(PAYLOAD, mtime=0), "data/countries.csv.gz")
    assert data.format == "unknown" and "inside a gzip stream" in data.metadata["not_a_model"]
    assert "compression" not in data.metadata and model.verdict == "dangerous"


def test_names_that_say_model() -> None:
    """Path-rule model names, with compression suffixes and container members, count as named models."""
    assert all(named_as_model(n) for n in ("m.pkl", "a/b/model.joblib", "m.pkl.gz", "x.pt", "o.tar:inner/m.pth",
                                           "model.pkl.tar.gz (gzip)"))
    assert not any(named_as_model(n) for n in ("requirements.txt", "README.md", "data.csv.gz", "env.yml", "o.zip:a.txt"))


@pytest.fixture(scope="module")
def text_repo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A repo of real text files that start like protocol 0, one text-named payload, one text-named prefix call."""
    base = tmp_path_factory.mktemp("inert")
    repo = GitRepo(base / "repo")
    repo.commit("project", {"requirements.txt": REQUIREMENTS, "README.md": README, "data/countries.csv": CSV,
                            "environment.yml": YAML, "docs/requirements.txt": REQUIREMENTS_NO_STOP})
    only_text = audit(repo.root, base / "text.sqlite")
    repo.commit("notes", {"notes/payload.txt": PAYLOAD, "notes/prefix.txt": CALL_NO_STOP,
                          "models/m.pkl": pickle.dumps({"w": [1.0]}, protocol=4)})
    with_payload = audit(repo.root, base / "payload.sqlite")
    return {"text": only_text, "payload": with_payload, "store": base / "payload.sqlite"}


def _result(result, check_id: str):
    return next(r for r in result.results if r.check_id == check_id)


def test_repo_of_text_files_has_no_model(text_repo: dict) -> None:
    """MODEL-UNSAFE and MODEL-PICKLE are not applicable; the coverage says what was read and why it is no model."""
    for check_id in ("MODEL-UNSAFE", "MODEL-PICKLE"):
        result = _result(text_repo["text"], check_id)
        assert result.status == Status.NOT_APPLICABLE, (check_id, result.message)
    coverage = _result(text_repo["text"], "MODEL-UNSAFE").coverage
    line = next(a for a in coverage.analysed if "not model files" in a)
    assert line.startswith("3 other content(s)")  # the two requirements and the CSV sniff as pickles and "called nothing" in line and not coverage.skipped


def test_text_named_payloads_are_still_found(text_repo: dict) -> None:
    """The .txt payload is dangerous, the .txt prefix call inconclusive, the real pickle safe; the text files unlisted."""
    with open_store(text_repo["store"]) as store:
        found = {v.path: v.verdict for v in q.all_versions(store)}
    assert found == {"notes/payload.txt": "dangerous", "notes/prefix.txt": "inconclusive", "models/m.pkl": "safe"}
    assert _result(text_repo["payload"], "MODEL-UNSAFE").status == Status.FAIL


def test_text_that_only_starts_like_a_pickle_with_a_zip_at_its_end_is_read_as_the_zip() -> None:
    """Requirements text followed by a zip holding a payload: the zip (read from the end) is analysed: dangerous."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", bypass_corpus.call_global("os", "system", "true"))
    report = scan_model_bytes(REQUIREMENTS + buf.getvalue(), "requirements.txt")
    assert report.verdict == "dangerous" and not any(f.kind == "polyglot" for f in report.findings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=st.one_of(programs(0), programs()), cut=st.floats(0.2, 1.0))
def test_not_a_model_only_when_cpython_would_call_nothing(program: bytes, cut: float) -> None:
    """Random opcode programs, cut short, named .txt: 'not a model' only when CPython's unpicklers call nothing
    and import nothing dangerous before they stop (recording stubs, never a real import)."""
    data = program[:max(1, int(len(program) * cut))]
    report = scan_model_bytes(data, "notes.txt")
    if "not_a_model" not in report.metadata:
        return
    for python_impl in (False, True):
        record = oracle(data, python_impl)
        assert record.calls == [], (data, record)
        assert all(classify_global(m, n) != "dangerous" for m, n in record.globals), (data, record)
