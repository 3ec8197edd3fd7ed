"""Evaluation: one profile's facts matched against a compiled RuleSet, and what fired turned
into findings.

    result = evaluate(ruleset, loaded_profile, day)

What makes a finding, in order: the facts (engine.match.facts), the matches (the RuleSet's
matcher), one decision per requirement (of the rules that matched it, the one of the earliest
stage, then the worst status, then the gravest severity, then the rule ID decides; the others
are listed as `also_matched`), the safety net (a requirement no rule spoke about is unassessed,
never passed), and the findings in a documented order (status, severity, area, requirement).
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import string
from typing import Any

from ..errors import EngineError, GapcheckError
from ..load import jdate
from ..load.models import FINDING_STATUSES, SEVERITIES
from ..load.profile import LoadedProfile
from .facts import DUE_SOON_DAYS, Fact, build_facts, day_plans, weakest
from .result import Finding, Result
from .ruleset import UNMATCHED_RULE, CompiledRule, RuleSet

STATUS_ORDER = {s: i for i, s in enumerate(FINDING_STATUSES)}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
STAGE_ORDER = {"applicability": 0, "status": 1}
from ..labels import LABELS as _LABELS  # noqa: E402
BASIS_NAMES = {lang: _LABELS[lang]["basis_names"] for lang in _LABELS}
from ..labels import item_status_label  # noqa: E402
from ..vocab import (LANGS, MAX_AGE_DAYS, SEVERITY_BY_OBLIGATION, UNASSESSED_PAST_DUE)  # noqa: E402

__all__ = ["evaluate", "finding_id", "render_message", "UNMATCHED_RULE", "Finding", "Result"]


def finding_id(profile_id: str, req_id: str) -> str:
    """Stable fingerprint of (profile, requirement): the same on every run, whatever the status
    or the rule that decided it (schema 2.0)."""
    return "GC-" + hashlib.sha256(f"{profile_id}\0{req_id}".encode()).hexdigest()[:12]


def legacy_id(profile_id: str, rule_id: str, req_id: str) -> str:
    """The finding ID of schema 1.x (profile, rule, requirement): waivers and diffs written
    against a 1.x run still find their requirement by it."""
    return "GC-" + hashlib.sha256(f"{profile_id}\0{rule_id}\0{req_id}".encode()).hexdigest()[:12]


# ---------------------------------------------------------------------------- messages

class _Fmt(dict):
    def __missing__(self, key):  # placeholders are checked at load; this is belt and braces
        return "{" + key + "}"


def _label(v: Any, lang: str) -> str:
    if v is None:
        return "-" if lang == "en" else "なし"
    if isinstance(v, bool):
        return ("yes" if v else "no") if lang == "en" else ("はい" if v else "いいえ")
    if isinstance(v, _dt.date):
        return jdate.date_label(v, lang)
    if isinstance(v, jdate.Span):
        if lang == "ja" or v.text == v.start.isoformat():
            return v.text
        return f"{v.text} ({v.start.isoformat()}..{v.end.isoformat()})" if not v.is_day else v.start.isoformat()
    if hasattr(v, "one_of") and hasattr(v, "min_date"):   # Expectation
        if v.one_of:
            return " / ".join(v.one_of)
        if v.min_date:
            return _label(v.min_date, lang) + (" or later" if lang == "en" else " 以降")
        return v.describe.get(lang) if v.describe else ""
    return str(v)


@functools.lru_cache(maxsize=4096)
def _placeholders(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)


_ABSENT = object()
MESSAGE_MEMO = 50_000      # distinct rendered texts kept per RuleSet


def render_message(template: str, fact: Fact, lang: str, extra: dict[str, Any],
                   memo: dict | None = None) -> str:
    """Fill a rule's message template; only the placeholders it uses are formatted.

    The text depends only on the template, the language and the placeholders' values, which
    repeat across a batch (the same deadline, status and plan year for many municipalities):
    with a `memo` (the RuleSet's) it is formatted once per distinct combination."""
    names = _placeholders(template)
    if not names:
        return template
    raw = []
    for name in names:
        for source in (extra, fact.context, fact.data):
            if name in source:
                raw.append(source[name])
                break
        else:
            raw.append(_ABSENT)
    if memo is None:
        return _format(template, names, raw, lang)
    # typed: True == 1 as keys, but they are written differently
    key = (template, lang, *[(v.__class__, v) for v in raw])
    try:
        hit = memo.get(key)
    except TypeError:           # a value that cannot be a key (a list): format it directly
        return _format(template, names, raw, lang)
    if hit is None:
        if len(memo) > MESSAGE_MEMO:
            memo.clear()
        hit = memo[key] = _format(template, names, raw, lang)
    return hit


def _format(template: str, names: tuple[str, ...], raw: list, lang: str) -> str:
    vals = {name: _label(v, lang) for name, v in zip(names, raw) if v is not _ABSENT}
    return template.format_map(_Fmt(vals))


# ---------------------------------------------------------------------------- findings

def _status_for(cr: CompiledRule, fact: Fact) -> str:
    """The rule's status; by_deadline: overdue once the duty is due (due_passed: its deadline
    passed, or a duty without one is in force), due_soon within the window, else gap."""
    status = cr.rule.status
    if status != "by_deadline":
        return status
    d = fact.data
    if d.get("due_passed") or d.get("deadline_status") == "overdue":
        return "overdue"
    return "due_soon" if d.get("deadline_status") == "due_soon" else "gap"


def severity_for(cr: CompiledRule, status: str, obligation: str, fact: Fact, req_fact: Fact | None) -> str:
    """The rule's severity, or by_obligation: engine.vocab.SEVERITY_BY_OBLIGATION (unassessed past
    its deadline: UNASSESSED_PAST_DUE)."""
    sev = cr.rule.severity
    if sev != "by_obligation":
        return sev
    if status == "unassessed":
        d = (req_fact or fact).data
        if d.get("due_passed"):
            return UNASSESSED_PAST_DUE[obligation]
    return SEVERITY_BY_OBLIGATION[status][obligation]


def _action_fy(deadline: _dt.date | None, days: int | None, as_of: _dt.date) -> int | None:
    """The fiscal year in which action is due: the current one for overdue items."""
    if deadline is None:
        return None
    if days is not None and days < 0:
        return jdate.fiscal_year(as_of)
    return jdate.fiscal_year(deadline)


def _fields_of(cr: CompiledRule, fact: Fact) -> tuple[str, ...]:
    """The fields whose evidence a finding cites: the ones its rule tests (what it reads)."""
    return cr.fields




def _applicability_text(app: dict[str, Any] | None, lang: str, with_key: bool = True) -> str | None:
    """Why the duty does (not) apply, in words: the attributes that decide it (with their
    profile keys, for the finding's applicability; without, for messages)."""
    if app is None:
        return None
    from ..labels import attribute_phrase

    sep = "、" if lang == "ja" else "; "
    if app["applies"] is False:
        attrs, use = app["failing"], True
    elif app["applies"] is None:
        attrs, use, sep = app["missing"], False, ("、" if lang == "ja" else ", ")
    else:
        attrs, use = list(app["requires"]), True
    return sep.join(attribute_phrase(a, app["values"][a] if use else None, lang, with_key) for a in attrs)


def _make(rs: RuleSet, cr: CompiledRule, fact: Fact, req_id: str, status: str, lp: LoadedProfile,
          as_of: _dt.date, langs: tuple[str, ...], max_age: int, req_fact: Fact | None,
          others: list[tuple[CompiledRule, str]]) -> Finding:
    rule = cr.rule
    req = rs.requirements[req_id]
    item = req.item
    rf = req_fact if req_fact is not None else (fact if fact.data["kind"] == "requirement" else None)
    deadline = rf.context["deadline"] if rf is not None else item.deadline
    days = (deadline - as_of).days if deadline else None
    extended = bool(rf is not None and rf.data.get("extended"))
    refs = list(req.citations)
    if extended:
        refs += req.extended_citations
    if rule.stage == "applicability" and item.provided_nationally is not None and "provided_nationally" in cr.fields:
        from ..load.catalog import cite

        refs += list(cite(rs.catalogs.catalogs[req.area], item.provided_nationally.citation))
    refs += cr.refs
    app = rf.applicability if rf is not None else None
    extra = {
        "requirement_id": req_id, "rule_id": rule.id,
        "municipality": lp.profile.municipality.name,
        "days_left": days if days is not None else None,
        "days_overdue": -days if days is not None and days < 0 else 0,
        "as_of": as_of, "fiscal_year": None, "deadline": deadline,
    }
    fy = _action_fy(deadline, days, as_of)
    memo = rs.messages
    msg, title, rem, reason = {}, {}, None, {}
    for lang in langs:
        extra["requirement_name"] = req.name[lang]
        extra["fiscal_year"] = jdate.fy_label(fy, lang) if fy else None
        reason[lang] = _applicability_text(app, lang) or ""
        extra["applicability_reason"] = _applicability_text(app, lang, with_key=False) or ""
        extra["applicability_keys"] = ", ".join(f"municipality.{a}" for a in (app or {}).get("missing", []))
        if rf is not None:
            extra["basis"] = BASIS_NAMES[lang].get(rf.said.basis, rf.said.basis)
            extra["status"] = item_status_label(rf.said.status, lang)
        msg[lang] = render_message(rule.message.get(lang), fact, lang, extra, memo)
        title[lang] = render_message(rule.title.get(lang), fact, lang, extra, memo)
        if rule.remediation:
            rem = rem or {}
            rem[lang] = render_message(rule.remediation.get(lang), fact, lang, extra, memo)
    st = rf.said if rf is not None else None
    obligation = item.obligation
    evidence = fact.evidence(_fields_of(cr, fact), lp.document.data, lp.document.positions)
    basis, oldest = weakest(evidence)
    age = (as_of - oldest).days if oldest else None
    pid = lp.profile.id
    return Finding(
        id=finding_id(pid, req_id), rule=rule.id, area=req.area,
        requirement=req_id, requirement_name=dict(req.name),
        status=status, severity=severity_for(cr, status, obligation, fact, rf), obligation=obligation,
        deadline=deadline, days_to_deadline=days, fiscal_year=fy,
        deadline_class=jdate.deadline_class(deadline, as_of), title=title, message=msg,
        remediation=rem, evidence=evidence, references=refs,
        department=(st.department if st and st.department else item.department),
        action=cr.action or item.action,
        cost_estimate=st.cost_estimate if st else None,
        basis=basis, evidence_date=oldest, data_age_days=age, stale=bool(age is not None and age > max_age),
        in_plan=rf.data.get("in_plan") if rf is not None else None,
        planned=(st.planned.text if st and st.planned is not None else None),
        planned_after_deadline=rf.data.get("planned_after_deadline") if rf is not None else None,
        applicability=None if app is None else {
            "applies": app["applies"], "requires": app["requires"], "missing": app["missing"],
            "reason": {lang: reason[lang] for lang in langs}},
        also_matched=[{"rule": o.rule.id, "status": s} for o, s in others],
        legacy_ids=sorted({legacy_id(pid, x.rule.id, req_id) for x, _ in [(cr, status)] + others}))


def _check_unmatched(rs: RuleSet, claimed: list[Fact], facts: list[Fact], label: str) -> None:
    """Raise EngineError if a rule's conditions hold on a requirement the matcher reported
    nothing on: the matcher lost an activation (its observers saw every fact, yet a rule that
    holds did not fire). Asked only of the requirements the safety net claims, with the rules'
    Python predicates (RuleSet.predicates: the same condition table), so it costs little."""
    if not claimed:
        return
    profile = next((f.data for f in facts if f.data["kind"] == "profile"), None)
    lost = []
    for f in claimed:
        d = f.data
        lost += [(rule_id, d["req_id"]) for rule_id, holds in rs.predicates_for(d["area"]) if holds(d)]
        if profile is not None:
            lost += [(rule_id, d["req_id"]) for rule_id, holds in rs.profile_predicates.get(d["req_id"], ())
                     if holds(profile)]
    if lost:
        shown = ", ".join(f"{rule} on {req}" for rule, req in lost[:5])
        more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
        raise EngineError(f"the rule engine did not report {len(lost)} match(es) of rules whose "
                          f"conditions hold, evaluating {label}: {shown}{more}; no result is given "
                          "rather than an incomplete one")


def _decision_key(cr: CompiledRule, status: str) -> tuple:
    sev = cr.rule.severity
    return (STAGE_ORDER[cr.rule.stage], STATUS_ORDER[status],
            SEVERITY_ORDER[sev] if sev in SEVERITY_ORDER else len(SEVERITY_ORDER), cr.rule.id)


def evaluate(rs: RuleSet, lp: LoadedProfile, as_of: _dt.date, window: int = DUE_SOON_DAYS,
             include_passed: bool = False, langs: tuple[str, ...] = LANGS,
             max_age: int = MAX_AGE_DAYS) -> Result:
    """Evaluate one profile on one day: one finding per current requirement (ok and
    not_applicable ones only with `include_passed`). `langs` are the languages messages are
    rendered in (a batch in one language renders one); `max_age` the freshness window in days."""
    if as_of < lp.profile.as_of:
        # the profile describes a later state than the evaluation date: its "done" would be
        # facts from the future, so nothing could be judged
        raise GapcheckError(
            f"the evaluation date {as_of.isoformat()} is before the profile's as_of "
            f"{lp.profile.as_of.isoformat()}", f"評価基準日 {as_of.isoformat()} がプロファイルのデータ時点 "
            f"{lp.profile.as_of.isoformat()} より前です", file=lp.path, line=lp.document.line_of(("as_of",)),
            hint_en="use an --as-of on or after the profile's as_of",
            hint_ja="--as-of にはデータ時点以降の日付を指定してください")
    plans = rs.day_plans(as_of, window, lambda: day_plans(rs.catalogs, as_of, window))
    facts = build_facts(lp.profile, plans, as_of, window, max_age)
    fired = rs.matcher.match(facts, lp.path)
    rules = rs.rules
    by_fid = {f.data["fid"]: f for f in facts}
    req_facts = {f.data["req_id"]: f for f in facts if f.data["kind"] == "requirement"}
    # every match, grouped by the requirement it reports on (a profile rule names its own)
    groups: dict[str, list[tuple[CompiledRule, Fact, str]]] = {}
    for rule_id, fid in sorted(set(fired)):
        cr = rules[rule_id]
        fact = by_fid[fid]
        req_id = cr.rule.requirement if fact.data["kind"] == "profile" else fact.data["req_id"]
        if req_id not in req_facts and fact.data["kind"] == "profile":
            continue        # a profile rule's requirement that is not current on this date
        groups.setdefault(req_id, []).append((cr, fact, _status_for(cr, fact)))
    findings: list[Finding] = []
    for req_id, matches in groups.items():
        matches.sort(key=lambda m: _decision_key(m[0], m[2]))
        cr, fact, status = matches[0]
        if status in ("ok", "not_applicable") and not include_passed:
            continue
        findings.append(_make(rs, cr, fact, req_id, status, lp, as_of, langs, max_age, req_facts.get(req_id),
                              [(c, s) for c, _, s in matches[1:]]))
    # the safety net: a requirement no rule spoke about is unassessed, never passed; but only
    # where no rule could have spoken (a lost activation must not read as "unassessed")
    claimed = [f for f in req_facts.values() if f.data["req_id"] not in groups]
    _check_unmatched(rs, claimed, facts, lp.path)
    for f in claimed:
        d = f.data
        net = rs.unmatched[d["area"]]
        findings.append(_make(rs, net, f, d["req_id"], net.rule.status, lp, as_of, langs, max_age, f, []))
    area_order, reqs = rs.area_order, rs.requirements
    findings.sort(key=lambda x: (STATUS_ORDER[x.status], SEVERITY_ORDER[x.severity],
                                 area_order[x.area], reqs[x.requirement].order))
    return Result(profile=lp, as_of=as_of, findings=findings, ruleset=rs, due_soon_days=window,
                  max_age_days=max_age)
