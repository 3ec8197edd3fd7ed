"""What a profile states, item by item, with the shorthands resolved (version 1 or 2).

A profile may say a thing once for many items: `plan_scope` (in_plan true for the listed items,
false for the area's other current items), v2 `defaults` (every current item of the area that
does not say otherwise), the profile's `basis` (v1: `plan` when its `source` names a plan, else
`record`), v1's `nhi_levied_as` fact (v2's municipality.nhi_levy). `statements` spells it out
per current requirement; the workbook writer shows it and the round-trip tests compare it.
Works on the profile as read from YAML (a dict), so it reads v2 profiles before the model does.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from .workbook_format import ATTRIBUTE_KEYS

ITEM_FIELDS = ("status", "basis", "as_of", "in_plan", "planned", "done_on", "designated", "designated_until",
               "designation_reason", "value", "department", "cost_estimate", "cost_approximate", "source", "note")


def default_basis(data: dict) -> str:
    """The profile's basis: v2 says it; v1's is `plan` when its source names a plan, else `record`."""
    if data.get("basis"):
        return str(data["basis"])
    src = str(data.get("source") or "")
    return "plan" if ("計画" in src or "plan" in src.lower()) else "record"


def municipality(data: dict) -> dict[str, Any]:
    """name, name_en, code, prefecture and the v2 attributes (None where not said)."""
    m = dict(data.get("municipality") or {})
    out = {k: m.get(k) for k in ("name", "name_en", "code", "prefecture")}
    for k in ATTRIBUTE_KEYS:
        out[k] = m.get(k)
    if out.get("nhi_levy") is None:
        facts = ((data.get("areas") or {}).get("elqr_levies") or {}).get("facts") or {}
        out["nhi_levy"] = facts.get("nhi_levied_as")
    return out


def _item(v: Any) -> dict:
    if isinstance(v, str):
        return {"status": v}
    return dict(v or {})


def statements(data: dict, cs, as_of: _dt.date | None = None) -> dict[str, dict[str, dict]]:
    """area -> requirement ID -> {field: value} for every current requirement of every catalog at
    `as_of` (default: the profile's as_of), with the shorthands resolved. A field not said is
    absent; a requirement not said is {}."""
    from .jdate import parse_day

    day = as_of or parse_day(data["as_of"])
    areas = data.get("areas") or {}
    out: dict[str, dict[str, dict]] = {}
    for area, cat in cs.catalogs.items():
        st = areas.get(area) or {}
        defaults = dict(st.get("defaults") or {})
        scope = st.get("plan_scope")
        items = st.get("items") or {}
        per: dict[str, dict] = {}
        for it in cat.current_items(day):
            own = _item(items.get(it.id))
            s = {**defaults, **own} if own or defaults else {}
            if "in_plan" not in s and scope is not None:
                s["in_plan"] = it.id in scope
            per[it.id] = {k: s[k] for k in ITEM_FIELDS if s.get(k) is not None}
        out[area] = per
    return out
