"""From a profile and the catalogs to flat facts the rule engine matches.

One *requirement fact* per (profile, catalog requirement): the requirement's fields copied in,
the profile's statement about it, and derived values computed here in Python (days to deadline,
deadline class, whether the duty applies, the age of the evidence, plan coverage), so rule
conditions stay simple comparisons. One *profile fact* per profile for profile-wide rules
(the plan's period).

Unknown is unknown: a derived value is null when an input it needs is missing (a plan with no
end date has not "not ended"), and a condition on null never holds (engine.match.conditions).

Every field a rule can test is declared in REQUIREMENT_FIELDS / PROFILE_FIELDS with its meaning;
fields taken from the profile also name the profile path they come from (the evidence), with
the basis and date of what is said there.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from ..load import jdate
from ..load.catalog import CatalogSet
from ..load.models import Item, Profile
from ..vocab import BASIS_RANK, MAX_AGE_DAYS

DUE_SOON_DAYS = 180

# field -> meaning (documentation, and the vocabulary the rule compiler accepts)
REQUIREMENT_FIELDS: dict[str, str] = {
    "area": "catalog area of the requirement",
    "req_id": "requirement ID",
    "req_kind": "catalog item kind (system, procedure, levy, control, ...)",
    "group": "catalog item group (or null)",
    "level": "municipal | prefectural | either",
    "obligation": "legal | effort | target | recommendation | optional",
    "has_deadline": "the requirement has a deadline",
    "deadline_days": "days from the evaluation date to the applicable deadline (negative: passed)",
    "deadline_status": "overdue | due_soon | ahead | none (the deadline's distance; overdue: it has passed)",
    "deadline_class": "overdue | current_fy | next_fy | later | none (by fiscal year of the deadline)",
    "in_force": "the duty applies on the evaluation date (effective_from reached or unset)",
    "due_passed": "the deadline has passed, or (a legal or effort duty without one) it is in force",
    "has_extended_deadline": "the catalog offers an extended deadline for designated items",
    "extended": "the extended deadline applies (the profile says designated: true)",
    "designated_date_set": "a designated item gives its own planned completion date (designated_until)",
    "designated_beyond_limit": "the designated item's own date is after the catalog's outer limit (null: no date)",
    "status": "the profile's status: done | in_progress | planned | not_started | not_applicable | unknown",
    "stated": "the profile says something about this requirement (status not unknown)",
    "designated": "profile's designated flag (true/false/null)",
    "planned_set": "the profile gives a planned date",
    "planned_after_deadline": "the planned date starts after the applicable deadline (null: no plan or no deadline)",
    "planned_past": "the planned date has ended before the evaluation date (null: no planned date)",
    "planned_passed_since": "the planned date ended after the statement was dated and before the evaluation "
                            "date: the plan said it would be done by now, and nothing later says (null: no "
                            "planned date)",
    "recorded_after_deadline": "the statement is dated after the deadline (for a duty without one: after it came "
                               "into force); null when there is neither",
    "expects_value": "the catalog item says what the profile's value must be (expect)",
    "value_set": "the profile gives a value",
    "value_ok": "the value meets the catalog's expectation (null: no expectation or no value)",
    "plan_scope_set": "the profile lists which requirements of this area its plan covers",
    "in_plan": "the municipality's plan covers the requirement (item in_plan, plan_scope or the area's "
               "default; null: not known)",
    "applies": "the duty applies to this municipality by the catalog's applies_if (null: an attribute "
               "it depends on is unknown; true when it depends on none)",
    "conditional": "the catalog makes the duty depend on municipality attributes (applies_if)",
    "provided_nationally": "the nation provides this for every municipality, from a date on or before the "
                           "evaluation date",
    "data_age_days": "days between the statement's date and the evaluation date",
    "stale": "the statement is older than the freshness window (--max-age)",
}
PROFILE_FIELDS: dict[str, str] = {
    "data_age_days": "days between the profile's as_of and the evaluation date",
    "stale": "the profile's data is older than the freshness window (--max-age)",
    "plan_set": "the profile describes a DX plan",
    "plan_end_set": "the plan has an end date",
    "plan_end_days": "days from the evaluation date to the plan's last day (negative: ended; null: no end date)",
    "plan_ended": "the plan period ended before the evaluation date (null: no end date)",
    "successor_set": "the profile names a successor plan",
    "successor_adopted": "the successor plan is adopted (true/false/null)",
}
# Open-ended fields: attr_<k> from the catalog item's attrs, area_<k> from the profile's area
# facts (declared by the catalog's profile_facts); engine.rules.allowed_fields lists them.

# A requirement fact's field -> the statement's attribute it rests on (engine.match.facts.Said)
_ITEM_EVIDENCE = {
    "status": "status", "stated": "status", "designated": "designated", "extended": "designated",
    "designated_date_set": "designated_until", "designated_beyond_limit": "designated_until",
    "planned_set": "planned", "planned_after_deadline": "planned", "planned_past": "planned",
    "planned_passed_since": "planned",
    "value_set": "value", "value_ok": "value", "in_plan": "in_plan", "plan_scope_set": "in_plan",
    "recorded_after_deadline": "as_of", "data_age_days": "as_of", "stale": "as_of",
}
_PROFILE_EVIDENCE = {
    "data_age_days": ("as_of",), "stale": ("as_of",), "plan_set": ("plan", "title"),
    "plan_end_set": ("plan", "period_end"), "plan_end_days": ("plan", "period_end"),
    "plan_ended": ("plan", "period_end"), "successor_set": ("plan", "successor"),
    "successor_adopted": ("plan", "successor", "adopted"),
}
_SAID_FIELDS = ("status", "basis", "as_of", "in_plan", "planned", "done_on", "designated", "designated_until",
                "designation_reason", "value", "department", "cost_estimate", "cost_approximate", "source")
_DEFAULTABLE = ("status", "basis", "as_of", "in_plan", "planned", "department")


class Said:
    """What the profile says about one requirement, with the area's defaults and the profile's
    filled in: each value and the profile path it was taken from (`origin`; None where the value
    is a default of gapcheck's own, e.g. the status unknown)."""

    __slots__ = _SAID_FIELDS + ("origin",)

    def __init__(self, **kw):
        for k in _SAID_FIELDS:
            setattr(self, k, kw.get(k))
        self.origin: dict[str, tuple | None] = kw.get("origin") or {}


def said(prof: Profile, area: str, item_id: str, scope: set[str] | None) -> Said:
    """The statement about one requirement: the item's own values, else the area's defaults,
    else the profile's (basis, as_of); plan coverage from in_plan, plan_scope or the default.
    The area's default status and planned date do not reach an item the plan does not cover
    (in_plan false by the item or plan_scope)."""
    state = prof.areas.get(area)
    st = state.items.get(item_id) if state else None
    dflt = state.defaults if state else None
    base = ("areas", area, "items", item_id)
    vals: dict[str, Any] = {}
    origin: dict[str, tuple | None] = {}
    if st is not None:
        for k in _SAID_FIELDS:
            v = getattr(st, k)
            if v is not None:
                vals[k] = v
                origin[k] = base + (k,)
    if scope is not None and "in_plan" not in vals:
        vals["in_plan"] = item_id in scope
        origin["in_plan"] = ("areas", area, "plan_scope")
    if dflt is not None:
        outside = vals.get("in_plan") is False     # the plan's status and date are for what it covers
        for k in _DEFAULTABLE:
            if outside and k in ("status", "planned"):
                continue
            if k not in vals:
                v = getattr(dflt, k)
                if v is not None:
                    vals[k] = v
                    origin[k] = ("areas", area, "defaults", k)
    if "status" not in vals:
        vals["status"] = "unknown"
        origin["status"] = None
    if "basis" not in vals:
        vals["basis"] = prof.default_basis
        origin["basis"] = ("basis",) if prof.basis else None
    if "as_of" not in vals:
        vals["as_of"] = prof.as_of
        origin["as_of"] = ("as_of",)
    return Said(**vals, origin=origin)


class Fact:
    """One fact: `data` (what rules test), `context` (extra values for messages; for a
    requirement it is built when first read, since most facts never become a finding), the
    catalog item, `said` (the profile's statement) and `applicability`."""

    __slots__ = ("data", "item", "said", "applicability", "_context", "_scope_count", "_kind_count",
                 "_deadline", "profile", "derived")

    def __init__(self, data: dict[str, Any], context: dict[str, Any] | None = None, item: Item | None = None,
                 said: Said | None = None, scope_count: int | None = None, kind_count: int | None = None,
                 deadline: _dt.date | None = None, applicability: dict | None = None,
                 profile: Profile | None = None, derived: dict | None = None):
        self.data = data
        self.item = item
        self.said = said
        self.applicability = applicability
        self.profile = profile
        self._context = context
        self._scope_count = scope_count
        self._kind_count = kind_count
        self._deadline = deadline
        self.derived = derived

    @property
    def scope_label(self) -> str | None:
        """"17 of 20" when the area lists its plan scope."""
        return None if self._scope_count is None else f"{self._scope_count} of {self._kind_count}"

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            item, st = self.item, self.said
            self._context = {
                "deadline": self._deadline,
                "original_deadline": item.deadline,
                "extended_deadline": item.extended_deadline.deadline if item.extended_deadline else None,
                "designated_until": st.designated_until,
                "planned": st.planned, "value": st.value,
                "expected": item.expect, "plan_count": self._scope_count, "catalog_count": self._kind_count,
                "department": st.department or item.department,
                "cost_estimate": st.cost_estimate,
                "statement_as_of": st.as_of, "basis": st.basis,
            }
        return self._context

    def evidence(self, fields: tuple[str, ...], raw: Any, positions: Any) -> list[dict[str, Any]]:
        """The evidence of `fields`: for each profile path they rest on, the value as written,
        its line, whether it is present, its basis and its date (once per path)."""
        out: list[dict[str, Any]] = []
        seen: set[tuple] = set()
        prof = self.profile

        def add(path: tuple, basis: str, date: _dt.date | None, written: Any = None, use_written=False):
            if path in seen:
                return
            seen.add(path)
            pos = positions.get(path)
            value = (written if use_written else _raw(raw, path)) if pos is not None else None
            present = pos is not None and value is not None      # `key: null` says nothing
            out.append({"path": dotted(path), "value": value, "line": pos[0] if pos is not None else None,
                        "present": present, "basis": basis if present else "none",
                        "date": date.isoformat() if present and date else None})

        if self.said is None:                        # a profile fact
            for fld in fields:
                path = _PROFILE_EVIDENCE.get(fld)
                if path:
                    add(path, "record", prof.as_of)
            return out
        st = self.said
        area = self.data["area"]
        for fld in fields:
            if fld == "provided_nationally":
                np = self.item.provided_nationally
                if np is not None:
                    key = ("catalog", self.item.id, "provided_nationally")
                    if key not in seen:
                        seen.add(key)
                        out.append({"path": f"catalog:{area}.{self.item.id}.provided_nationally",
                                    "value": np.since.isoformat(), "line": None, "present": True,
                                    "basis": "national", "date": np.since.isoformat()})
                continue
            if fld in ("applies", "conditional"):
                for attr in self.item.applies_if:
                    path = ("municipality", attr)
                    if attr == "nhi_levy" and positions.get(path) is None:
                        alt = ("areas", "elqr_levies", "facts", "nhi_levied_as")
                        if positions.get(alt) is not None:
                            path = alt
                    add(path, prof.default_basis, prof.as_of)
                continue
            if fld.startswith("area_"):
                spec = (self.derived or {}).get(fld[5:])
                for key in (spec.ratio if spec is not None else (fld[5:],)):   # a derived fact: its inputs
                    add(("areas", area, "facts", key), _area_basis(prof, area), prof.as_of)
                continue
            key = _ITEM_EVIDENCE.get(fld)
            if key is None:
                continue
            path = st.origin.get(key)
            if path is None:                         # a default of gapcheck's own: not in the profile
                path = ("areas", area, "items", self.item.id, key) if key != "as_of" else ("as_of",)
            if key == "status" and path[-1] == "status" and isinstance(_raw(raw, path[:-1]), str):
                # `ID: done` (the shorthand): the item's own line holds the status
                path = path[:-1]
                add(path, st.basis, st.as_of, _raw(raw, path), True)
                continue
            add(path, st.basis, st.as_of)
        return out


def _area_basis(prof: Profile, area: str) -> str:
    state = prof.areas.get(area)
    if state and state.defaults and state.defaults.basis:
        return state.defaults.basis
    return prof.default_basis


def weakest(evidence: list[dict[str, Any]]) -> tuple[str, _dt.date | None]:
    """The weakest basis and the oldest date among the present evidence ("none", None if none)."""
    basis, oldest = None, None
    for e in evidence:
        if not e["present"]:
            continue
        b = e["basis"]
        if basis is None or BASIS_RANK[b] > BASIS_RANK[basis]:
            basis = b
        if e["date"]:
            d = _dt.date.fromisoformat(e["date"])
            if oldest is None or d < oldest:
                oldest = d
    return basis or "none", oldest


def dotted(path: tuple) -> str:
    from ..load.validation import dotted as _d

    return _d(path)


def deadline_status(days: int | None, window: int = DUE_SOON_DAYS) -> str:
    if days is None:
        return "none"
    if days < 0:
        return "overdue"
    if days <= window:
        return "due_soon"
    return "ahead"


def _raw(doc_data: Any, path: tuple) -> Any:
    cur = doc_data
    for p in path:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and isinstance(p, int) and p < len(cur):
            cur = cur[p]
        else:
            return None
    return cur


def _value_ok(item: Item, value: Any) -> bool | None:
    exp = item.expect
    if exp is None or value is None:
        return None
    if exp.one_of is not None and str(value) not in exp.one_of:
        return False
    if exp.min_date is not None:
        try:
            return jdate.parse_deadline(value) >= exp.min_date
        except jdate.DateParseError:
            return False
    return True


@dataclass
class _ItemPlan:
    """What a requirement fact takes from the catalog alone (the same for every profile on one
    evaluation date): built once per batch, not once per profile and requirement."""

    item: Item
    area: str
    base: tuple
    static: dict[str, Any]            # the item's fields, with its ordinary deadline
    scope_kind_count: int             # requirements of the same kind in the area
    derived: dict[str, Any] | None = None   # the area's derived facts (Catalog.derived_facts)


def _deadline_fields(deadline: _dt.date | None, as_of: _dt.date, window: int) -> dict[str, Any]:
    days = (deadline - as_of).days if deadline else None
    return {"has_deadline": deadline is not None, "deadline_days": days,
            "deadline_status": deadline_status(days, window),
            "deadline_class": jdate.deadline_class(deadline, as_of)}


def _due(item: Item, deadline: _dt.date | None, as_of: _dt.date) -> tuple[bool, _dt.date | None]:
    """(due_passed, the date a statement must be later than to show the deadline was missed)."""
    if deadline is not None:
        return deadline < as_of, deadline
    if item.effective_from is not None and item.obligation in ("legal", "effort"):
        start = item.effective_from - _dt.timedelta(days=1)
        return item.effective_from <= as_of, start
    return False, None


def day_plans(cs: CatalogSet, as_of: _dt.date, window: int) -> list[tuple[str, list[_ItemPlan], tuple, tuple]]:
    """Per area: the current requirements' plans, the attr keys and the area fact keys (a
    RuleSet keeps them for the evaluation date: RuleSet.day_plans)."""
    out = []
    for area, cat in cs.catalogs.items():
        live = cat.current_items(as_of)
        kinds: dict[str, int] = {}
        for it in live:
            kinds[it.kind] = kinds.get(it.kind, 0) + 1
        attr_keys = tuple(sorted({k for it in cat.items for k in it.attrs}))
        fact_keys = tuple(sorted(cat.profile_facts))
        plans = []
        for it in live:
            np = it.provided_nationally
            static = {
                "kind": "requirement",
                "area": area, "req_id": it.id, "req_kind": it.kind, "group": it.group,
                "level": it.level, "obligation": it.obligation,
                **_deadline_fields(it.deadline, as_of, window),
                "in_force": it.effective_from is None or it.effective_from <= as_of,
                "has_extended_deadline": it.extended_deadline is not None, "extended": False,
                "expects_value": it.expect is not None,
                "conditional": bool(it.applies_if),
                "provided_nationally": np is not None and np.since <= as_of,
            }
            for k in attr_keys:
                static["attr_" + k] = it.attrs.get(k)
            plans.append(_ItemPlan(it, area, ("areas", area, "items", it.id), static, kinds[it.kind],
                                   cat.derived_facts or None))
        out.append((area, plans, attr_keys, fact_keys))
    return out


def _attributes(prof: Profile) -> dict[str, Any]:
    m = prof.municipality
    out = {k: getattr(m, k) for k in ("type", "welfare_office", "port", "river", "water", "sewerage",
                                      "building_official", "industrial_waste_authority", "health_center")}
    out["nhi_levy"] = prof.nhi_levy
    return out


def applicability(item: Item, attrs: dict[str, Any]) -> dict[str, Any] | None:
    """Whether the duty applies by the catalog's applies_if: {applies, requires, missing, failing}
    (None when it depends on nothing)."""
    if not item.applies_if:
        return None
    missing, failing = [], []
    for attr, want in item.applies_if.items():
        v = attrs.get(attr)
        wants = want if isinstance(want, list) else [want]
        if v is None:
            missing.append(attr)
        elif v not in wants:
            failing.append(attr)
    applies = False if failing else (None if missing else True)
    return {"applies": applies, "requires": dict(item.applies_if), "missing": missing, "failing": failing,
            "values": {a: attrs.get(a) for a in item.applies_if}}


def requirement_fact(plan: _ItemPlan, prof: Profile, as_of: _dt.date, scope: set[str] | None,
                     scope_count: int | None, fact_keys: tuple, attrs: dict[str, Any], window: int,
                     max_age: int) -> Fact:
    """The fact for one requirement. Every attr and area fact the catalog knows is present
    (null when not given), so conditions on them behave the same for every requirement."""
    item, area = plan.item, plan.area
    st = said(prof, area, item.id, scope)
    state = prof.areas.get(area)

    d = dict(plan.static)
    deadline = item.deadline
    ext = item.extended_deadline
    own = st.designated_until.end if st.designated_until is not None else None
    if st.designated and ext is not None:
        deadline = min(own, ext.deadline) if own is not None else ext.deadline
        d.update(_deadline_fields(deadline, as_of, window))
        d["extended"] = True
    d["designated_date_set"] = own is not None
    d["designated_beyond_limit"] = (own > ext.deadline) if (own is not None and ext is not None) else None
    due_passed, due_line = _due(item, deadline, as_of)
    d["due_passed"] = due_passed
    status = st.status
    planned_after = planned_past = planned_since = None
    if st.planned is not None:
        planned_past = st.planned.end < as_of
        planned_since = planned_past and st.planned.end >= st.as_of
        if deadline is not None:
            planned_after = st.planned.start > deadline
    d["status"] = status
    d["stated"] = status != "unknown"
    d["designated"] = st.designated
    d["planned_set"] = st.planned is not None
    d["planned_after_deadline"] = planned_after
    d["planned_past"] = planned_past
    d["planned_passed_since"] = planned_since
    d["recorded_after_deadline"] = (st.as_of > due_line) if due_line is not None else None
    d["value_set"] = st.value is not None
    d["value_ok"] = _value_ok(item, st.value)
    d["plan_scope_set"] = scope is not None
    d["in_plan"] = st.in_plan
    app = applicability(item, attrs)
    d["applies"] = True if app is None else app["applies"]
    age = (as_of - st.as_of).days
    d["data_age_days"] = age
    d["stale"] = age > max_age
    for k in fact_keys:
        v = state.facts.get(k) if state else None
        if k == "nhi_levied_as" and v is None:
            v = prof.nhi_levy
        d["area_" + k] = v.start.isoformat() if isinstance(v, jdate.Span) else v

    for k, spec in (plan.derived or {}).items():
        num, den = (state.facts.get(x) if state else None for x in spec.ratio)
        ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (num, den)) and den > 0
        d["area_" + k] = (200 * num + den) // (2 * den) if ok else None      # a whole percentage, half up

    return Fact(d, None, item, said=st, scope_count=scope_count if scope is not None else None,
                kind_count=plan.scope_kind_count, deadline=deadline, applicability=app, profile=prof,
                derived=plan.derived)


def profile_fact(prof: Profile, as_of: _dt.date, max_age: int) -> Fact:
    plan = prof.plan
    end = plan.period_end.end if plan and plan.period_end else None
    succ = plan.successor if plan else None
    age = (as_of - prof.as_of).days
    d = {
        "kind": "profile",
        "data_age_days": age,
        "stale": age > max_age,
        "plan_set": plan is not None,
        "plan_end_set": end is not None,
        "plan_end_days": (end - as_of).days if end else None,
        "plan_ended": (end < as_of) if end else None,
        "successor_set": succ is not None,
        "successor_adopted": succ.adopted if succ else None,
    }
    ctx = {"plan_end": end, "profile_as_of": prof.as_of,
           "plan_title": plan.title if plan else None}
    return Fact(d, ctx, profile=prof)


def build_facts(prof: Profile, plans_by_area: list, as_of: _dt.date, window: int = DUE_SOON_DAYS,
                max_age: int = MAX_AGE_DAYS) -> list[Fact]:
    """All facts for one profile, in catalog order (deterministic); `plans_by_area` from
    day_plans for the evaluation date."""
    facts = [profile_fact(prof, as_of, max_age)]
    attrs = _attributes(prof)
    for area, plans, _attr_keys, fact_keys in plans_by_area:
        state = prof.areas.get(area)
        scope = set(state.plan_scope) if state and state.plan_scope is not None else None
        # plan coverage counts requirements of the same kind (e.g. 17 of 20 systems)
        covered: dict[str, int] = {}
        if scope is not None:
            for p in plans:
                covered[p.item.kind] = covered.get(p.item.kind, 0) + (p.item.id in scope)
        for p in plans:
            facts.append(requirement_fact(p, prof, as_of, scope,
                                          covered.get(p.item.kind, 0) if scope is not None else None,
                                          fact_keys, attrs, window, max_age))
    for i, f in enumerate(facts):
        f.data["fid"] = i
    return facts
