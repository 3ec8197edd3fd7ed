"""An independent floor: gapcheck's findings JSON from plain Python, without gapcheck's code.

    python benchmarks/independent_floor.py PROFILE [--as-of D] [-o FILE]          # = gapcheck run PROFILE --format json
    python benchmarks/independent_floor.py DIR... --output-dir OUT [--as-of D] [--jobs N]   # = gapcheck run DIR --output-dir OUT

It imports nothing of the project. It reads catalogs/*.yaml and rules/*.yaml itself (PyYAML with
libyaml), checks a profile with a few type checks, derives the facts docs/RULES.md describes,
matches every rule's `when` with plain Python predicates (a comparison with null never holds,
except is_null) and writes the same JSON document (orjson). Only what the example and generated
profiles use is covered: see benchmarks/README.md for what it does not do.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import operator
import os
import re
import string
import sys
import unicodedata
from pathlib import Path

import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("GAPCHECK_DATA") or ROOT)
SCHEMA_VERSION = "1.1"                                   # docs/OUTPUTS.md: the format reproduced
STATUSES = ("overdue", "unverified", "due_soon", "gap", "unassessed", "waived", "not_applicable", "ok")  # most urgent first
SEVERITIES = ("critical", "high", "medium", "low", "info")
ITEM_STATUSES = {"done", "in_progress", "planned", "not_started", "not_applicable", "unknown"}
DUE_SOON = 180
UNMATCHED = {   # the safety net: a requirement no rule spoke about is unassessed (docs/RULES.md)
    "id": "gapcheck.unmatched", "when": [{"stated": True}], "status": "unassessed", "severity": "info",
    "title": {"ja": "判定するルールがない要件", "en": "No rule assessed this requirement"},
    "message": {"ja": "{requirement_name}: プロファイルの状態（{status}）を判定するルールがないため未評価です",
                "en": "{requirement_name}: no rule assesses the profile's status ({status}), so it is unassessed"},
    "remediation": None, "references": [], "action": None}


class Bad(Exception):
    """A profile the floor refuses."""


class Loader(yaml.CSafeLoader):
    """libyaml, with dates kept as written (they are parsed below, 和暦 included)."""


Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def tool_version() -> str:
    """gapcheck's version: read from the module setup.cfg names (not imported), else the installed
    distribution's metadata."""
    try:
        m = re.search(r"version\s*=\s*attr:\s*([\w.]+)\.__version__", (ROOT / "setup.cfg").read_text())
        for top in (ROOT, ROOT / "src"):
            base = top.joinpath(*m.group(1).split("."))
            for src in (base / "__init__.py", base.with_suffix(".py")):
                if src.is_file():
                    return re.search(r"""__version__\s*=\s*["']([^"']+)""", src.read_text()).group(1)
    except (OSError, AttributeError):
        pass
    from importlib.metadata import version

    return version("gapcheck")


# ------------------------------------------------------------------------------------ dates

ERAS = {"令和": (dt.date(2019, 5, 1), 2019), "平成": (dt.date(1989, 1, 8), 1989), "昭和": (dt.date(1926, 12, 25), 1926)}
ERA_OF = {"R": "令和", "H": "平成", "S": "昭和", "令和": "令和", "平成": "平成", "昭和": "昭和"}
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_JP = re.compile(r"(?:(令和|平成|昭和|[RHS])(\d{1,2})|(\d{4}))"
                 r"(?:(年度)(末)?|年(\d{1,2})月(\d{1,2})日|年(\d{1,2})月(末)?|\.(\d{1,2})\.(\d{1,2})|(年))$")


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


_spans: dict = {}


def span(v) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, text) of an ISO or 和暦 date: a day, month, 年度 (末) or year."""
    hit = _spans.get(v)
    if hit is None:
        hit = _spans[v] = _span(v)
    return hit


def _span(v) -> tuple[dt.date, dt.date, str]:
    if isinstance(v, dt.date):
        return v, v, v.isoformat()
    if not isinstance(v, str):
        raise Bad(f"not a date: {v!r}")
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v)).replace("元年", "1年")
    mixed = re.fullmatch(r"([^()]+)\(([^()]+)\)(.*)", s)          # 2023年度(令和5年度), 2026年(令和8年)9月
    if mixed:
        a, b = span(mixed[1] + mixed[3]), span(mixed[2] + mixed[3])
        if a[:2] != b[:2]:
            raise Bad(f"the two calendars disagree: {v!r}")
        return a[0], a[1], v
    m = _ISO.match(s)
    if m:
        y, mo = int(m[1]), int(m[2])
        if m[3]:
            d = dt.date(y, mo, int(m[3]))
            return d, d, v
        return dt.date(y, mo, 1), _month_end(y, mo), v
    m = _JP.match(s)
    if not m:
        raise Bad(f"not a date: {v!r}")
    y = ERAS[ERA_OF[m[1]]][1] + int(m[2]) - 1 if m[1] else int(m[3])
    if m[4]:                                                                  # 年度, 年度末
        end = dt.date(y + 1, 3, 31)
        return (end if m[5] else dt.date(y, 4, 1)), end, v
    if m[6] or m[10]:                                                         # a day
        d = dt.date(y, int(m[6] or m[10]), int(m[7] or m[11]))
        return d, d, v
    if m[8]:                                                                  # a month, 月末
        end = _month_end(y, int(m[8]))
        return (end if m[9] else dt.date(y, int(m[8]), 1)), end, v
    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)                        # a year
    if m[1]:                                                                  # within its era
        began = ERAS[ERA_OF[m[1]]][0]
        first = max(first, began)
        for start, _ in ERAS.values():
            if start > began:
                last = min(last, start - dt.timedelta(days=1))
    return first, last, v


def day(v) -> dt.date:
    a, b, _ = span(v)
    if a != b:
        raise Bad(f"a single day is needed: {v!r}")
    return a


def opt_end(v):
    return None if v is None else span(v)[1]


def fiscal_year(d: dt.date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def era_year(d: dt.date) -> str:
    for era, (first, base) in ERAS.items():
        if d >= first:
            n = d.year - base + 1
            return f"{era}{'元' if n == 1 else n}年"
    return f"{d.year}年"


def fy_label(fy: int, lang: str) -> str:
    if lang == "en":
        return f"FY{fy}"
    return "令和元年度" if fy == 2019 else era_year(dt.date(fy, 4, 1)).replace("年", "年度")


def date_label(d: dt.date, lang: str) -> str:
    if lang == "en":
        return d.isoformat()
    if d.month == 3 and d.day == 31:
        return f"{d.isoformat()} ({fy_label(d.year - 1, 'ja')}末)"
    return f"{d.isoformat()} ({era_year(d)}{d.month}月{d.day}日)"


def deadline_class(deadline, as_of: dt.date) -> str:
    if deadline is None:
        return "none"
    if deadline < as_of:
        return "overdue"
    return {0: "current_fy", 1: "next_fy"}.get(fiscal_year(deadline) - fiscal_year(as_of), "later")


# ---------------------------------------------------------------------------- catalogs, rules

def read(path: Path) -> tuple[bytes, str]:
    raw = path.read_bytes()
    return raw, raw.decode("utf-8-sig")


def data_files(kind: str) -> list[Path]:
    return sorted(p for p in (DATA / kind).glob("*.yaml") if not p.name.startswith("_"))


class Expect:
    def __init__(self, e: dict):
        self.one_of, self.min_date, self.describe = e.get("one_of"), opt_end(e.get("min_date")), e.get("describe")


def load_catalogs() -> dict:
    cats, items, inputs = {}, {}, []
    for f in data_files("catalogs"):
        raw, text = read(f)
        c = yaml.load(text, Loader=Loader)
        sources = {s["id"]: s for s in c["sources"]}

        def cite(cits, sources=sources):
            return [{"source": s["id"], "title": s["title"], "locator": ci.get("locator"),
                     "date": day(s["date"]).isoformat() if s.get("date") is not None else None,
                     "url": s.get("url")} for ci in cits for s in [sources[ci["source"]]]]

        area = c["area"]
        for it in c["items"]:
            ext = it.get("extended_deadline")
            it.update(area=area, level=it.get("level", "municipal"), action=it.get("action", "other"),
                      deadline=opt_end(it.get("deadline")), attrs=it.get("attrs") or {},
                      effective_from=None if it.get("effective_from") is None else day(it["effective_from"]),
                      withdrawn=None if it.get("withdrawn") is None else day(it["withdrawn"]),
                      expect=Expect(it["expect"]) if it.get("expect") else None,
                      ext_deadline=opt_end(ext["deadline"]) if ext else None,
                      refs=cite(it["citation"]), ext_refs=cite(ext.get("citation") or []) if ext else [])
            items[it["id"]] = it
        cats[area] = {"items": c["items"], "profile_facts": sorted(c.get("profile_facts") or {}),
                      "name": c["name"],
                      "ids": {it["id"] for it in c["items"]},
                      "attr_keys": sorted({k for it in c["items"] for k in it["attrs"]}),
                      "edition": {"edition": c["edition"], "as_of": day(c["as_of"]).isoformat(),
                                  "file": f.name, "sha256": hashlib.sha256(raw).hexdigest(),
                                  "name": {"ja": c["name"]["ja"], "en": c["name"]["en"]}}}
        inputs.append({"kind": "catalog", "path": f"{f.parent.name}/{f.name}", "sha256": hashlib.sha256(raw).hexdigest()})
    return {"areas": dict(sorted(cats.items())), "items": items, "inputs": sorted(inputs, key=lambda i: i["path"]),
            "req_order": {rid: i for i, rid in enumerate(items)}}


def conditions(conds: list):
    """The fields a rule's `when` tests, in order, and its predicate."""
    fields, preds = [], []
    for c in conds:
        (key, val), = c.items()
        if key in ("any", "all"):
            subs = [conditions([x]) for x in val]
            fields += [f for fs, _ in subs for f in fs]
            preds.append((either if key == "any" else every)(tuple(p for _, p in subs)))
            continue
        op, arg = next(iter(val.items())) if isinstance(val, dict) else ("eq", val)
        fields.append(key)
        preds.append(leaf(key, op, arg))
    return fields, every(tuple(preds))


def every(preds: tuple):
    def test(d):
        for p in preds:
            if not p(d):
                return False
        return True
    return preds[0] if len(preds) == 1 else test


def either(preds: tuple):
    def test(d):
        for p in preds:
            if p(d):
                return True
        return False
    return preds[0] if len(preds) == 1 else test


def leaf(f: str, op: str, a):
    """One condition: a comparison with null never holds (not even ne), except is_null."""
    if op == "is_null":
        return (lambda d: d.get(f) is None) if a else (lambda d: d.get(f) is not None)
    if op == "eq" and a is not None:
        return lambda d: d.get(f) == a
    if op == "in":
        a = tuple(a)
        if None not in a:
            return lambda d: d.get(f) in a
    test = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
            "ge": operator.ge, "in": lambda v, a: v in a, "not_in": lambda v, a: v not in a}[op]
    return lambda d: (v := d.get(f)) is not None and test(v, a)


def prepare(rule: dict) -> dict:
    rule.setdefault("fact", "requirement")
    fields, rule["pred"] = conditions(rule["when"])
    rule["fields"] = tuple(dict.fromkeys(fields if rule["fact"] == "profile" else ["status"] + fields))
    rule["refs"] = [{"source": "rule", "title": r, "locator": None, "date": None,
                     "url": r if r.startswith("http") else None} for r in rule.get("references") or []]
    for k in ("title", "message", "remediation"):
        rule.setdefault(k, None)
    return rule


def load_rules() -> dict:
    h, versions, rules, inputs = hashlib.sha256(), set(), [], []
    for f in data_files("rules"):
        raw, text = read(f)
        sha = hashlib.sha256(raw).hexdigest()
        h.update(f.name.encode() + b"\0" + sha.encode() + b"\0")
        doc = yaml.load(text, Loader=Loader)
        versions.add(doc["ruleset_version"])
        rules += [prepare(r) for r in doc["rules"]]
        inputs.append({"kind": "rules", "path": f"{f.parent.name}/{f.name}", "sha256": sha})
    index: dict = {}
    for r in rules:
        index.setdefault((r["fact"], r["catalog"] if r["fact"] == "requirement" else None), []).append(r)
    return {"index": index, "inputs": inputs, "version": "+".join(sorted(versions)) + "-" + h.hexdigest()[:8]}


# ---------------------------------------------------------------------------------- profiles

def compose(text: str) -> tuple[dict, dict]:
    """The document as Python data, and the line of every mapping key by its path."""
    loader = Loader(text)
    try:
        root = loader.get_single_node()
        lines: dict = {}

        def build(node, path):
            if isinstance(node, yaml.MappingNode):
                out = {}
                for k, v in node.value:
                    key = k.value if k.tag == "tag:yaml.org,2002:str" else loader.construct_object(k)
                    lines[path + (key,)] = k.start_mark.line + 1
                    out[key] = build(v, path + (key,))
                return out
            if isinstance(node, yaml.SequenceNode):
                return [build(v, path + (i,)) for i, v in enumerate(node.value)]
            return node.value if node.tag == "tag:yaml.org,2002:str" else loader.construct_object(node)

        return build(root, ()), lines
    finally:
        loader.dispose()


def need(ok: bool, what: str) -> None:
    if not ok:
        raise Bad(what)


def token(v):
    return v.strip() if isinstance(v, str) else v


def load_profile(path: str, cs: dict) -> dict:
    raw, text = read(Path(path))
    data, lines = compose(text)
    need(isinstance(data, dict), "the top level is not a mapping")
    muni = data.get("municipality")
    need(isinstance(muni, dict) and all(isinstance(muni.get(k), str) for k in ("name", "code", "prefecture")),
         "municipality needs name, code and prefecture")
    need(re.fullmatch(r"\d{6}", muni["code"].strip()) is not None, "code: 6 digits")
    need(isinstance(data.get("id"), str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", data["id"].strip()) is not None, "id")
    plan = data.get("plan")
    need(plan is None or (isinstance(plan, dict) and isinstance(plan.get("title"), str)), "plan needs a title")
    areas = {}
    for area, st in (data.get("areas") or {}).items():
        need(area in cs["areas"], f"unknown area {area}")
        st = st or {}
        scope = st.get("plan_scope")
        need(scope is None or isinstance(scope, list), "plan_scope is a list")
        items, ids = {}, cs["areas"][area]["ids"]
        for rid, s in (st.get("items") or {}).items():
            need(rid in ids, f"{rid} is not a requirement of {area}")
            s = {"status": s} if isinstance(s, str) else (s or {})
            need(isinstance(s, dict), f"{rid}: a mapping or a status")
            status = token(s.get("status", "unknown"))
            need(status in ITEM_STATUSES, f"{rid}: unknown status {status!r}")
            need(s.get("designated") in (None, True, False), f"{rid}: designated is true or false")
            cost = s.get("cost_estimate")
            cost = int(cost.replace(",", "")) if isinstance(cost, str) else cost
            need(cost is None or (isinstance(cost, int) and not isinstance(cost, bool) and cost >= 0), "cost_estimate")
            value = token(s.get("value"))
            need(value is None or isinstance(value, (str, int)) and not isinstance(value, bool), f"{rid}: value")
            items[rid] = {"status": status, "designated": s.get("designated"), "value": value, "cost": cost,
                          "planned": span(s["planned"]) if s.get("planned") is not None else None,
                          "department": s.get("department")}
        areas[area] = {"scope": None if scope is None else {token(x) for x in scope}, "items": items,
                       "facts": {k: token(v) for k, v in (st.get("facts") or {}).items()}}
    succ = plan.get("successor") if plan else None
    return {"path": path, "raw": data, "lines": lines, "sha256": hashlib.sha256(raw).hexdigest(),
            "id": data["id"].strip(), "as_of": day(data.get("as_of")), "areas": areas,
            "muni": {"name": muni["name"], "name_en": muni.get("name_en"), "code": muni["code"].strip(),
                     "prefecture": muni["prefecture"].strip()},
            "plan": plan and {"title": plan["title"], "end": opt_end(plan.get("period_end")),
                              "successor": succ is not None, "adopted": succ.get("adopted") if succ else None}}


# ------------------------------------------------------------------------------------- facts

def value_ok(it: dict, value):
    e = it["expect"]
    if e is None or value is None:
        return None
    if e.one_of is not None and str(value) not in e.one_of:
        return False
    if e.min_date is not None:
        try:
            return span(value)[1] >= e.min_date
        except (Bad, ValueError):
            return False
    return True


def deadline_fields(deadline, as_of: dt.date) -> dict:
    days = (deadline - as_of).days if deadline else None
    status = "none" if days is None else "overdue" if days < 0 else "due_soon" if days <= DUE_SOON else "ahead"
    return {"has_deadline": deadline is not None, "deadline_days": days, "deadline_status": status,
            "deadline_class": deadline_class(deadline, as_of)}


def facts(p: dict, cs: dict, as_of: dt.date) -> list[dict]:
    """The profile fact, then one requirement fact per live requirement, in catalog order."""
    plan, age = p["plan"], (as_of - p["as_of"]).days
    end = plan["end"] if plan else None
    out = [{"kind": "profile", "data_age_days": age, "plan_set": plan is not None, "plan_end_set": end is not None,
            "plan_end_days": (end - as_of).days if end else None, "plan_ended": bool(end and end < as_of),
            "successor_set": bool(plan and plan["successor"]), "successor_adopted": plan["adopted"] if plan else None,
            "_ctx": {"plan_end": end, "profile_as_of": p["as_of"], "plan_title": plan["title"] if plan else None}}]
    for area, cat in cs["areas"].items():
        live = [it for it in cat["items"] if not (it["withdrawn"] and it["withdrawn"] <= as_of)
                and it["level"] != "prefectural"]
        state = p["areas"].get(area)
        scope = state["scope"] if state else None
        kinds, covered = {}, {}
        for it in live:
            kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
            covered[it["kind"]] = covered.get(it["kind"], 0) + (scope is not None and it["id"] in scope)
        for it in live:
            st = state["items"].get(it["id"]) if state else None
            ext = bool(st and st["designated"] and it["ext_deadline"])
            deadline = it["ext_deadline"] if ext else it["deadline"]
            planned = st["planned"] if st else None
            d = {"kind": "requirement", "area": area, "req_id": it["id"], "req_kind": it["kind"],
                 "group": it.get("group"), "level": it["level"], "obligation": it["obligation"],
                 **deadline_fields(deadline, as_of),
                 "in_force": it["effective_from"] is None or it["effective_from"] <= as_of,
                 "has_extended_deadline": it["ext_deadline"] is not None, "extended": ext,
                 "expects_value": it["expect"] is not None,
                 **{"attr_" + k: it["attrs"].get(k) for k in cat["attr_keys"]},
                 "status": st["status"] if st else "unknown", "stated": bool(st) and st["status"] != "unknown",
                 "designated": st["designated"] if st else None, "planned_set": planned is not None,
                 "planned_after_deadline": planned[0] > deadline if planned and deadline else None,
                 "planned_past": bool(planned and planned[1] < as_of),
                 "value_set": bool(st) and st["value"] is not None,
                 "value_ok": value_ok(it, st["value"]) if st else None,
                 "plan_scope_set": scope is not None, "in_plan": it["id"] in scope if scope is not None else None,
                 "data_age_days": age,
                 **{"area_" + k: state["facts"].get(k) if state else None for k in cat["profile_facts"]}}
            d["_item"], d["_st"] = it, st
            d["_ctx"] = {"deadline": deadline, "original_deadline": it["deadline"],
                         "extended_deadline": it["ext_deadline"], "planned": planned,
                         "value": st["value"] if st else None, "expected": it["expect"],
                         "plan_count": covered[it["kind"]] if scope is not None else None,
                         "catalog_count": kinds[it["kind"]],
                         "department": (st and st["department"]) or it.get("department"),
                         "cost_estimate": st["cost"] if st else None}
            out.append(d)
    return out


# ---------------------------------------------------------------------------------- findings

def label(v, lang: str) -> str:
    if v is None:
        return "-" if lang == "en" else "なし"
    if isinstance(v, bool):
        return ("yes" if v else "no") if lang == "en" else ("はい" if v else "いいえ")
    if isinstance(v, dt.date):
        return date_label(v, lang)
    if isinstance(v, tuple):                                   # a span as written
        start, end, text = v
        if lang == "ja" or text == start.isoformat():
            return text
        return start.isoformat() if start == end else f"{text} ({start.isoformat()}..{end.isoformat()})"
    if isinstance(v, Expect):
        if v.one_of:
            return " / ".join(v.one_of)
        if v.min_date:
            return label(v.min_date, lang) + (" or later" if lang == "en" else " 以降")
        return v.describe.get(lang) if v.describe else ""
    return str(v)


class Missing(dict):
    def __missing__(self, key):
        return "{" + key + "}"


_names: dict = {}


def render(template: str, sources: tuple, lang: str) -> str:
    names = _names.get(template)
    if names is None:
        names = _names[template] = [n for _, n, _, _ in string.Formatter().parse(template) if n]
    vals = Missing()
    for name in names:
        for src in sources:
            if name in src:
                vals[name] = label(src[name], lang)
                break
    return template.format_map(vals)


def evidence(rule: dict, fact: dict, p: dict) -> list[dict]:
    raw, lines, out, seen = p["raw"], p["lines"], [], set()
    area = fact.get("area")
    base = ("areas", area, "items", fact.get("req_id"))
    written = dig(raw, base)
    for fld in rule["fields"]:
        if fact["kind"] == "profile":
            path = {"data_age_days": ("as_of",), "plan_set": ("plan", "title"), "plan_end_set": ("plan", "period_end"),
                    "plan_end_days": ("plan", "period_end"), "plan_ended": ("plan", "period_end"),
                    "successor_set": ("plan", "successor"),
                    "successor_adopted": ("plan", "successor", "adopted")}.get(fld)
            value = dig(raw, path) if path else None
        elif fld in ITEM_FIELDS:
            sub = ITEM_FIELDS[fld]
            if isinstance(written, str):
                path, value = (base, written) if fld in ("status", "stated") else (base + (sub,), None)
            else:
                path, value = base + (sub,), written.get(sub) if isinstance(written, dict) else None
        elif fld in ("plan_scope_set", "in_plan"):
            c = fact["_ctx"]
            path, value = ("areas", area, "plan_scope"), (None if c["plan_count"] is None else
                                                          f"{c['plan_count']} of {c['catalog_count']}")
        elif fld == "data_age_days":
            path, value = ("as_of",), raw.get("as_of")
        elif fld.startswith("area_"):
            path = ("areas", area, "facts", fld[5:])
            value = dig(raw, path)
        else:
            path = None
        if path is None:
            continue
        key = ".".join(path)
        if key in seen:
            continue
        seen.add(key)
        line = lines.get(path)
        out.append({"path": key, "value": value if line else None, "line": line, "present": line is not None})
    return out


ITEM_FIELDS = {"status": "status", "stated": "status", "designated": "designated", "extended": "designated",
               "planned_set": "planned", "planned_after_deadline": "planned", "planned_past": "planned",
               "value_set": "value", "value_ok": "value"}


def dig(data, path: tuple):
    for k in path:
        if not isinstance(data, dict) or k not in data:
            return None
        data = data[k]
    return data


def status_of(rule: dict, fact: dict) -> str:
    if rule["status"] != "by_deadline":
        return rule["status"]
    return {"overdue": "overdue", "due_soon": "due_soon"}.get(fact.get("deadline_status"), "gap")


def finding(rule: dict, fact: dict, req_id: str, p: dict, cs: dict, as_of: dt.date, lang: str) -> dict:
    it = cs["items"][req_id]
    ctx = fact["_ctx"]
    deadline = ctx.get("deadline", it["deadline"])
    days = (deadline - as_of).days if deadline else None
    fy = None if deadline is None else fiscal_year(as_of) if days < 0 else fiscal_year(deadline)
    extra = {"requirement_id": req_id, "rule_id": rule["id"], "municipality": p["muni"]["name"],
             "days_left": days, "days_overdue": -days if days is not None and days < 0 else 0, "as_of": as_of,
             "requirement_name": it["name"][lang], "fiscal_year": fy_label(fy, lang) if fy else None}
    sources = (extra, ctx, fact)
    st = p["areas"].get(it["area"], {"items": {}})["items"].get(req_id)
    extended = fact["kind"] == "requirement" and fact["extended"] and it["ext_deadline"] is not None
    return {
        "id": "GC-" + hashlib.sha256(f"{p['id']}\0{rule['id']}\0{req_id}".encode()).hexdigest()[:12],
        "rule": rule["id"], "area": it["area"], "requirement": req_id,
        "requirement_name": it["name"][lang], "requirement_name_ja": it["name"]["ja"],
        "status": status_of(rule, fact), "severity": rule["severity"], "obligation": rule["obligation"],
        "deadline": deadline.isoformat() if deadline else None, "days_to_deadline": days,
        "fiscal_year": fy, "fiscal_year_label": fy_label(fy, lang) if fy else None,
        "deadline_class": deadline_class(deadline, as_of),
        "title": render(rule["title"][lang], sources, lang), "message": render(rule["message"][lang], sources, lang),
        "remediation": render(rule["remediation"][lang], sources, lang) if rule["remediation"] else None,
        "department": (st and st["department"]) or it.get("department"),
        "action": rule.get("action") or ("survey" if rule["status"] == "unassessed" else it["action"]),
        "cost_estimate": st["cost"] if st else None,
        "evidence": evidence(rule, fact, p),
        "references": it["refs"] + (it["ext_refs"] if extended else []) + rule["refs"],
        "waiver": None}


def evaluate(path: str, cs: dict, rs: dict, as_of: dt.date, lang: str) -> dict:
    p = load_profile(path, cs)
    if as_of < p["as_of"]:
        raise Bad(f"the evaluation date {as_of} is before the profile's as_of {p['as_of']}")
    fs = facts(p, cs, as_of)
    index = rs["index"]
    matches, hit = [], set()
    for i, f in enumerate(fs):
        for rule in index.get((f["kind"], f.get("area") if f["kind"] == "requirement" else None), ()):
            if rule["pred"](f):
                req = rule["requirement"] if f["kind"] == "profile" else f["req_id"]
                matches.append((rule["id"], i, rule, req, status_of(rule, f)))
                hit.add(req)
    matches.sort(key=lambda m: (m[0], m[1]))
    out = [finding(rule, fs[i], req, p, cs, as_of, lang) for _, i, rule, req, st in matches if st != "ok"]
    for f in fs:
        if f["kind"] == "requirement" and f["req_id"] not in hit:
            out.append(finding(dict(UNMATCHED, obligation=f["obligation"]), f, f["req_id"], p, cs, as_of, lang))
    area_order = {a: i for i, a in enumerate(cs["areas"])}
    out.sort(key=lambda x: (STATUS_RANK[x["status"]], SEVERITY_RANK[x["severity"]], area_order[x["area"]],
                            cs["req_order"][x["requirement"]], x["rule"]))
    by_area = {}
    for x in out:
        by_area.setdefault(x["area"], dict.fromkeys(STATUSES, 0))[x["status"]] += 1
    open_ = [x["severity"] for x in out if x["status"] not in ("ok", "waived")]
    return {
        "schema_version": SCHEMA_VERSION, "tool": {"name": "gapcheck", "version": TOOL_VERSION}, "lang": lang,
        "as_of": as_of.isoformat(), "due_soon_days": DUE_SOON,
        "profile": {"id": p["id"], **p["muni"], "path": path, "as_of": p["as_of"].isoformat(), "sha256": p["sha256"]},
        "catalogs": {a: dict(c["edition"]) for a, c in cs["areas"].items()},
        "area_names": {a: c["name"][lang] for a, c in cs["areas"].items()},
        "rules_version": rs["version"],
        "inputs": [{"kind": "profile", "path": path, "sha256": p["sha256"]}] + cs["inputs"] + rs["inputs"],
        "summary": {"total": len(out), "by_status": {s: sum(x["status"] == s for x in out) for s in STATUSES},
                    "by_severity": {s: open_.count(s) for s in SEVERITIES}, "by_area": dict(sorted(by_area.items()))},
        "waivers": None, "findings": out}


STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
UNMATCHED = prepare(UNMATCHED)
TOOL_VERSION = tool_version()


# -------------------------------------------------------------------------------------- batch

def collect(inputs: list[str]) -> list[str]:
    out, seen = [], set()
    for item in inputs:
        p = Path(item)
        files = [p] if not p.is_dir() else sorted(
            q for q in p.rglob("*.yaml") if q.name != "TEMPLATE.yaml" and not q.name.endswith(".waivers.yaml")
            and not any(part.startswith(("_", ".")) for part in q.relative_to(p).parts))
        for f in files:
            if os.path.realpath(f) not in seen:
                seen.add(os.path.realpath(f))
                out.append(str(f))
    return out


_job: dict = {}


def run_chunk(paths: list[str]) -> list[str]:
    """Evaluate and write each profile of a chunk; the errors, one line per refused profile."""
    cs, rs, as_of, lang, out_dir = _job["args"]
    errors = []
    for path in paths:
        try:
            doc = evaluate(path, cs, rs, as_of, lang)
        except (Bad, ValueError, KeyError, TypeError, AttributeError, OSError, yaml.YAMLError) as e:
            errors.append(f"{path}: {type(e).__name__}: {e}")
            continue
        with open(os.path.join(out_dir, doc["profile"]["id"] + ".json"), "wb") as fh:
            fh.write(orjson.dumps(doc))
    return errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--as-of", default=None)
    ap.add_argument("--lang", choices=("ja", "en"), default=None)
    ap.add_argument("-o", "--output", default=None)
    ap.add_argument("--output-dir", default=None)
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    lang = a.lang or (os.environ.get("GAPCHECK_LANG") if os.environ.get("GAPCHECK_LANG") in ("ja", "en") else "ja")
    as_of = day(a.as_of) if a.as_of else dt.date.today()
    cs = load_catalogs()
    rs = load_rules()
    gc.freeze()
    gc.disable()        # as gapcheck pauses it per profile: nothing here needs the cycle collector
    if not a.output_dir:
        if len(a.inputs) != 1 or os.path.isdir(a.inputs[0]):
            ap.error("several profiles or a folder need --output-dir")
        try:
            text = orjson.dumps(evaluate(a.inputs[0], cs, rs, as_of, lang), option=orjson.OPT_INDENT_2) + b"\n"
        except Bad as e:
            sys.exit(f"error: {a.inputs[0]}: {e}")
        if a.output:
            with open(a.output, "wb") as fh:
                fh.write(text)
        else:
            sys.stdout.buffer.write(text)
        return
    paths = collect(a.inputs)
    os.makedirs(a.output_dir, exist_ok=True)
    _job["args"] = (cs, rs, as_of, lang, a.output_dir)
    jobs = max(1, min(a.jobs, len(paths)))
    size = max(1, min(16, len(paths) // (jobs * 8) or 1))         # as gapcheck's batch splits them
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    if jobs == 1:
        results = map(run_chunk, chunks)
    else:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap(run_chunk, chunks)
    errors, done, synced = [], 0, 0
    for chunk, errs in zip(chunks, results):
        errors += errs
        done += len(chunk)
        if done - synced >= 200:        # written back while the workers go on, as gapcheck syncs
            os.sync()                   # each round of 200 before it moves them into place
            synced = done
    os.sync()
    if jobs > 1:
        pool.close()
        pool.join()
    for e in errors:
        print("error (skipped):", e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
