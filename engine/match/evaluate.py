"""Evaluation: one profile's facts matched against a compiled RuleSet, and what fired turned
into findings.

    result = evaluate(ruleset, loaded_profile, day)

What makes a finding, in order: the facts (engine.match.facts), the matches (the RuleSet's
matcher), one decision per match (an ok finding is dropped when the same requirement has an
open one), the safety net (a requirement no rule spoke about is unassessed, never passed), and
the findings in a documented order (status, severity, area, requirement, rule).
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
from ..load.validation import dotted
from .facts import DUE_SOON_DAYS, Fact, build_facts, day_plans
from .result import Finding, Result
from .ruleset import UNMATCHED_RULE, CompiledRule, RuleSet

STATUS_ORDER = {s: i for i, s in enumerate(FINDING_STATUSES)}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
from ..vocab import LANGS  # noqa: E402

__all__ = ["evaluate", "finding_id", "render_message", "UNMATCHED_RULE", "Finding", "Result"]


def finding_id(profile_id: str, rule_id: str, req_id: str) -> str:
    """Stable fingerprint: same profile, rule and requirement give the same ID on every run."""
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
    status = cr.rule.status
    if status != "by_deadline":
        return status
    return {"overdue": "overdue", "due_soon": "due_soon"}.get(fact.data.get("deadline_status"), "gap")


def _action_fy(deadline: _dt.date | None, days: int | None, as_of: _dt.date) -> int | None:
    """The fiscal year in which action is due: the current one for overdue items."""
    if deadline is None:
        return None
    if days is not None and days < 0:
        return jdate.fiscal_year(as_of)
    return jdate.fiscal_year(deadline)


@functools.lru_cache(maxsize=65536)
def _dotted(path: tuple) -> str:
    return dotted(path)


def _evidence(cr: CompiledRule, fact: Fact, lp: LoadedProfile) -> list[dict[str, Any]]:
    used = cr.fields if fact.data["kind"] != "requirement" else ("status",) + cr.fields
    seen, out = set(), []
    positions = lp.document.positions
    for ev in fact.evidence_of(used, lp.document.data):
        if ev is None:
            continue
        path, value = ev
        key = _dotted(tuple(path))
        if key in seen:
            continue
        seen.add(key)
        pos = positions.get(tuple(path))
        present = pos is not None
        out.append({"path": key, "value": value if present else None,
                    "line": pos[0] if present else None,
                    "present": present})
    return out


def _make(rs: RuleSet, cr: CompiledRule, fact: Fact, req_id: str, status: str, lp: LoadedProfile,
          as_of: _dt.date, langs: tuple[str, ...]) -> Finding:
    rule = cr.rule
    req = rs.requirements[req_id]
    item = req.item
    ctx = fact.context
    deadline = ctx.get("deadline", item.deadline)
    days = (deadline - as_of).days if deadline else None
    extended = bool(fact.item is not None and ctx.get("extended_deadline") and fact.data.get("extended"))
    refs = list(req.citations)
    if extended:
        refs += req.extended_citations
    refs += cr.refs
    extra = {
        "requirement_id": req_id, "rule_id": rule.id,
        "municipality": lp.profile.municipality.name,
        "days_left": days if days is not None else None,
        "days_overdue": -days if days is not None and days < 0 else 0,
        "as_of": as_of, "fiscal_year": None,
    }
    fy = _action_fy(deadline, days, as_of)
    memo = rs.messages
    msg, title, rem = {}, {}, None
    for lang in langs:
        extra["requirement_name"] = req.name[lang]
        extra["fiscal_year"] = jdate.fy_label(fy, lang) if fy else None
        msg[lang] = render_message(rule.message.get(lang), fact, lang, extra, memo)
        title[lang] = render_message(rule.title.get(lang), fact, lang, extra, memo)
        if rule.remediation:
            rem = rem or {}
            rem[lang] = render_message(rule.remediation.get(lang), fact, lang, extra, memo)
    state = lp.profile.areas.get(req.area)
    item_state = state.items.get(req_id) if state else None
    return Finding(
        id=finding_id(lp.profile.id, rule.id, req_id), rule=rule.id, area=req.area,
        requirement=req_id, requirement_name=dict(req.name),
        status=status, severity=rule.severity, obligation=rule.obligation,
        deadline=deadline, days_to_deadline=days, fiscal_year=fy,
        deadline_class=jdate.deadline_class(deadline, as_of), title=title, message=msg,
        remediation=rem, evidence=_evidence(cr, fact, lp), references=refs,
        department=(item_state.department if item_state and item_state.department else item.department),
        action=cr.action or item.action,
        cost_estimate=item_state.cost_estimate if item_state else None)


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
        lost += [(rule_id, d["req_id"]) for rule_id, holds in rs.predicates.get(d["area"], ()) if holds(d)]
        if profile is not None:
            lost += [(rule_id, d["req_id"]) for rule_id, holds in rs.profile_predicates.get(d["req_id"], ())
                     if holds(profile)]
    if lost:
        shown = ", ".join(f"{rule} on {req}" for rule, req in lost[:5])
        more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
        raise EngineError(f"the rule engine did not report {len(lost)} match(es) of rules whose "
                          f"conditions hold, evaluating {label}: {shown}{more}; no result is given "
                          "rather than an incomplete one")


def evaluate(rs: RuleSet, lp: LoadedProfile, as_of: _dt.date, window: int = DUE_SOON_DAYS,
             include_passed: bool = False, langs: tuple[str, ...] = LANGS) -> Result:
    """Evaluate one profile on one day. `langs` are the languages messages are rendered in (a
    batch in one language renders one)."""
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
    facts = build_facts(lp.profile, lp.document.data, plans, as_of)
    fired = rs.matcher.match(facts, lp.path)
    rules = rs.rules
    by_fid = {f.data["fid"]: f for f in facts}
    hit: set[str] = set()     # requirements some rule reported on (a profile rule counts too)
    # Decide what to report before building findings (building them is the costly part).
    matches = []
    for rule_id, fid in sorted(set(fired)):
        cr = rules[rule_id]
        fact = by_fid[fid]
        req_id = cr.rule.requirement if fact.data["kind"] == "profile" else fact.data["req_id"]
        matches.append((cr, fact, req_id, _status_for(cr, fact)))
        hit.add(req_id)
    # A requirement with any open finding is not passed: its ok findings are dropped.
    open_reqs = {req for _, _, req, status in matches if status != "ok"}
    findings: list[Finding] = []
    for cr, fact, req_id, status in matches:
        if status == "ok" and (req_id in open_reqs or not include_passed):
            continue
        findings.append(_make(rs, cr, fact, req_id, status, lp, as_of, langs))
    # the safety net: a requirement no rule spoke about is unassessed, never passed; but only
    # where no rule could have spoken (a lost activation must not read as "unassessed")
    claimed = [f for f in facts if f.data["kind"] == "requirement" and f.data["req_id"] not in hit]
    _check_unmatched(rs, claimed, facts, lp.path)
    for f in claimed:
        d = f.data
        net = rs.unmatched[(d["area"], d["obligation"])]
        findings.append(_make(rs, net, f, d["req_id"], net.rule.status, lp, as_of, langs))
    area_order, reqs = rs.area_order, rs.requirements
    findings.sort(key=lambda x: (STATUS_ORDER[x.status], SEVERITY_ORDER[x.severity],
                                 area_order[x.area], reqs[x.requirement].order, x.rule))
    return Result(profile=lp, as_of=as_of, findings=findings, ruleset=rs, due_soon_days=window)
