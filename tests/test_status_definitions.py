"""Every status has one definition (docs/RULES.md "Statuses"), and every rule obeys it.

For each current catalog requirement, facts are built for every combination of the inputs the
statuses depend on (the profile's status, where the deadline stands, whether the statement is
dated after it, whether a plan's date lies after it, whether the duty applies, plan coverage,
designation, the value, the age), consistently (a statement cannot be dated after a deadline
that has not come). Each rule's own Python predicate (the same condition table durable_rules
runs) is asked on each fact; whenever it holds, the status the rule gives must satisfy the
definition of that status. Profile rules get the same over the profile fact's fields.
"""
from __future__ import annotations

import itertools

import pytest

from gapcheck.engine.match import conditions
from gapcheck.engine.match.evaluate import _status_for
from gapcheck.engine.match.facts import Fact
from gapcheck.engine.vocab import ITEM_STATUSES

OPEN = ("planned", "in_progress", "not_started")
DERIVED: set[str] = set()      # the catalogs' derived facts (filled by the facts fixture)


# ------------------------------------------------------------------ the definitions (docs/RULES.md)

def overdue(d):
    """The deadline has passed and the evidence shows it was missed."""
    return bool(d["due_passed"]) and (
        d["status"] in ("not_started", "not_applicable") or d["planned_after_deadline"] is True
        or (d["recorded_after_deadline"] is True and d["status"] != "done"))


def unverified(d):
    """The deadline passed since the evidence, which had the work under way or planned in time,
    and nothing later says; or a designated system has no planned completion date."""
    return (bool(d["due_passed"]) and d["status"] in ("planned", "in_progress")
            and d["recorded_after_deadline"] is False and d["planned_after_deadline"] is not True) or \
        (d["extended"] is True and d["designated_date_set"] is False and d["status"] in OPEN) or \
        (not d["has_deadline"] and d["status"] in ("planned", "in_progress") and d["planned_passed_since"] is True)


def due_soon(d):
    """Not done, and the deadline is within the due-soon window."""
    return d["status"] != "done" and d["deadline_status"] == "due_soon"


def gap(d):
    """Not done (or not as the catalog expects, or not in the plan where plan coverage is the
    requirement, or a measure the catalog derives misses its target), and the deadline has not
    passed."""
    return not d["due_passed"] and (d["status"] != "done" or d["value_ok"] is False or d["in_plan"] is False
                                    or _derived_known(d))


def _derived_known(d):
    return any(v is not None for k, v in d.items() if k.startswith("area_") and k[5:] in DERIVED)


def unassessed(d):
    """The profile does not say enough to decide."""
    return (d["status"] == "unknown" or d["applies"] is None or d["value_set"] is False
            or d["in_plan"] is None)


def not_applicable(d):
    """The municipality's attributes show that the duty does not apply."""
    return d["applies"] is False


def ok(d):
    """Met on known evidence: a stated status, a value that meets the expectation, known plan
    coverage, or what the nation provides (tests/test_unknown_is_not_ok.py proves that each
    value an ok rule reads is needed)."""
    return (d["stated"] or d["value_ok"] is True or d["in_plan"] is not None or d["provided_nationally"] is True
            or _derived_known(d))


DEFINITIONS = {"overdue": overdue, "unverified": unverified, "due_soon": due_soon, "gap": gap,
               "unassessed": unassessed, "not_applicable": not_applicable, "ok": ok}


def test_every_finding_status_has_a_definition_and_the_docs_state_it():
    from gapcheck.engine.vocab import FINDING_STATUSES
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert set(DEFINITIONS) == set(FINDING_STATUSES) - {"waived"}
    for status in FINDING_STATUSES:
        assert f"| `{status}` (" in doc, status


# ------------------------------------------------------------------ consistent facts

def _deadline_cases(item, static):
    """(deadline_status, due_passed, may the statement be after the due date)."""
    if static["has_deadline"]:
        return [("overdue", True, True), ("due_soon", False, False), ("ahead", False, False)]
    legal_start = item.effective_from is not None and item.obligation in ("legal", "effort")
    if legal_start:
        return [("none", True, True), ("none", False, False)]
    return [("none", False, False)]


def facts_for(plan):
    """Facts for one requirement over every combination of the inputs the statuses depend on."""
    item, static = plan.item, plan.static
    conditional = bool(item.applies_if)
    has_ext = item.extended_deadline is not None
    for (ds, due, may_after), status, planned, recorded, applies, in_plan, designated, value in itertools.product(
            _deadline_cases(item, static), ITEM_STATUSES, (None, "in_time", "late"), (False, True),
            (True, False, None) if conditional else (True,), (None, True, False),
            ((None, False, None), (True, True, False), (True, True, True), (True, False, None))
            if has_ext else ((None, False, None),),
            (None, "ok", "bad") if item.expect is not None else (None,)):
        if recorded and not may_after:
            continue
        has_due_line = static["has_deadline"] or ds == "none" and (due or may_after or
                                                                   (item.effective_from is not None and
                                                                    item.obligation in ("legal", "effort")))
        d = dict(static)
        d.update(deadline_status=ds, due_passed=due, status=status, stated=status != "unknown",
                 planned_set=planned is not None,
                 planned_after_deadline=None if planned is None or not static["has_deadline"] else planned == "late",
                 planned_past=None if planned is None else due,
                 planned_passed_since=None if planned is None else (due and not recorded),
                 recorded_after_deadline=recorded if has_due_line else None,
                 applies=applies, conditional=conditional, in_plan=in_plan,
                 plan_scope_set=in_plan is not None,
                 designated=designated[0], extended=bool(designated[0] and has_ext),
                 designated_date_set=designated[1] if designated[0] else False,
                 designated_beyond_limit=designated[2],
                 value_set=value is not None, value_ok=None if value is None else value == "ok",
                 data_age_days=400, stale=True, fid=0)
        for k in plan_area_facts(plan):
            d.setdefault(k, None)
        yield d


def plan_area_facts(plan):
    return ()


@pytest.fixture(scope="module")
def requirement_facts(engine):
    import datetime as dt

    from gapcheck.engine.match.facts import day_plans

    out = []
    # 2026-12-01, and 2025-06-01 for the requirements current then only: since open data became a
    # duty in law (2026-12), dx_plan.not_current_item holds only for focus items withdrawn since
    for day in (dt.date(2026, 12, 1), dt.date(2025, 6, 1)):
        for area, plans, _attr_keys, fact_keys in day_plans(engine.catalogs, day, 180):
            for p in plans:
                derived = list(p.derived or {})
                DERIVED.update(derived)
                for d in facts_for(p):
                    for k in fact_keys:
                        d.setdefault("area_" + k, None)
                    # a derived measure (a percentage): unknown, within and beyond a 70 % target
                    for values in itertools.product((None, 50, 90), repeat=len(derived)):
                        out.append({**d, **{"area_" + k: v for k, v in zip(derived, values)}})
    return out


def _violations(engine, rules, facts):
    bad = []
    for r in rules:
        holds = conditions.predicate(r.when)
        cr = engine.ruleset.rules[r.id]
        for d in facts:
            if r.fact == "requirement" and r.catalog not in ("*", d["area"]):
                continue
            if not holds(d):
                continue
            status = _status_for(cr, Fact(d))
            if not DEFINITIONS[status](d):
                bad.append((r.id, status, {k: d[k] for k in ("req_id", "status", "deadline_status", "due_passed",
                                                             "recorded_after_deadline", "planned_after_deadline",
                                                             "applies", "in_plan", "value_ok")}))
                break
    return bad


def test_every_requirement_rule_obeys_the_definition_of_its_status(engine, requirement_facts):
    rules = [r for r in engine.rules.rules if r.fact == "requirement"]
    assert len(requirement_facts) > 10_000           # the combinations were built
    fired = {r.id for r in rules if any(conditions.predicate(r.when)(d) for d in requirement_facts
                                        if r.catalog in ("*", d["area"]))}
    assert fired == {r.id for r in rules}            # every rule holds on some fact: nothing untested
    assert _violations(engine, rules, requirement_facts) == []


def test_a_rule_that_broke_its_definition_would_be_caught(engine, requirement_facts):
    """The check itself can fail: a rule calling a passed deadline with a plan in time overdue."""
    from gapcheck.engine.load.models import Rule

    base = engine.rules.by_id("base_systems.unverified")
    wrong = Rule.model_validate({**base.model_dump(), "id": "base_systems.wrong", "status": "overdue"})
    engine.ruleset.rules["base_systems.wrong"] = engine.ruleset._compile_rule(wrong)
    try:
        assert _violations(engine, [wrong], requirement_facts)
    finally:
        del engine.ruleset.rules["base_systems.wrong"]


PROFILE_DEFINITIONS = {
    "gap": lambda d: d["plan_ended"] is True or d["stale"] is True,
    "ok": lambda d: (d["plan_set"] and (d["plan_ended"] is False or d["successor_adopted"] is True))
    or d["stale"] is False,
    "unassessed": lambda d: d["plan_set"] is False or d["plan_ended"] is None,
}


def test_every_profile_rule_obeys_the_definition_of_its_status(engine):
    facts = []
    for plan_set, end, succ, adopted, stale in itertools.product(
            (True, False), (None, True, False), (True, False), (None, True, False), (True, False)):
        if not plan_set and (end is not None or succ):
            continue
        if not succ and adopted is not None:
            continue
        facts.append({"kind": "profile", "plan_set": plan_set, "plan_end_set": end is not None,
                      "plan_ended": end, "plan_end_days": None if end is None else (-1 if end else 1),
                      "successor_set": succ, "successor_adopted": adopted, "stale": stale,
                      "data_age_days": 400 if stale else 10})
    for r in engine.rules.rules:
        if r.fact != "profile":
            continue
        holds = conditions.predicate(r.when)
        hits = [d for d in facts if holds(d)]
        assert hits, r.id
        assert all(PROFILE_DEFINITIONS[r.status](d) for d in hits), r.id
