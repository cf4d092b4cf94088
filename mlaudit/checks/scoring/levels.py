"""Inferred maturity levels: Google MLOps (0-2) and Microsoft MLOps (0-4), cumulative, with evidence."""

from __future__ import annotations

from mlaudit.checks.base import CheckResult
from mlaudit.checks.scoring.common import Requirement, Verdict, evaluate

R = Requirement

GOOGLE: list[tuple[int, str, list[Requirement]]] = [
    (0, "Level 0: manual process", []),
    (1, "Level 1: ML pipeline automation", [
        R("REPRO-PIPELINE", "a declared pipeline trains the model", automated=True),
        R("INFRA-CT", "continuous training: scheduled or data-triggered retraining", automated=True),
        R("DATA-VALIDATION", "automated data validation", automated=True),
        R("MODEL-VALIDATION-GATE", "automated model validation before release", automated=True),
        R("INFRA-TRACKING", "ML metadata and experiment tracking"),
    ]),
    (2, "Level 2: CI/CD pipeline automation", [
        R("INFRA-CI", "CI builds and tests the pipeline", automated=True),
        R("INFRA-CD", "automated deployment of the pipeline and model", automated=True),
        R("MODEL-REGISTRY", "a model registry"),
    ]),
]

MICROSOFT: list[tuple[int, str, list[Requirement]]] = [
    (0, "Level 0: no MLOps", []),
    (1, "Level 1: DevOps but no MLOps", [
        R("INFRA-CI", "automated builds and tests of the code", automated=True),
        R("INFRA-TESTS", "tests of the code"),
    ]),
    (2, "Level 2: automated training", [
        R("REPRO-PIPELINE", "a managed, reproducible training pipeline", automated=True),
        R("INFRA-TRACKING", "centralised tracking of experiments"),
    ]),
    (3, "Level 3: automated model deployment", [
        R("INFRA-CD", "automated release of the model", automated=True),
        R("MODEL-REGISTRY", "released models traceable in a registry"),
        R("MODEL-VALIDATION-GATE", "model quality checked before release", automated=True),
    ]),
    (4, "Level 4: full MLOps automated operations", [
        R("INFRA-CT", "automated retraining", automated=True),
        R("DRIFT-MONITORING", "drift detection that can trigger retraining", automated=True),
        R("MON-PRODUCTION", "production metrics and alerting"),
    ]),
]


def infer_level(ladder: list[tuple[int, str, list[Requirement]]], results: list[CheckResult]) -> Verdict:
    """The highest level whose requirements, and those of every level below it, are all met."""
    by_id = {r.check_id: r for r in results}
    level, label = ladder[0][0], ladder[0][1]
    verdict = Verdict(level, label)
    climbing = True
    for number, name, reqs in ladder[1:]:
        outcomes = evaluate(reqs, by_id)
        verdict.evidence_for += [o.reason for o in outcomes if o.met]
        if climbing and all(o.met for o in outcomes):
            level, label = number, name
        else:
            if climbing:
                verdict.evidence_against += [o.reason for o in outcomes if not o.met]
            climbing = False
    verdict.value, verdict.label = level, label
    return verdict


def google_level(results: list[CheckResult]) -> Verdict:
    return infer_level(GOOGLE, results)


def microsoft_level(results: list[CheckResult]) -> Verdict:
    return infer_level(MICROSOFT, results)
