"""Unknown is not compliant, proven: for every rule whose status is ok and every profile path it
reads, take a profile where the rule decides ok (its own fire examples, and the five example
profiles on two dates), remove that path, and check the requirement is then not ok.

The paths are the finding's evidence: the profile values behind the fields the rule tests
(what an auditor is shown). Removing a value that an area default or the profile gives again
(the status under `defaults:`) removes it there as well, so the value is really unknown.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from gapcheck.engine.api import resolve_as_of
from gapcheck.engine.commands.verify import example_profile
from gapcheck.engine.errors import GapcheckError
from gapcheck.engine.load import yamlio
from gapcheck.engine.load.models import Profile
from gapcheck.engine.load.profile import LoadedProfile, check_document
from gapcheck.engine.match.evaluate import evaluate
from tests.conftest import PROFILES

DATES = ("2026-12-01", "2027-04-01")


def _evaluate(engine, data, day):
    """The result for a profile document, or None when the document is no longer a valid profile
    (nothing can pass then)."""
    # through YAML text, as a profile file is read: the evidence knows each value's line
    doc = yamlio.parse(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "<mutated>")
    prof, problems = check_document(doc, engine.catalogs)
    if prof is None or problems:
        return None
    try:
        return evaluate(engine.ruleset, LoadedProfile(prof, doc, doc.file), day, include_passed=True)
    except GapcheckError:
        return None


def _split(dotted: str) -> list:
    out = []
    for part in dotted.split("."):
        out.append(int(part) if part.isdigit() else part)
    return out


def _remove(data: dict, path: list) -> bool:
    """Remove `path` from the document; False when it is not there."""
    cur = data
    for p in path[:-1]:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        else:
            return False
    last = path[-1]
    if isinstance(cur, dict) and last in cur:
        del cur[last]
        return True
    return False


def _knockouts(data: dict, finding) -> list[tuple[str, dict]]:
    """For each profile path of the finding's evidence: the document without it (and without the
    same key where an area default or the profile would give it again)."""
    out = []
    for e in finding.evidence:
        if not e["present"] or e["path"].startswith("catalog:"):
            continue
        d = copy.deepcopy(data)
        path = _split(e["path"])
        if not _remove(d, path):
            continue
        key = path[-1]
        if len(path) >= 4 and path[0] == "areas" and path[2] == "items":
            # the item's own value removed: its area default would fill it in
            _remove(d, ["areas", path[1], "defaults", key if key != path[3] else "status"])
            if key == "in_plan":
                _remove(d, ["areas", path[1], "plan_scope"])
        out.append((e["path"], d))
    return out


def _cases(engine):
    """(label, document, day, requirement, rule) where an ok rule decides."""
    cases = []
    for rule in engine.rules.rules:
        if rule.status != "ok":
            continue
        for i, ex in enumerate(rule.examples):
            if ex.get("expect") != "fire":
                continue
            data = example_profile(ex, engine)
            req = ex.get("requirement") or rule.requirement or next(iter(ex.get("items") or {}), None)
            cases.append((f"{rule.id} example {i + 1}", data, resolve_as_of(ex["as_of"]), req, rule.id))
    for p in sorted(Path(PROFILES).glob("*.yaml")):
        if p.name == "TEMPLATE.yaml":
            continue
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        for day in DATES:
            cases.append((f"{p.name} {day}", data, resolve_as_of(day), None, None))
    return cases


def test_removing_any_value_an_ok_rule_reads_means_not_ok(engine):
    checked = 0
    failures = []
    rules_seen = set()
    for label, data, day, req, rule_id in _cases(engine):
        res = _evaluate(engine, data, day)
        assert res is not None, label
        oks = [f for f in res.findings if f.status == "ok" and (req is None or f.requirement == req)
               and (rule_id is None or f.rule == rule_id)]
        if rule_id is not None:
            assert oks, f"{label}: the example does not decide ok"
        for f in oks:
            rules_seen.add(f.rule)
            for path, mutated in _knockouts(data, f):
                again = _evaluate(engine, mutated, day)
                checked += 1
                if again is None:
                    continue                   # no longer a valid profile: nothing passes
                now = next((g for g in again.findings if g.requirement == f.requirement), None)
                if now is not None and now.status == "ok":
                    failures.append((label, f.requirement, f.rule, path, now.rule))
    assert failures == []
    assert checked > 100
    ok_rules = {r.id for r in engine.rules.rules if r.status == "ok"}
    # every ok rule was exercised, except what rests on no profile value at all
    assert ok_rules - rules_seen == set()


def test_the_check_would_catch_a_rule_that_passes_on_unknown(engine):
    """The property can fail: a rule that passes a system whose status is unknown."""
    import dataclasses

    from gapcheck.engine.load.models import Rule
    from gapcheck.engine.match.ruleset import RuleSet

    base = engine.rules.by_id("base_systems.migrated")
    lax = Rule.model_validate({**base.model_dump(), "id": "base_systems.lax", "stage": "applicability",
                               "when": [{"status": {"in": ["done", "unknown"]}}]})
    book = dataclasses.replace(engine.rules, rules=engine.rules.rules + [lax])
    rs = RuleSet(engine.catalogs, book)
    data = example_profile({"as_of": "2026-04-01", "items": {"BS-JUKI": {"status": "done"}}}, engine)
    doc = yamlio.parse(yaml.safe_dump(data, allow_unicode=True), "<x>")
    res = evaluate(rs, LoadedProfile(Profile.model_validate(data), doc, doc.file), resolve_as_of("2026-04-01"),
                   include_passed=True)
    f = next(g for g in res.findings if g.requirement == "BS-JUKI")
    [(path, mutated)] = [k for k in _knockouts(data, f) if k[0].endswith("status")]
    doc2 = yamlio.parse(yaml.safe_dump(mutated, allow_unicode=True), "<y>")
    again = evaluate(rs, LoadedProfile(Profile.model_validate(mutated), doc2, doc2.file),
                     resolve_as_of("2026-04-01"), include_passed=True)
    assert next(g for g in again.findings if g.requirement == "BS-JUKI").status == "ok"   # caught
