"""From a profile and the catalogs to flat facts the rule engine matches.

One *requirement fact* per (profile, catalog requirement): the requirement's fields copied in,
the profile's statement about it, and derived values computed here in Python (days to deadline,
deadline class, fiscal year, plan coverage), so rule conditions stay simple comparisons.
One *profile fact* per profile for profile-wide rules (data age, plan period).

Every field a rule can test is declared in REQUIREMENT_FIELDS / PROFILE_FIELDS with its meaning;
fields taken from the profile also name the profile path they come from (the evidence).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from ..load import jdate
from ..load.catalog import CatalogSet
from ..load.models import Item, Profile

DUE_SOON_DAYS = 180

# field -> meaning (documentation, and the vocabulary the rule compiler accepts)
REQUIREMENT_FIELDS: dict[str, str] = {
    "area": "catalog area of the requirement",
    "req_id": "requirement ID",
    "req_kind": "catalog item kind (system, procedure, levy, control, ...)",
    "group": "catalog item group (or null)",
    "level": "municipal | prefectural | either",
    "obligation": "legal | target | recommendation | optional",
    "has_deadline": "the requirement has a deadline",
    "deadline_days": "days from the evaluation date to the applicable deadline (negative: overdue)",
    "deadline_status": "overdue | due_soon | ahead | none",
    "deadline_class": "overdue | current_fy | next_fy | later | none (by fiscal year of the deadline)",
    "in_force": "the duty applies on the evaluation date (effective_from reached or unset)",
    "has_extended_deadline": "the catalog offers an extended deadline for designated items",
    "extended": "the extended deadline applies (profile says designated: true)",
    "status": "the profile's status: done | in_progress | planned | not_started | not_applicable | unknown",
    "stated": "the profile says something about this requirement (status not unknown)",
    "designated": "profile's designated flag (true/false/null)",
    "planned_set": "the profile gives a planned date",
    "planned_after_deadline": "the planned date starts after the applicable deadline (null: no plan or no deadline)",
    "planned_past": "the planned date has ended before the evaluation date (an unverified plan)",
    "expects_value": "the catalog item says what the profile's value must be (expect)",
    "value_set": "the profile gives a value",
    "value_ok": "the value meets the catalog's expectation (null: no expectation or no value)",
    "plan_scope_set": "the profile lists which requirements of this area its plan covers",
    "in_plan": "the requirement is in the plan's scope (null: scope not given)",
    "data_age_days": "days between the profile's as_of and the evaluation date",
}
PROFILE_FIELDS: dict[str, str] = {
    "data_age_days": "days between the profile's as_of and the evaluation date",
    "plan_set": "the profile describes a DX plan",
    "plan_end_set": "the plan has an end date",
    "plan_end_days": "days from the evaluation date to the plan's last day (negative: ended)",
    "plan_ended": "the plan period ended before the evaluation date",
    "successor_set": "the profile names a successor plan",
    "successor_adopted": "the successor plan is adopted (true/false/null)",
}
# Open-ended fields: attr_<k> from the catalog item's attrs, area_<k> from the profile's area
# facts (declared by the catalog's profile_facts); engine.rules.allowed_fields lists them.


# Where in the profile each field comes from (the evidence): for requirement facts relative to
# the item (areas.<area>.items.<ID>), for the others absolute.
_ITEM_EVIDENCE = {
    "status": ("status",), "stated": ("status",), "designated": ("designated",),
    "extended": ("designated",), "planned_set": ("planned",), "planned_after_deadline": ("planned",),
    "planned_past": ("planned",), "value_set": ("value",), "value_ok": ("value",),
}
_PROFILE_EVIDENCE = {
    "data_age_days": ("as_of",), "plan_set": ("plan", "title"),
    "plan_end_set": ("plan", "period_end"), "plan_end_days": ("plan", "period_end"),
    "plan_ended": ("plan", "period_end"), "successor_set": ("plan", "successor"),
    "successor_adopted": ("plan", "successor", "adopted"),
}


class Fact:
    """One fact: `data` (what rules test), `context` (extra values for messages; for a
    requirement it is built when first read, since most facts never become a finding), the
    catalog item, and `base`, the item's path in the profile (areas.<area>.items.<ID>)."""

    __slots__ = ("data", "item", "base", "_context", "_state", "_scope_count", "_kind_count")

    def __init__(self, data: dict[str, Any], context: dict[str, Any] | None = None, item: Item | None = None,
                 base: tuple | None = None, state: Any = None, scope_count: int | None = None,
                 kind_count: int | None = None):
        self.data = data
        self.item = item
        self.base = base
        self._context = context
        self._state = state
        self._scope_count = scope_count
        self._kind_count = kind_count

    @property
    def scope_label(self) -> str | None:
        """"17 of 20" when the area lists its plan scope."""
        return None if self._scope_count is None else f"{self._scope_count} of {self._kind_count}"

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            item, st = self.item, self._state
            self._context = {
                "deadline": item.extended_deadline.deadline if self.data.get("extended") else item.deadline,
                "original_deadline": item.deadline,
                "extended_deadline": item.extended_deadline.deadline if item.extended_deadline else None,
                "planned": st.planned if st else None, "value": st.value if st else None,
                "expected": item.expect, "plan_count": self._scope_count, "catalog_count": self._kind_count,
                "department": (st.department if st and st.department else item.department),
                "cost_estimate": st.cost_estimate if st else None,
            }
        return self._context

    def evidence_of(self, fields: tuple[str, ...], raw: Any) -> list[tuple[tuple, Any] | None]:
        """For each field, the profile path and the value as written behind it, or None if the
        field is not from the profile (the profile's item is read once)."""
        if self.base is None:
            out = []
            for fld in fields:
                path = _PROFILE_EVIDENCE.get(fld)
                out.append((path, _raw(raw, path)) if path else None)
            return out
        written = _MISSING
        out = []
        for fld in fields:
            sub = _ITEM_EVIDENCE.get(fld)
            if sub is None:
                out.append(self._other_evidence(fld, raw))
                continue
            if written is _MISSING:
                written = _raw(raw, self.base)        # the item as the profile wrote it
            if isinstance(written, str):
                if fld in ("status", "stated"):       # the profile wrote `ID: status`
                    out.append((self.base, written))
                else:
                    out.append((self.base + sub, None))
            else:
                out.append((self.base + sub, written.get(sub[0]) if isinstance(written, dict) else None))
        return out

    def _other_evidence(self, fld: str, raw: Any) -> tuple[tuple, Any] | None:
        area = self.data["area"]
        if fld in ("plan_scope_set", "in_plan"):
            return ("areas", area, "plan_scope"), self.scope_label
        if fld == "data_age_days":
            return ("as_of",), _raw(raw, ("as_of",))
        if fld.startswith("area_"):
            path = ("areas", area, "facts", fld[5:])
            return path, _raw(raw, path)
        return None


_MISSING = object()


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
    extended: dict[str, Any] | None   # the deadline fields when the extended deadline applies
    scope_kind_count: int             # requirements of the same kind in the area


def _deadline_fields(deadline: _dt.date | None, as_of: _dt.date, window: int) -> dict[str, Any]:
    days = (deadline - as_of).days if deadline else None
    return {"has_deadline": deadline is not None, "deadline_days": days,
            "deadline_status": deadline_status(days, window),
            "deadline_class": jdate.deadline_class(deadline, as_of)}


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
            static = {
                "kind": "requirement",
                "area": area, "req_id": it.id, "req_kind": it.kind, "group": it.group,
                "level": it.level, "obligation": it.obligation,
                **_deadline_fields(it.deadline, as_of, window),
                "in_force": it.effective_from is None or it.effective_from <= as_of,
                "has_extended_deadline": it.extended_deadline is not None, "extended": False,
                "expects_value": it.expect is not None,
            }
            for k in attr_keys:
                static["attr_" + k] = it.attrs.get(k)
            ext = None
            if it.extended_deadline is not None:
                ext = {**_deadline_fields(it.extended_deadline.deadline, as_of, window), "extended": True}
            plans.append(_ItemPlan(it, area, ("areas", area, "items", it.id), static, ext, kinds[it.kind]))
        out.append((area, plans, attr_keys, fact_keys))
    return out


def requirement_fact(plan: _ItemPlan, prof: Profile, raw: Any, as_of: _dt.date,
                     scope: set[str] | None, scope_count: int | None, fact_keys: tuple = ()) -> Fact:
    """The fact for one requirement. Every attr and area fact the catalog knows is present
    (null when not given), so conditions on them behave the same for every requirement."""
    item, area = plan.item, plan.area
    state = prof.areas.get(area)
    st = state.items.get(item.id) if state else None

    d = dict(plan.static)
    extended = bool(st is not None and st.designated and plan.extended is not None)
    if extended:
        d.update(plan.extended)
        deadline = item.extended_deadline.deadline
    else:
        deadline = item.deadline
    status = st.status if st is not None else "unknown"
    planned_after = None
    planned_past = False
    if st is not None and st.planned is not None:
        planned_past = st.planned.end < as_of
        if deadline is not None:
            planned_after = st.planned.start > deadline
    d["status"] = status
    d["stated"] = status != "unknown"
    d["designated"] = st.designated if st is not None else None
    d["planned_set"] = st is not None and st.planned is not None
    d["planned_after_deadline"] = planned_after
    d["planned_past"] = planned_past
    d["value_set"] = st is not None and st.value is not None
    d["value_ok"] = _value_ok(item, st.value) if st is not None else None
    d["plan_scope_set"] = scope is not None
    d["in_plan"] = (item.id in scope) if scope is not None else None
    d["data_age_days"] = (as_of - prof.as_of).days
    for k in fact_keys:
        v = state.facts.get(k) if state else None
        d["area_" + k] = v.start.isoformat() if isinstance(v, jdate.Span) else v

    return Fact(d, None, item, base=plan.base, state=st,
                scope_count=scope_count if scope is not None else None, kind_count=plan.scope_kind_count)


def profile_fact(prof: Profile, raw: Any, as_of: _dt.date) -> Fact:
    plan = prof.plan
    end = plan.period_end.end if plan and plan.period_end else None
    succ = plan.successor if plan else None
    d = {
        "kind": "profile",
        "data_age_days": (as_of - prof.as_of).days,
        "plan_set": plan is not None,
        "plan_end_set": end is not None,
        "plan_end_days": (end - as_of).days if end else None,
        "plan_ended": bool(end and end < as_of),
        "successor_set": succ is not None,
        "successor_adopted": succ.adopted if succ else None,
    }
    ctx = {"plan_end": end, "profile_as_of": prof.as_of,
           "plan_title": plan.title if plan else None}
    return Fact(d, ctx)


def build_facts(prof: Profile, raw: Any, plans_by_area: list, as_of: _dt.date) -> list[Fact]:
    """All facts for one profile, in catalog order (deterministic); `plans_by_area` from
    day_plans for the evaluation date."""
    facts = [profile_fact(prof, raw, as_of)]
    for area, plans, _attr_keys, fact_keys in plans_by_area:
        state = prof.areas.get(area)
        scope = set(state.plan_scope) if state and state.plan_scope is not None else None
        # plan coverage counts requirements of the same kind (e.g. 17 of 20 systems)
        covered: dict[str, int] = {}
        if scope is not None:
            for p in plans:
                covered[p.item.kind] = covered.get(p.item.kind, 0) + (p.item.id in scope)
        for p in plans:
            facts.append(requirement_fact(p, prof, raw, as_of, scope,
                                          covered.get(p.item.kind, 0) if scope is not None else None,
                                          fact_keys))
    for i, f in enumerate(facts):
        f.data["fid"] = i
    return facts
