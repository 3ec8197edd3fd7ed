"""Running the fire / no-fire examples every rule carries (`gapcheck verify`, and the tests).

An example is a small profile (only the parts that matter) and an evaluation date:

    - expect: fire                 # fire | no_fire
      note: why
      as_of: 2026-04-01            # evaluation date
      profile_as_of: 2025-04-01    # optional: the profile's own as_of (default: as_of)
      items: {BS-JUKI: {status: in_progress}}    # requirement statements, placed in their area
      plan_scope: {base_systems: [BS-JUKI]}      # optional
      facts: {elqr_levies: {nhi_levied_as: tax}} # optional area facts
      plan: {title: ..., period_end: 令和7年度末}  # optional
      municipality: {welfare_office: false}     # optional municipality attributes
      defaults: {base_systems: {status: planned}} # optional area defaults
      basis: plan                  # optional: the profile's basis
      status: unverified           # optional: the finding status the requirement must get
      requirement: BS-JUKI         # which requirement to look at (default: the only item given,
                                   # or the rule's own requirement for profile rules)

It is evaluated against the real catalogs with the whole rule set compiled, exactly as a real
profile is; the example passes when the rule fires (or does not) for that requirement.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..load import yamlio
from ..api import Engine, resolve_as_of
from ..errors import GapcheckError
from ..match.evaluate import evaluate
from ..load.models import Profile
from ..load.profile import LoadedProfile, check_against_catalogs
from ..load.rules import rule_line
from ..load.validation import InvalidInput, validate

EXAMPLE_KEYS = {"expect", "note", "as_of", "profile_as_of", "items", "plan_scope", "facts", "plan",
                "requirement", "municipality", "defaults", "basis", "status"}


@dataclass
class ExampleResult:
    rule: str
    index: int
    expect: str
    passed: bool
    detail: str
    file: str
    line: int | None
    detail_ja: str = ""


def example_profile(ex: dict[str, Any], engine: Engine) -> dict[str, Any]:
    cs = engine.catalogs
    as_of = str(ex.get("profile_as_of", ex.get("as_of")))
    doc: dict[str, Any] = {
        "id": "example",
        "municipality": {"name": "例示町", "name_en": "Example", "code": "173657", "prefecture": "石川県"},
        "as_of": as_of,
        "areas": {},
    }
    if "plan" in ex:
        doc["plan"] = copy.deepcopy(ex["plan"])
    if ex.get("municipality"):
        doc["municipality"].update(copy.deepcopy(ex["municipality"]))
        doc["profile_version"] = 2
    if ex.get("basis"):
        doc["basis"] = ex["basis"]
    for area, dflt in (ex.get("defaults") or {}).items():
        doc["areas"].setdefault(area, {})["defaults"] = dict(dflt)
    for rid, st in (ex.get("items") or {}).items():
        area = cs.area_of(rid) if rid in cs.items else "unknown"
        doc["areas"].setdefault(area, {}).setdefault("items", {})[rid] = copy.deepcopy(st)
    for area, scope in (ex.get("plan_scope") or {}).items():
        doc["areas"].setdefault(area, {})["plan_scope"] = list(scope)
    for area, facts in (ex.get("facts") or {}).items():
        doc["areas"].setdefault(area, {})["facts"] = dict(facts)
    return doc


def run_examples(engine: Engine, only: str | None = None) -> list[ExampleResult]:
    out: list[ExampleResult] = []
    for rule in engine.rules.rules:
        if only and rule.id != only and not rule.id.startswith(only + "."):
            continue
        file, line = rule_line(engine.rules, rule)
        for i, ex in enumerate(rule.examples):
            expect = ex.get("expect")
            try:
                unknown = set(ex) - EXAMPLE_KEYS
                if unknown:
                    raise GapcheckError(f"unknown example keys: {sorted(unknown)}",
                                        f"例に使えない項目があります: {sorted(unknown)}")
                if expect not in ("fire", "no_fire"):
                    raise GapcheckError("expect must be fire or no_fire", "expect は fire か no_fire です")
                if "as_of" not in ex:
                    raise GapcheckError("an example needs as_of (the evaluation date)",
                                        "例には as_of（評価基準日）が必要です")
                req = ex.get("requirement") or rule.requirement
                if req is None:
                    items = list((ex.get("items") or {}))
                    if len(items) != 1:
                        raise GapcheckError("name the requirement to check (requirement:)",
                                            "確認する要件を requirement: で指定してください")
                    req = items[0]
                data = example_profile(ex, engine)
                doc = yamlio.Document(file=f"{file} (example {i + 1} of {rule.id})", data=data)
                prof = validate(Profile, doc)
                probs = check_against_catalogs(prof, doc, engine.catalogs)
                if probs:
                    raise InvalidInput(probs)
                lp = LoadedProfile(prof, doc, doc.file)
                res = evaluate(engine.ruleset, lp, resolve_as_of(ex["as_of"]),
                               include_passed=True)
                # a rule "fires" when it matched the requirement, whether it decided the finding
                # or is listed among the others that matched (also_matched)
                mine = [f for f in res.findings if f.requirement == req]
                matched = {f.rule for f in mine} | {a["rule"] for f in mine for a in f.also_matched}
                fired = rule.id in matched
                others = sorted(matched)
                passed = fired == (expect == "fire")
                got = mine[0].status if mine else None
                if passed and ex.get("status") and ex["status"] != got:
                    passed = False
                detail = (f"{'fired' if fired else 'did not fire'} for {req}"
                          + (f" (finding status {got})" if got else "")
                          + (f"; rules that matched it: {', '.join(others)}" if others else ""))
                detail_ja = (f"{req} に{'該当しました' if fired else '該当しませんでした'}"
                             + (f"（指摘の状態 {got}）" if got else "")
                             + (f"。この要件に該当したルール: {', '.join(others)}" if others else ""))
            except GapcheckError as e:
                passed, detail = False, "invalid example: " + e.render("en")
                detail_ja = "例の誤り: " + e.render("ja")
            out.append(ExampleResult(rule.id, i + 1, str(expect), passed, detail, file, line, detail_ja))
    return out
