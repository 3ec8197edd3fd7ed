"""Evaluation: assert one profile's facts into the compiled ruleset and turn what fired into findings."""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import string
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jdate
from .catalog import CatalogSet
from .compiler import CompiledRules, Session, _Codec, _orphan_errors, run_session
from .errors import EngineError
from .facts import DUE_SOON_DAYS, Fact, build_facts
from .match.durable import dr
from .models import FINDING_STATUSES, SEVERITIES, Rule
from .profile import LoadedProfile
from .validation import dotted

_sids = itertools.count(1)

STATUS_ORDER = {s: i for i, s in enumerate(FINDING_STATUSES)}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

UNMATCHED_RULE = "gapcheck.unmatched"


@dataclass
class Finding:
    id: str
    rule: str
    area: str
    requirement: str
    requirement_name: dict[str, str]
    status: str
    severity: str
    obligation: str
    deadline: _dt.date | None
    days_to_deadline: int | None
    fiscal_year: int | None
    deadline_class: str
    title: dict[str, str]
    message: dict[str, str]
    remediation: dict[str, str] | None
    evidence: list[dict[str, Any]]
    references: list[dict[str, Any]]
    department: str | None = None
    action: str | None = None
    cost_estimate: int | None = None
    waiver: dict[str, Any] | None = None


@dataclass
class Result:
    profile: LoadedProfile
    as_of: _dt.date
    findings: list[Finding]
    catalogs: CatalogSet
    rules_version: str
    due_soon_days: int = DUE_SOON_DAYS
    notes: list[dict[str, str]] = field(default_factory=list)
    rule_files: list[dict[str, str]] = field(default_factory=list)   # [{path, sha256}] of the rule set
    waivers: dict[str, Any] | None = None     # what engine.waivers.apply_waivers did (None: no waiver file)


def finding_id(profile_id: str, rule_id: str, req_id: str) -> str:
    """Stable fingerprint: same profile, rule and requirement give the same ID on every run."""
    return "GC-" + hashlib.sha256(f"{profile_id}\0{rule_id}\0{req_id}".encode()).hexdigest()[:12]


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


def render_message(template: str, fact: Fact, lang: str, extra: dict[str, Any]) -> str:
    """Fill a rule's message template; only the placeholders it uses are formatted.

    The text depends only on the template, the language and the placeholders' values, which
    repeat across a batch (the same deadline, status and plan year for many municipalities):
    it is formatted once per distinct combination."""
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
    # typed: True == 1 as keys, but they are written differently
    key = (template, lang, *[(v.__class__, v) for v in raw])
    try:
        hit = _rendered.get(key)
    except TypeError:           # a value that cannot be a key (a list): format it directly
        return _format(template, names, raw, lang)
    if hit is None:
        if len(_rendered) > 50_000:
            _rendered.clear()
        hit = _rendered[key] = _format(template, names, raw, lang)
    return hit


_ABSENT = object()
_rendered: dict[tuple, str] = {}


def _format(template: str, names: tuple[str, ...], raw: list, lang: str) -> str:
    vals = {name: _label(v, lang) for name, v in zip(names, raw) if v is not _ABSENT}
    return template.format_map(_Fmt(vals))


def _status_for(rule: Rule, fact: Fact) -> str:
    if rule.status != "by_deadline":
        return rule.status
    return {"overdue": "overdue", "due_soon": "due_soon"}.get(fact.data.get("deadline_status"), "gap")


def _action_fy(deadline: _dt.date | None, days: int | None, as_of: _dt.date) -> int | None:
    """The fiscal year in which action is due: the current one for overdue items."""
    if deadline is None:
        return None
    if days is not None and days < 0:
        return jdate.fiscal_year(as_of)
    return jdate.fiscal_year(deadline)


_fields_cache: dict[int, tuple[Rule, tuple[str, ...]]] = {}


def _condition_fields(rule: Rule) -> tuple[str, ...]:
    """The fact fields a rule's conditions test (cached; the rule is kept so its id stays unique)."""
    hit = _fields_cache.get(id(rule))
    if hit is None:
        from .rules import iter_conditions

        hit = (rule, tuple(f for f, _, _, _ in iter_conditions(rule.when, ()) if f))
        _fields_cache[id(rule)] = hit
    return hit[1]


@functools.lru_cache(maxsize=65536)
def _dotted(path: tuple) -> str:
    return dotted(path)


def _evidence(rule: Rule, fact: Fact, lp: LoadedProfile) -> list[dict[str, Any]]:
    used = _condition_fields(rule) if fact.data["kind"] != "requirement" else \
        ("status",) + _condition_fields(rule)
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


LANGS = ("ja", "en")


def _rule_refs(rule: Rule) -> list[dict[str, Any]]:
    hit = _refs_cache.get(id(rule))
    if hit is None or hit[0] is not rule:
        hit = _refs_cache[id(rule)] = (rule, [
            {"source": "rule", "title": r, "locator": None, "date": None,
             "url": r if r.startswith("http") else None} for r in rule.references])
    return hit[1]


_refs_cache: dict[int, tuple[Rule, list[dict[str, Any]]]] = {}


@dataclass
class _Static:
    """What a finding takes from its rule and requirement alone (the same for every profile)."""

    area: str
    requirement_name: dict[str, str]
    refs: list[dict[str, Any]]
    action: str | None


_static_cache: dict[tuple, tuple[Rule, CatalogSet, _Static]] = {}


def _static(rule: Rule, req_id: str, extended: bool, cs: CatalogSet) -> _Static:
    key = (id(rule), req_id, extended, id(cs))
    hit = _static_cache.get(key)
    if hit is not None and hit[0] is rule and hit[1] is cs:
        return hit[2]
    cat, item = cs.items[req_id]
    refs = cs.citations(item)
    if extended:
        from .catalog import cite
        refs += cite(cat, item.extended_deadline.citation)
    refs += _rule_refs(rule)
    st = _Static(area=cat.area, requirement_name={"ja": item.name.ja, "en": item.name.en}, refs=refs,
                 action=rule.action or ("survey" if rule.status == "unassessed" else item.action))
    if len(_static_cache) > 100_000:
        _static_cache.clear()
    _static_cache[key] = (rule, cs, st)
    return st


def _make(rule: Rule, fact: Fact, req_id: str, lp: LoadedProfile, cs: CatalogSet,
          as_of: _dt.date, langs: tuple[str, ...] = LANGS) -> Finding:
    item = cs.items[req_id][1]
    ctx = fact.context
    deadline = ctx.get("deadline", item.deadline)
    days = (deadline - as_of).days if deadline else None
    extended = bool(fact.item is not None and ctx.get("extended_deadline") and fact.data.get("extended"))
    static = _static(rule, req_id, extended, cs)
    extra = {
        "requirement_id": req_id, "rule_id": rule.id,
        "municipality": lp.profile.municipality.name,
        "days_left": days if days is not None else None,
        "days_overdue": -days if days is not None and days < 0 else 0,
        "as_of": as_of, "fiscal_year": None,
    }
    fy = _action_fy(deadline, days, as_of)
    msg, title, rem = {}, {}, None
    for lang in langs:
        extra["requirement_name"] = static.requirement_name[lang]
        extra["fiscal_year"] = jdate.fy_label(fy, lang) if fy else None
        msg[lang] = render_message(rule.message.get(lang), fact, lang, extra)
        title[lang] = render_message(rule.title.get(lang), fact, lang, extra)
        if rule.remediation:
            rem = rem or {}
            rem[lang] = render_message(rule.remediation.get(lang), fact, lang, extra)
    state = lp.profile.areas.get(static.area)
    item_state = state.items.get(req_id) if state else None
    return Finding(
        id=finding_id(lp.profile.id, rule.id, req_id), rule=rule.id, area=static.area,
        requirement=req_id, requirement_name=dict(static.requirement_name),
        status=_status_for(rule, fact), severity=rule.severity, obligation=rule.obligation,
        deadline=deadline, days_to_deadline=days, fiscal_year=fy,
        deadline_class=jdate.deadline_class(deadline, as_of), title=title, message=msg,
        remediation=rem, evidence=_evidence(rule, fact, lp), references=list(static.refs),
        department=(item_state.department if item_state and item_state.department else item.department),
        action=static.action,
        cost_estimate=item_state.cost_estimate if item_state else None)


def _unmatched(fact: Fact, lp: LoadedProfile, cs: CatalogSet, as_of: _dt.date,
               langs: tuple[str, ...] = LANGS) -> Finding:
    """Safety net: a requirement no rule spoke about is unassessed, never passed."""
    rule = _unmatched_rule(fact.data["area"], fact.data["obligation"])
    return _make(rule, fact, fact.data["req_id"], lp, cs, as_of, langs)


@functools.lru_cache(maxsize=None)
def _unmatched_rule(area: str, obligation: str) -> Rule:
    """The safety net's rule for one area and obligation (validated once, then shared)."""
    return Rule(
        id=UNMATCHED_RULE, catalog=area, when=[{"stated": True}],
        status="unassessed", severity="info", obligation=obligation,
        title={"ja": "判定するルールがない要件", "en": "No rule assessed this requirement"},
        message={"ja": "{requirement_name}: プロファイルの状態（{status}）を判定するルールがないため未評価です",
                 "en": "{requirement_name}: no rule assesses the profile's status ({status}), so it is unassessed"},
        examples=[{"expect": "fire"}, {"expect": "no_fire"}])


def match(compiled: CompiledRules, facts: list[Fact], label: str) -> list[tuple[str, int]]:
    """Assert one profile's facts into the compiled ruleset; return the (rule id, fact id) pairs
    that fired. Raises EngineError if an action failed or a fact never reached the engine."""
    sid = f"s{next(_sids)}"
    session = Session()
    compiled.sessions[sid] = session
    payload = [compiled.payload(f.data, sid) for f in facts]
    try:
        if compiled.via_host:
            state = dr.assert_facts(compiled.name, payload)
        else:
            state = None
            run_session(compiled, _Codec.dumps(payload), sid)
    except Exception as e:
        raise EngineError(f"rule engine failed on {label}: {type(e).__name__}: {e}") from e
    finally:
        compiled.sessions.pop(sid, None)
        try:
            dr.delete_state(compiled.name, sid)
        except Exception:
            pass
    errors = list(session.errors)
    if isinstance(state, dict) and state.get("exception"):
        errors.append(("<engine>", str(state["exception"])))
    if _orphan_errors:
        errors += _orphan_errors
        _orphan_errors.clear()
    if errors:
        lines = "; ".join(f"{r}: {e}" for r, e in errors)
        raise EngineError(f"a rule action failed while evaluating {label}: {lines}")
    if session.observed != len(facts):
        raise EngineError(f"{len(facts) - session.observed} of {len(facts)} fact(s) of {label} "
                          "never reached the rule engine")
    return session.fired


def evaluate(lp: LoadedProfile, cs: CatalogSet, compiled: CompiledRules, as_of: _dt.date,
             window: int = DUE_SOON_DAYS, include_passed: bool = False, matcher=None,
             langs: tuple[str, ...] = LANGS) -> Result:
    """Evaluate one profile. `matcher(facts) -> [(rule id, fact id)]` replaces durable_rules
    matching (the benchmark's plain-Python floor uses it); by default the compiled ruleset matches.
    `langs` are the languages messages are rendered in (a batch in one language renders one)."""
    if as_of < lp.profile.as_of:
        # the profile describes a later state than the evaluation date: its "done" would be
        # facts from the future, so nothing could be judged
        from .errors import GapcheckError

        raise GapcheckError(
            f"the evaluation date {as_of.isoformat()} is before the profile's as_of "
            f"{lp.profile.as_of.isoformat()}", f"評価基準日 {as_of.isoformat()} がプロファイルのデータ時点 "
            f"{lp.profile.as_of.isoformat()} より前です", file=lp.path, line=lp.document.line_of(("as_of",)),
            hint_en="use an --as-of on or after the profile's as_of",
            hint_ja="--as-of にはデータ時点以降の日付を指定してください")
    facts = build_facts(lp.profile, lp.document.data, cs, as_of, window)
    fired = matcher(facts) if matcher else match(compiled, facts, lp.path)
    session = Session(fired=fired)
    book = compiled.book
    rules, rule_files = _book_index(book)
    area_order, req_order = _catalog_order(cs)
    by_fid = {f.data["fid"]: f for f in facts}
    findings: list[Finding] = []
    hit: set[str] = set()     # requirements some rule reported on (a profile rule counts too)
    # Decide what to report before building findings (building them is the costly part).
    matches = []
    for rule_id, fid in sorted(set(session.fired)):
        rule = rules[rule_id]
        fact = by_fid[fid]
        req_id = rule.requirement if fact.data["kind"] == "profile" else fact.data["req_id"]
        matches.append((rule, fact, req_id, _status_for(rule, fact)))
        hit.add(req_id)
    # A requirement with any open finding is not passed: its ok findings are dropped.
    open_reqs = {req for _, _, req, status in matches if status != "ok"}
    for rule, fact, req_id, status in matches:
        if status == "ok" and (req_id in open_reqs or not include_passed):
            continue
        findings.append(_make(rule, fact, req_id, lp, cs, as_of, langs))
    for f in facts:
        if f.data["kind"] == "requirement" and f.data["req_id"] not in hit:
            findings.append(_unmatched(f, lp, cs, as_of, langs))
    findings.sort(key=lambda x: (STATUS_ORDER[x.status], SEVERITY_ORDER[x.severity],
                                 area_order[x.area], req_order[x.requirement], x.rule))
    return Result(profile=lp, as_of=as_of, findings=findings, catalogs=cs,
                  rules_version=book.version, due_soon_days=window,
                  rule_files=[dict(f) for f in rule_files])


_index_cache: dict[int, tuple[Any, Any]] = {}


def _book_index(book) -> tuple[dict[str, Rule], list[dict[str, str]]]:
    """Rules by id and the rule files with their digests (once per rule book, not per profile)."""
    hit = _index_cache.get(id(book))
    if hit is None or hit[0] is not book:
        files = [{"path": f"{Path(f).parent.name}/{Path(f).name}", "sha256": d.sha256}
                 for f, d in sorted(book.documents.items(), key=lambda kv: Path(kv[0]).name)]
        hit = _index_cache[id(book)] = (book, ({r.id: r for r in book.rules}, files))
    return hit[1]


def _catalog_order(cs: CatalogSet) -> tuple[dict[str, int], dict[str, int]]:
    """Positions of areas and requirements in catalog order (for sorting findings)."""
    hit = _index_cache.get(id(cs))
    if hit is None or hit[0] is not cs:
        hit = _index_cache[id(cs)] = (cs, ({a: i for i, a in enumerate(cs.catalogs)},
                                           {rid: i for i, rid in enumerate(cs.items)}))
    return hit[1]
