"""CycloneDX 1.6 ML-BOM: models, data versions, Python dependencies and the graph model -> data -> code commit.

Built with cyclonedx-python-lib from the store the report came from (``report.provenance.store``). That library does
not model ``modelCard`` and ``data`` yet (CycloneDX 1.5 fields it marks TODO), so they are added to its JSON output
by bom-ref; the result is checked against the CycloneDX 1.6 schema in the tests.

Hashes are only the ones actually computed: a model's SHA-256, a DVC md5 and a Git LFS sha256. A git blob id is
not a hash of the file's bytes (git hashes a header with them), so it is given as a property, never as a hash.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Commit, Component, ComponentType, Pedigree
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL
from packaging.requirements import InvalidRequirement, Requirement

from mlaudit import __version__
from mlaudit.checks.models._common import real_models
from mlaudit.report.model import WORKTREE, Report
from mlaudit.report.vcs import remote_url
from mlaudit.store import data_queries, model_queries
from mlaudit.store.db import Store, open_store

MAX_FEATURES = 500  # feature names listed per model
P = "mlaudit:"  # property namespace


@dataclass(slots=True)
class _Parts:
    bom: Bom
    model_cards: dict[str, dict[str, Any]]
    data_fields: dict[str, list[dict[str, Any]]]


def _prop(name: str, value: Any) -> Property:
    return Property(name=P + name, value=str(value))


def _data_hashes(key: str) -> list[HashType]:
    """Content hashes a data key really is (DVC md5, LFS sha256); a git blob id is none."""
    if key.startswith("md5:"):
        return [HashType(alg=HashAlgorithm.MD5, content=key[4:])]
    if key.startswith("sha256:"):
        return [HashType(alg=HashAlgorithm.SHA_256, content=key[7:])]
    return []


def _commit_component(sha: str, repo_name: str) -> Component:
    return Component(type=ComponentType.APPLICATION, name=f"{repo_name} source", version=sha, bom_ref=f"commit:{sha}",
                     pedigree=Pedigree(commits=[Commit(uid=sha)]), description="the code at this git commit")


def _data_components(store: Store, parts: _Parts, commits: dict[str, Component], repo_name: str) -> dict[tuple[str, str], str]:
    """One data component per distinct (path, content); returns their bom-refs."""
    refs: dict[tuple[str, str], str] = {}
    for f in data_queries.list_data_files(store):
        for v in data_queries.data_versions(store, f.path):
            if (v.path, v.key) in refs:
                continue
            ref = f"data:{v.path}@{v.key}"
            refs[(v.path, v.key)] = ref
            props = [_prop("source", v.source), _prop("availability", v.availability)]
            if not _data_hashes(v.key):
                props.append(_prop("git-blob", v.key))
            if v.size is not None:
                props.append(_prop("size", v.size))
            prof = data_queries.profile(store, v.key)
            contents: dict[str, Any] = {}
            if prof is not None and not prof.error:
                if prof.rows is not None:
                    props.append(_prop("rows", prof.rows))
                props += [_prop("columns", len(prof.columns)), _prop("format", prof.format or "unknown")]
                contents = {"properties": [{"name": P + "column", "value": str(c.get("name"))} for c in prof.columns[:MAX_FEATURES]]}
            elif prof is not None:
                props.append(_prop("unreadable", prof.error))
            comp = Component(type=ComponentType.DATA, name=v.path, version=v.commit[:12] if v.commit else "worktree",
                             bom_ref=ref, hashes=_data_hashes(v.key), properties=props)
            parts.bom.components.add(comp)
            entry: dict[str, Any] = {"type": "dataset", "name": v.path}
            if contents:
                entry["contents"] = contents
            parts.data_fields[ref] = [entry]
            if v.commit:
                parent = commits.setdefault(v.commit, _commit_component(v.commit, repo_name))
                parts.bom.register_dependency(comp, [parent])
    return refs


def _card_parameters(v: model_queries.ModelVersion, datasets: list[str]) -> dict[str, Any]:
    """The model card's modelParameters: architecture, datasets, input and output shapes (what is known)."""
    params: dict[str, Any] = {}
    if v.estimator:
        params["modelArchitecture"] = v.estimator
    if datasets:
        params["datasets"] = [{"ref": r} for r in datasets]
    if v.features or v.n_features:
        n = v.n_features or len(v.features or [])
        params["inputs"] = [{"format": f"tabular, {n} feature(s)"}]
    if v.classes:
        params["outputs"] = [{"format": f"class label ({len(v.classes)} classes)"}]
    return params


def _card_properties(v: model_queries.ModelVersion, lin: model_queries.Lineage, datasets: list[str]) -> list[dict[str, str]]:
    """mlaudit's own card properties: how datasets were linked, hyperparameters, features, classes, params."""
    props = [{"name": f"{P}datasets-basis", "value": "data versions present at the model's commit (static lineage), "
              "not proven training inputs"}] if datasets else []
    props += [{"name": f"{P}hyperparameter:{k}", "value": json.dumps(val, default=str)} for k, val in sorted(v.hyperparameters.items())]
    props += [{"name": f"{P}feature", "value": str(name)} for name in (v.features or [])[:MAX_FEATURES]]
    props += [{"name": f"{P}class", "value": str(c)} for c in (v.classes or [])[:MAX_FEATURES]]
    props += [{"name": f"{P}param:{k}", "value": str(val)} for k, val in sorted(lin.params.items())]
    return props


def _model_card(v: model_queries.ModelVersion, lin: model_queries.Lineage, datasets: list[str]) -> dict[str, Any]:
    card: dict[str, Any] = {}
    params = _card_parameters(v, datasets)
    if params:
        card["modelParameters"] = params
    metrics = [{"type": str(k), "value": str(val)} for k, val in sorted(lin.metrics.items())]
    if metrics:
        card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    props = _card_properties(v, lin, datasets)
    if props:
        card["properties"] = props
    return card


def _model_component(v: model_queries.ModelVersion, lin: model_queries.Lineage, ref: str) -> Component:
    """The model file as a machine-learning-model component: format, source, verdict, libraries, run, size, sha256."""
    props = [_prop("format", v.format), _prop("source", v.source), _prop("security-verdict", v.verdict)]
    props += [_prop(f"library:{k}", val) for k, val in sorted(v.library_versions.items())]
    if v.run_id:
        props.append(_prop("mlflow-run", v.run_id))
    if v.size is not None:
        props.append(_prop("size", v.size))
    hashes = [HashType(alg=HashAlgorithm.SHA_256, content=v.sha256)] if v.sha256 else []
    return Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=v.path, bom_ref=ref, hashes=hashes,
                     version=(v.commit or lin.commit or v.source)[:12], properties=props)


def _lineage_datasets(store: Store, lin: model_queries.Lineage, data_refs: dict[tuple[str, str], str]) -> list[str]:
    """The dataset components of a model's lineage (a DVC pointer stands for the content it names), in path order."""
    datasets: list[str] = []
    ancestors = data_queries.commit_ancestors(store, lin.commit) if lin.commit else None
    for path, blob in sorted(lin.data.items()):
        data_ref = data_refs.get((path, blob))
        if data_ref is None and path.endswith(".dvc") and lin.commit:  # the pointer: the content it names
            dv = data_queries.version_at(store, path[: -len(".dvc")], lin.commit, ancestors)
            data_ref = data_refs.get((dv.path, dv.key)) if dv is not None else None
        if data_ref is not None and data_ref not in datasets:
            datasets.append(data_ref)
    return datasets


def _models(store: Store, parts: _Parts, commits: dict[str, Component], data_refs: dict[tuple[str, str], str],
            repo_name: str) -> None:
    by_ref = {c.bom_ref.value: c for c in parts.bom.components}
    seen: set[tuple[str, str]] = set()
    for v in real_models(model_queries.all_versions(store)):
        if (v.path, v.key) in seen:
            continue
        seen.add((v.path, v.key))
        lin = model_queries.lineage(store, v)
        ref = f"model:{v.path}@{v.key}"
        comp = _model_component(v, lin, ref)
        parts.bom.components.add(comp)
        datasets = _lineage_datasets(store, lin, data_refs)
        parts.model_cards[ref] = _model_card(v, lin, datasets)
        depends = [by_ref[r] for r in datasets if r in by_ref]
        if lin.commit:
            depends.append(commits.setdefault(lin.commit, _commit_component(lin.commit, repo_name)))
        parts.bom.register_dependency(comp, depends)


def _dependencies(store: Store, report: Report, parts: _Parts, commits: dict[str, Component]) -> None:
    """Declared Python dependencies of the judged tree (the deps facts the checks computed), pinned versions kept."""
    key = f"WORKTREE@{report.provenance.scan_id}" if report.provenance.rev == WORKTREE else report.provenance.rev
    from mlaudit.report.signals import stored_facts

    facts = stored_facts(store, key, "deps") or {}
    libs: dict[str, Component] = {}
    for pkg in facts.get("packages", []):
        name, spec = str(pkg.get("name") or ""), str(pkg.get("spec") or "")
        if not name or name.lower() in libs:
            continue
        version = _pinned_version(name, spec)
        props = [_prop("pin", pkg.get("pin")), _prop("group", pkg.get("group")), _prop("declared-in", pkg.get("path"))]
        if spec:
            props.append(_prop("spec", spec))
        purl = PackageURL(type="pypi", name=name.lower().replace("_", "-"), version=version)
        libs[name.lower()] = Component(type=ComponentType.LIBRARY, name=name, version=version, purl=purl,
                                       bom_ref=f"pypi:{name.lower()}", properties=props)
    for lib in libs.values():
        parts.bom.components.add(lib)
    head = report.provenance.head if report.provenance.rev == WORKTREE else report.provenance.rev
    if head and libs:
        code = commits.setdefault(head, _commit_component(head, Path(report.provenance.repo).name))
        parts.bom.register_dependency(code, list(libs.values()))


def _pinned_version(name: str, spec: str) -> str | None:
    """The exact version when ``spec`` (PEP 508, without the name) pins one with == or ===, else None."""
    try:
        req = Requirement(spec if spec.lower().startswith(name.lower()) else name + spec)
    except InvalidRequirement:
        return None
    exact = [s.version for s in req.specifier if s.operator in ("==", "===") and "*" not in s.version]
    return exact[0] if len(exact) == 1 else None


def build_bom(report: Report) -> tuple[Bom, dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The BOM of the report's store, with the model cards and data fields to add by bom-ref."""
    p = report.provenance
    repo_name = Path(p.repo).name
    root = Component(type=ComponentType.APPLICATION, name=repo_name, version=(p.head or "no-commit")[:12],
                     bom_ref=f"repo:{repo_name}", properties=[_prop("rev", p.rev), _prop("branch", p.branch or "")])
    remote = remote_url(p.repo)
    if remote is not None:
        root.external_references.add(ExternalReference(type=ExternalReferenceType.VCS, url=XsUri(remote)))
    tool = Component(type=ComponentType.APPLICATION, name="mlaudit", version=__version__, bom_ref="tool:mlaudit")
    meta = BomMetaData(component=root, timestamp=datetime.fromisoformat(report.generated_at),
                       properties=[_prop("scan", p.scan_id), _prop("scanned-at", p.scanned_at)])
    meta.tools.components.add(tool)
    serial = uuid.uuid5(uuid.NAMESPACE_URL, f"mlaudit:{p.repo}:{p.rev}:{p.head}:{p.scan_id}")
    parts = _Parts(Bom(metadata=meta, serial_number=serial), {}, {})
    commits: dict[str, Component] = {}
    with open_store(Path(p.store)) as store:
        data_refs = _data_components(store, parts, commits, repo_name)
        _models(store, parts, commits, data_refs, repo_name)
        _dependencies(store, report, parts, commits)
    for comp in commits.values():
        parts.bom.components.add(comp)
    models = [c for c in parts.bom.components if c.type == ComponentType.MACHINE_LEARNING_MODEL]
    head = commits.get(p.head or "") if p.rev == WORKTREE else commits.get(p.rev)
    parts.bom.register_dependency(root, [*models, *([head] if head is not None else [])])
    return parts.bom, parts.model_cards, parts.data_fields


def cyclonedx_dict(report: Report) -> dict[str, Any]:
    """The ML-BOM as CycloneDX 1.6 JSON data."""
    bom, cards, data = build_bom(report)
    out: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    for comp in out.get("components", []):
        ref = comp.get("bom-ref")
        if cards.get(ref):
            comp["modelCard"] = cards[ref]
        if ref in data:
            comp["data"] = data[ref]
    return out


def render_cyclonedx(report: Report) -> bytes:
    return (json.dumps(cyclonedx_dict(report), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
