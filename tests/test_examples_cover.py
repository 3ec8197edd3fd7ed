"""The rule examples (`gapcheck verify`) cover what matters: the new statuses unverified and
not_applicable, and for every rule that can pass a requirement (status ok) an example where an
input it needs is unknown and the requirement is unassessed instead."""
from __future__ import annotations

from gapcheck.engine.api import resolve_as_of
from gapcheck.engine.commands.verify import example_profile, run_examples
from gapcheck.engine.load import yamlio
from gapcheck.engine.load.models import Profile
from gapcheck.engine.load.profile import LoadedProfile
from gapcheck.engine.match.evaluate import evaluate

# ok rules that read no profile value a profile could leave unknown: the nation's provision (the
# catalog), and the data's age (as_of, which every profile must give)
NOTHING_TO_LEAVE_OUT = {"common.provided_nationally", "dx_plan.data_current"}


def _status_of(engine, rule, ex):
    data = example_profile(ex, engine)
    doc = yamlio.Document(file="<example>", data=data)
    res = evaluate(engine.ruleset, LoadedProfile(Profile.model_validate(data), doc, doc.file),
                   resolve_as_of(ex["as_of"]), include_passed=True)
    req = ex.get("requirement") or rule.requirement or next(iter(ex.get("items") or {}))
    return next((f.status for f in res.findings if f.requirement == req), None)


def test_every_example_passes(engine):
    failed = [(r.rule, r.index, r.detail) for r in run_examples(engine) if not r.passed]
    assert failed == []


def test_examples_reach_unverified_and_not_applicable(engine):
    statuses = {_status_of(engine, r, ex) for r in engine.rules.rules for ex in r.examples}
    assert {"unverified", "not_applicable", "unassessed", "overdue", "ok"} <= statuses


def test_every_rule_that_can_pass_has_an_unknown_example(engine):
    missing = []
    for r in engine.rules.rules:
        if r.status != "ok" or r.id in NOTHING_TO_LEAVE_OUT:
            continue
        if not any(ex.get("expect") == "no_fire" and _status_of(engine, r, ex) == "unassessed"
                   for ex in r.examples):
            missing.append(r.id)
    assert missing == []
