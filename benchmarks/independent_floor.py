"""An independent floor: gapcheck's findings JSON from plain Python, without gapcheck's code.

    python benchmarks/independent_floor.py PROFILE [--as-of D] [-o FILE]          # = gapcheck run PROFILE --format json
    python benchmarks/independent_floor.py DIR... --output-dir OUT [--as-of D] [--jobs N]   # = gapcheck run DIR --output-dir OUT

It imports nothing of the project. It reads catalogs/*.yaml and rules/*.yaml itself (PyYAML with
libyaml), checks a profile with a few type checks, resolves what it says of each requirement
(the item, the area's defaults, plan_scope, the profile's basis and as_of), derives the facts
docs/RULES.md describes, matches every rule's `when` with plain Python predicates (a comparison
with null never holds, except is_null), lets one rule decide each requirement (schema 2.0: stage,
status, severity, rule ID; the others are also_matched) and writes the same JSON document
(orjson). Only what the example and generated profiles use is covered: see benchmarks/README.md
for what it does not do.
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
from fractions import Fraction
from pathlib import Path

import orjson
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("GAPCHECK_DATA") or ROOT)
SCHEMA_VERSION = "2.0"                                   # docs/OUTPUTS.md: the format reproduced
STATUSES = ("overdue", "unverified", "due_soon", "gap", "unassessed", "waived", "not_applicable", "ok")  # most urgent first
SEVERITIES = ("critical", "high", "medium", "low", "info")
ITEM_STATUSES = ("done", "in_progress", "planned", "not_started", "not_applicable", "unknown")
PROFILE_BASES = ("record", "survey", "plan")
BASIS_RANK = {"record": 0, "national": 0, "survey": 1, "plan": 2, "none": 3}     # higher: weaker
DUE_SOON = 180
MAX_AGE = 365           # evidence older than this many days is stale
# severity: by_obligation (docs/RULES.md "Severity"): by status and the requirement's obligation
_LADDER = ("legal", "effort", "target", "recommendation", "optional")
BY_OBLIGATION = {
    "overdue": dict(zip(_LADDER, ("critical", "high", "high", "medium", "low"))),
    "unverified": dict(zip(_LADDER, ("high", "medium", "medium", "low", "info"))),
    "due_soon": dict(zip(_LADDER, ("high", "medium", "medium", "low", "info"))),
    "gap": dict(zip(_LADDER, ("high", "medium", "medium", "low", "info"))),
    "unassessed": dict(zip(_LADDER, ("medium", "medium", "low", "low", "info"))),
    "not_applicable": dict.fromkeys(_LADDER, "info"), "ok": dict.fromkeys(_LADDER, "info")}
UNASSESSED_PAST_DUE = dict(zip(_LADDER, ("high", "medium", "medium", "low", "info")))   # unassessed, due passed
# the words of messages: bases, item statuses, municipality attributes (true / false / unknown)
BASIS_NAMES = {"ja": {"record": "記録", "national": "国が提供", "survey": "調査回答", "plan": "計画", "none": "根拠なし"},
               "en": {b: b for b in ("record", "national", "survey", "plan", "none")}}
ITEM_STATUS_NAMES = {
    "ja": {"done": "完了", "in_progress": "対応中", "planned": "予定", "not_started": "未着手",
           "not_applicable": "対象外", "unknown": "不明"},
    "en": {"done": "done", "in_progress": "in progress", "planned": "planned", "not_started": "not started",
           "not_applicable": "not applicable", "unknown": "unknown"}}
ATTRIBUTE_NAMES = {
    "ja": {"type": ("団体区分", None, None), "welfare_office": ("福祉事務所", "福祉事務所を設置している", "福祉事務所を設置していない"),
           "nhi_levy": ("国民健康保険の賦課方式（税・料）", None, None),
           "port": ("港湾管理者", "港湾管理者である", "港湾管理者ではない"),
           "river": ("河川管理者", "河川管理者である", "河川管理者ではない"),
           "water": ("水道事業", "水道事業を経営している", "水道事業を経営していない"),
           "sewerage": ("下水道事業", "下水道事業を経営している", "下水道事業を経営していない"),
           "building_official": ("建築主事", "建築主事を置いている", "建築主事を置いていない"),
           "industrial_waste_authority": ("産業廃棄物の許可権限", "産業廃棄物処理業の許可権限を持つ",
                                          "産業廃棄物処理業の許可権限を持たない"),
           "health_center": ("保健所", "保健所を設置している", "保健所を設置していない")},
    "en": {"type": ("type of local government", None, None),
           "welfare_office": ("welfare office", "runs a welfare office (福祉事務所)", "runs no welfare office (福祉事務所)"),
           "nhi_levy": ("national health insurance levied as tax or premium", None, None),
           "port": ("port management", "is a port authority", "is no port authority"),
           "river": ("river management", "manages rivers", "manages no rivers"),
           "water": ("water supply", "runs the water supply", "runs no water supply"),
           "sewerage": ("sewerage", "runs sewerage", "runs no sewerage"),
           "building_official": ("building official", "has a building official (建築主事)",
                                 "has no building official (建築主事)"),
           "industrial_waste_authority": ("industrial waste licensing", "licenses industrial waste businesses",
                                          "does not license industrial waste businesses"),
           "health_center": ("health centre", "runs a health centre (保健所)", "runs no health centre (保健所)")}}
NHI_NAMES = {"ja": {"tax": "国民健康保険税", "premium": "国民健康保険料"},
             "en": {"tax": "levied as a tax (国民健康保険税)", "premium": "levied as a premium (国民健康保険料)"}}
UNMATCHED = {   # the safety net: a requirement no rule spoke about is unassessed (docs/RULES.md)
    "id": "gapcheck.unmatched", "when": [{"stated": True}], "status": "unassessed", "severity": "by_obligation",
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
                      refs=cite(it["citation"]), ext_refs=cite(ext.get("citation") or []) if ext else [],
                      applies_if=it.get("applies_if") or {},
                      national=None if not it.get("provided_nationally") else {
                          "since": day(it["provided_nationally"]["since"]),
                          "refs": cite(it["provided_nationally"]["citation"])})
            items[it["id"]] = it
        cats[area] = {"items": c["items"], "profile_facts": sorted(c.get("profile_facts") or {}),
                      "derived_facts": {k: v["ratio"] for k, v in (c.get("derived_facts") or {}).items()},
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
    rule.setdefault("stage", "status")
    fields, rule["pred"] = conditions(rule["when"])
    rule["fields"] = tuple(dict.fromkeys(fields))          # also the fields whose evidence a finding cites
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


_ZEN = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def token(v):
    """Full-width ASCII read as ASCII and trimmed, when the result is ASCII (IDs, code words)."""
    if not isinstance(v, str):
        return v
    if v.isascii():
        return v.strip()
    s = v.translate(_ZEN).strip()
    return s if s.isascii() else v


STATUS_WORDS = {"完了": "done", "実施済": "done", "済": "done", "対応済": "done", "移行済": "done",
                "実施中": "in_progress", "対応中": "in_progress", "移行中": "in_progress",
                "予定": "planned", "計画": "planned", "計画中": "planned",
                "未着手": "not_started", "未実施": "not_started", "未対応": "not_started",
                "対象外": "not_applicable", "該当なし": "not_applicable", "不明": "unknown", "未確認": "unknown"}
BASIS_WORDS = {"記録": "record", "実績": "record", "調査": "survey", "調査回答": "survey", "計画": "plan"}
NHI_WORDS = {"国保税": "tax", "国民健康保険税": "tax", "税": "tax",
             "国保料": "premium", "国民健康保険料": "premium", "料": "premium"}
MUNI_TYPES = ("都道府県", "政令市", "中核市", "市", "町", "村", "特別区")
BOOL_ATTRS = ("welfare_office", "port", "river", "water", "sewerage", "building_official",
              "industrial_waste_authority", "health_center")
ATTRS = ("type", "welfare_office", "nhi_levy") + BOOL_ATTRS[1:]      # applies_if may name these


def word(v, words: dict, allowed, what: str):
    if v is None:
        return None
    need(isinstance(v, str), f"{what}: {v!r}")
    s = token(v)
    s = words.get(s, s.lower() if s.isascii() else s)
    need(s in allowed, f"{what}: {v!r}")
    return s


def flag(v, what: str):
    need(v is None or isinstance(v, bool), f"{what} is true or false")
    return v


YEN_UNITS = {"兆": 10 ** 12, "億": 10 ** 8, "千万": 10 ** 7, "百万": 10 ** 6, "万": 10 ** 4, "千": 10 ** 3}
YEN_TERM = re.compile(r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(千万|百万|兆|億|万|千)?")


def yen(v, what: str):
    """An amount as people write it: 1200000, "1,200,000", "500万円", "約500万円", "1億2,000万円"."""
    if isinstance(v, float):
        need(v.is_integer(), what)
        v = int(v)
    elif isinstance(v, str):
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
        s = next((s[len(w):] for w in ("おおよそ", "およそ", "概算", "概ね", "約") if s.startswith(w)), s)
        s = next((s[:-len(w)] for w in ("程度", "前後", "ほど", "くらい", "ぐらい") if s.endswith(w)), s)
        s = s.removeprefix("¥").removeprefix("\\").removeprefix("金").removesuffix("円").removesuffix("也")
        need(bool(s), what)
        total, last, pos = Fraction(0), None, 0
        while pos < len(s):                   # terms from the largest unit down, a bare number last
            m = YEN_TERM.match(s, pos)
            need(m is not None, what)
            unit = YEN_UNITS[m[2]] if m[2] else 1
            need((last is None or unit < last) and (unit != 1 or m.end() == len(s)), what)
            total += Fraction(m[1].replace(",", "")) * unit
            last, pos = unit, m.end()
        need(total.denominator == 1, what)
        v = int(total)
    need(v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10 ** 13), what)
    return v


def opt_span(v):
    return None if v is None else span(v)


def text(v, what: str):
    need(v is None or isinstance(v, str), f"{what} is a text")
    return v


ITEM_KEYS = {"status", "basis", "as_of", "in_plan", "done_on", "planned", "designated", "designated_until",
             "designation_reason", "value", "department", "cost_estimate", "cost_approximate", "source", "note"}
DEFAULT_KEYS = ("status", "basis", "as_of", "in_plan", "planned", "department")   # what a default may set


def statement(s: dict, what: str, keys) -> dict:
    """An item's (or an area's defaults') values, normalised; only those given (not null)."""
    need(isinstance(s, dict) and set(s) <= set(keys), f"{what}: unknown keys {sorted(set(s) - set(keys))}")
    out = {}
    for k, v in s.items():
        if v is None:
            continue
        if k == "status":
            v = word(v, STATUS_WORDS, ITEM_STATUSES, f"{what}: status")
        elif k == "basis":
            v = word(v, BASIS_WORDS, PROFILE_BASES, f"{what}: basis")
        elif k == "as_of":
            v = span(v)[1]
        elif k in ("planned", "designated_until", "done_on"):
            v = span(v)
        elif k in ("in_plan", "designated", "cost_approximate"):
            v = flag(v, f"{what}: {k}")
        elif k == "cost_estimate":
            v = yen(v, f"{what}: cost_estimate")
        elif k == "value":
            v = token(v)
            need(isinstance(v, (str, int)) and not isinstance(v, bool), f"{what}: value")
        else:
            v = text(v, f"{what}: {k}")
        out[k] = v
    return out


def load_profile(path: str, cs: dict) -> dict:
    raw, text_ = read(Path(path))
    data, lines = compose(text_)
    need(isinstance(data, dict), "the top level is not a mapping")
    need(data.get("profile_version", 1) in (1, 2), "profile_version is 1 or 2")
    muni = data.get("municipality")
    need(isinstance(muni, dict) and all(isinstance(muni.get(k), str) for k in ("name", "code", "prefecture")),
         "municipality needs name, code and prefecture")
    need(re.fullmatch(r"\d{6}", muni["code"].strip()) is not None, "code: 6 digits")
    need(isinstance(data.get("id"), str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", data["id"].strip()) is not None, "id")
    attrs = {"type": muni.get("type"), "nhi_levy": word(muni.get("nhi_levy"), NHI_WORDS, ("tax", "premium"), "nhi_levy")}
    need(attrs["type"] in (None,) + MUNI_TYPES, "municipality.type")
    for k in BOOL_ATTRS:
        attrs[k] = flag(muni.get(k), f"municipality.{k}")
    plan = data.get("plan")
    need(plan is None or (isinstance(plan, dict) and isinstance(plan.get("title"), str)), "plan needs a title")
    basis = word(data.get("basis"), BASIS_WORDS, PROFILE_BASES, "basis")
    src = (data.get("source") or "").lower()
    areas = {}
    for area, st in (data.get("areas") or {}).items():
        need(area in cs["areas"], f"unknown area {area}")
        st = st or {}
        scope = st.get("plan_scope")
        need(scope is None or isinstance(scope, list), "plan_scope is a list")
        dflt = statement(st.get("defaults") or {}, f"{area}.defaults", DEFAULT_KEYS)
        items, ids = {}, cs["areas"][area]["ids"]
        for rid, s in (st.get("items") or {}).items():
            need(rid in ids, f"{rid} is not a requirement of {area}")
            s = {"status": s} if isinstance(s, str) else (s or {})
            items[rid] = statement(s, rid, ITEM_KEYS)
        areas[area] = {"scope": None if scope is None else {token(x) for x in scope}, "items": items,
                       "defaults": dflt, "facts": {k: token(v) for k, v in (st.get("facts") or {}).items()}}
    if attrs["nhi_levy"] is None:       # version 1: the area fact elqr_levies.nhi_levied_as
        v = areas.get("elqr_levies", {"facts": {}})["facts"].get("nhi_levied_as")
        attrs["nhi_levy"] = v if v in ("tax", "premium") else None
    succ = plan.get("successor") if plan else None
    return {"path": path, "raw": data, "lines": lines, "sha256": hashlib.sha256(raw).hexdigest(),
            "id": data["id"].strip(), "as_of": day(data.get("as_of")), "areas": areas,
            "version": data.get("profile_version", 1),
            "basis": basis or ("plan" if ("計画" in src or "plan" in src) else "record"), "basis_given": basis,
            "attrs": attrs,
            "muni": {"name": muni["name"], "name_en": muni.get("name_en"), "code": muni["code"].strip(),
                     "prefecture": muni["prefecture"].strip()},
            "plan": plan and {"title": plan["title"], "end": opt_end(plan.get("period_end")),
                              "successor": succ is not None, "adopted": succ.get("adopted") if succ else None}}


def said(p: dict, area: str, rid: str, scope) -> tuple[dict, dict]:
    """What the profile says of one requirement: its item's values, else plan_scope (coverage),
    else the area's defaults (but not their status and planned date for an item the plan does
    not cover), else the profile's (basis, as_of); and where each came from (the profile path,
    None where it is gapcheck's own default)."""
    state = p["areas"].get(area)
    own = state["items"].get(rid) if state else None
    vals, origin = {}, {}
    base = ("areas", area, "items", rid)
    if own:
        vals.update(own)
        origin.update((k, base + (k,)) for k in own)
    if scope is not None and "in_plan" not in vals:
        vals["in_plan"], origin["in_plan"] = rid in scope, ("areas", area, "plan_scope")
    if state:
        outside = vals.get("in_plan") is False     # the plan's default status and date: for what it covers
        for k, v in state["defaults"].items():
            if k not in vals and not (outside and k in ("status", "planned")):
                vals[k], origin[k] = v, ("areas", area, "defaults", k)
    if "status" not in vals:
        vals["status"], origin["status"] = "unknown", None
    if "basis" not in vals:
        vals["basis"], origin["basis"] = p["basis"], ("basis",) if p["basis_given"] else None
    if "as_of" not in vals:
        vals["as_of"], origin["as_of"] = p["as_of"], ("as_of",)
    return vals, origin


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


def applicability(it: dict, attrs: dict):
    """{applies, requires, missing, failing, values} by the item's applies_if (None: it has none)."""
    req = it["applies_if"]
    if not req:
        return None
    missing = [a for a in req if attrs.get(a) is None]
    failing = [a for a, want in req.items() if attrs.get(a) is not None
               and attrs[a] not in (want if isinstance(want, list) else [want])]
    return {"applies": False if failing else None if missing else True, "requires": dict(req),
            "missing": missing, "failing": failing, "values": {a: attrs.get(a) for a in req}}


def facts(p: dict, cs: dict, as_of: dt.date) -> list[dict]:
    """The profile fact, then one requirement fact per live requirement, in catalog order."""
    plan, age = p["plan"], (as_of - p["as_of"]).days
    end = plan["end"] if plan else None
    out = [{"kind": "profile", "data_age_days": age, "stale": age > MAX_AGE, "plan_set": plan is not None,
            "plan_end_set": end is not None, "plan_end_days": (end - as_of).days if end else None,
            "plan_ended": end < as_of if end else None,
            "successor_set": bool(plan and plan["successor"]), "successor_adopted": plan["adopted"] if plan else None,
            "_ctx": {"plan_end": end, "profile_as_of": p["as_of"], "plan_title": plan["title"] if plan else None}}]
    attrs = p["attrs"]
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
            st, origin = said(p, area, it["id"], scope)
            ext = it["ext_deadline"]
            mine = st["designated_until"][1] if "designated_until" in st else None
            extended = bool(st.get("designated")) and ext is not None
            deadline = (min(mine, ext) if mine else ext) if extended else it["deadline"]
            if deadline is not None:                    # the day after which the duty was missed
                due_passed, due_line = deadline < as_of, deadline
            elif it["effective_from"] is not None and it["obligation"] in ("legal", "effort"):
                due_passed, due_line = it["effective_from"] <= as_of, it["effective_from"] - dt.timedelta(days=1)
            else:
                due_passed, due_line = False, None
            planned = st.get("planned")
            app = applicability(it, attrs)
            np = it["national"]
            age = (as_of - st["as_of"]).days
            d = {"kind": "requirement", "area": area, "req_id": it["id"], "req_kind": it["kind"],
                 "group": it.get("group"), "level": it["level"], "obligation": it["obligation"],
                 **deadline_fields(deadline, as_of),
                 "in_force": it["effective_from"] is None or it["effective_from"] <= as_of,
                 "due_passed": due_passed,
                 "has_extended_deadline": ext is not None, "extended": extended,
                 "designated_date_set": mine is not None,
                 "designated_beyond_limit": mine > ext if mine and ext else None,
                 "expects_value": it["expect"] is not None,
                 "conditional": bool(it["applies_if"]),
                 "provided_nationally": np is not None and np["since"] <= as_of,
                 **{"attr_" + k: it["attrs"].get(k) for k in cat["attr_keys"]},
                 "status": st["status"], "stated": st["status"] != "unknown",
                 "designated": st.get("designated"), "planned_set": planned is not None,
                 "planned_after_deadline": planned[0] > deadline if planned and deadline else None,
                 "planned_past": planned[1] < as_of if planned else None,
                 # the plan's date passed after the statement was dated: nothing since says
                 "planned_passed_since": st["as_of"] <= planned[1] < as_of if planned else None,
                 "recorded_after_deadline": st["as_of"] > due_line if due_line else None,
                 "value_set": "value" in st, "value_ok": value_ok(it, st.get("value")),
                 "plan_scope_set": scope is not None, "in_plan": st.get("in_plan"),
                 "applies": True if app is None else app["applies"],
                 "data_age_days": age, "stale": age > MAX_AGE}
            for k in cat["profile_facts"]:
                v = state["facts"].get(k) if state else None
                d["area_" + k] = attrs["nhi_levy"] if k == "nhi_levied_as" and v is None else v
            for k, (num_key, den_key) in cat["derived_facts"].items():    # a whole percentage, half up
                num, den = ((state["facts"].get(x) if state else None) for x in (num_key, den_key))
                whole = all(type(x) is int for x in (num, den))
                d["area_" + k] = (200 * num + den) // (2 * den) if whole and den > 0 else None
            d["_derived"] = cat["derived_facts"]
            d["_item"], d["_st"], d["_origin"], d["_app"] = it, st, origin, app
            d["_ctx"] = {"deadline": deadline, "original_deadline": it["deadline"],
                         "extended_deadline": ext, "designated_until": st.get("designated_until"),
                         "planned": planned, "value": st.get("value"), "expected": it["expect"],
                         "plan_count": covered[it["kind"]] if scope is not None else None,
                         "catalog_count": kinds[it["kind"]],
                         "department": st.get("department") or it.get("department"),
                         "cost_estimate": st.get("cost_estimate"),
                         "statement_as_of": st["as_of"], "basis": st["basis"]}
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
        start, end, text_ = v
        if lang == "ja" or text_ == start.isoformat():
            return text_
        return start.isoformat() if start == end else f"{text_} ({start.isoformat()}..{end.isoformat()})"
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


# the fields a rule tests -> the statement's key whose profile path is their evidence
ITEM_FIELDS = {"status": "status", "stated": "status", "designated": "designated", "extended": "designated",
               "designated_date_set": "designated_until", "designated_beyond_limit": "designated_until",
               "planned_set": "planned", "planned_after_deadline": "planned", "planned_past": "planned",
               "planned_passed_since": "planned", "value_set": "value", "value_ok": "value",
               "in_plan": "in_plan", "plan_scope_set": "in_plan",
               "recorded_after_deadline": "as_of", "data_age_days": "as_of", "stale": "as_of"}
PROFILE_PATHS = {"data_age_days": ("as_of",), "stale": ("as_of",), "plan_set": ("plan", "title"),
                 "plan_end_set": ("plan", "period_end"), "plan_end_days": ("plan", "period_end"),
                 "plan_ended": ("plan", "period_end"), "successor_set": ("plan", "successor"),
                 "successor_adopted": ("plan", "successor", "adopted")}


def evidence(fields: tuple, fact: dict, p: dict) -> list[dict]:
    """Per profile path the fields rest on (once each): the value as written, its line, whether
    it is there, what it rests on (basis) and its date."""
    raw, lines, out, seen = p["raw"], p["lines"], [], set()

    def add(path, basis, date, value=None, written=False):
        if path in seen:
            return
        seen.add(path)
        line = lines.get(path)
        value = (value if written else dig(raw, path)) if line else None
        present = value is not None                         # `key: null` says nothing
        out.append({"path": ".".join(map(str, path)), "value": value, "line": line, "present": present,
                    "basis": basis if present else "none", "date": date.isoformat() if present and date else None})

    if fact["kind"] == "profile":
        for fld in fields:
            if fld in PROFILE_PATHS:
                add(PROFILE_PATHS[fld], "record", p["as_of"])
        return out
    it, st, origin, area = fact["_item"], fact["_st"], fact["_origin"], fact["area"]
    for fld in fields:
        if fld == "provided_nationally":
            np = it["national"]
            if np is not None and ("catalog", it["id"]) not in seen:
                seen.add(("catalog", it["id"]))
                out.append({"path": f"catalog:{area}.{it['id']}.provided_nationally", "value": np["since"].isoformat(),
                            "line": None, "present": True, "basis": "national", "date": np["since"].isoformat()})
        elif fld in ("applies", "conditional"):
            for attr in it["applies_if"]:
                path = ("municipality", attr)
                if attr == "nhi_levy" and path not in lines and ("areas", "elqr_levies", "facts", "nhi_levied_as") in lines:
                    path = ("areas", "elqr_levies", "facts", "nhi_levied_as")
                add(path, p["basis"], p["as_of"])
        elif fld.startswith("area_"):
            for key in fact.get("_derived", {}).get(fld[5:], (fld[5:],)):      # a derived fact: its inputs
                add(("areas", area, "facts", key),
                    p["areas"].get(area, {}).get("defaults", {}).get("basis") or p["basis"], p["as_of"])
        elif fld in ITEM_FIELDS:
            key = ITEM_FIELDS[fld]
            path = origin.get(key) or (("areas", area, "items", it["id"], key) if key != "as_of" else ("as_of",))
            if key == "status" and path[-1] == "status" and isinstance(dig(raw, path[:-1]), str):
                add(path[:-1], st["basis"], st["as_of"], dig(raw, path[:-1]), True)    # `ID: done`
            else:
                add(path, st["basis"], st["as_of"])
    return out


def dig(data, path: tuple):
    for k in path:
        if not isinstance(data, dict) or k not in data:
            return None
        data = data[k]
    return data


def weakest(ev: list[dict]):
    """The weakest basis and the oldest date of the evidence that is there."""
    basis, oldest = None, None
    for e in ev:
        if e["present"]:
            if basis is None or BASIS_RANK[e["basis"]] > BASIS_RANK[basis]:
                basis = e["basis"]
            if e["date"] and (oldest is None or e["date"] < oldest):
                oldest = e["date"]
    return basis or "none", oldest


def status_of(rule: dict, fact: dict) -> str:
    """by_deadline: overdue once the duty is due, due_soon within the window, else gap."""
    if rule["status"] != "by_deadline":
        return rule["status"]
    if fact.get("due_passed") or fact.get("deadline_status") == "overdue":
        return "overdue"
    return "due_soon" if fact.get("deadline_status") == "due_soon" else "gap"


def severity_of(rule: dict, status: str, obligation: str, rf: dict) -> str:
    if rule["severity"] != "by_obligation":
        return rule["severity"]
    if status == "unassessed" and rf.get("due_passed"):
        return UNASSESSED_PAST_DUE[obligation]
    return BY_OBLIGATION[status][obligation]


def phrase(attr: str, value, lang: str, with_key: bool) -> str:
    """A municipality attribute in words, with its profile key (and value) or without."""
    name, yes, no = ATTRIBUTE_NAMES[lang][attr]
    key = f"municipality.{attr}"
    if value is None:
        return name if not with_key else f"{name}（{key}）" if lang == "ja" else f"{name} ({key})"
    if isinstance(value, bool):
        words = yes if value else no
    elif attr == "nhi_levy":
        words = NHI_NAMES[lang].get(value, str(value))
    else:
        words = f"{name}: {value}"
    if not with_key:
        return words
    shown = "true" if value is True else "false" if value is False else value
    return f"{words}（{key}: {shown}）" if lang == "ja" else f"{words} ({key}: {shown})"


def why(app, lang: str, with_key: bool) -> str:
    """Why a duty does (not) apply: the failing attributes, the missing ones, or all it requires."""
    if app is None:
        return ""
    sep = "、" if lang == "ja" else "; "
    if app["applies"] is False:
        attrs, use = app["failing"], True
    elif app["applies"] is None:
        attrs, use, sep = app["missing"], False, ("、" if lang == "ja" else ", ")
    else:
        attrs, use = list(app["requires"]), True
    return sep.join(phrase(a, app["values"][a] if use else None, lang, with_key) for a in attrs)


def finding(rule: dict, fact: dict, rf: dict, req_id: str, status: str, others: list, p: dict, cs: dict,
            as_of: dt.date, lang: str) -> dict:
    it = cs["items"][req_id]
    ctx, st, app = rf["_ctx"], rf["_st"], rf["_app"]
    deadline = ctx["deadline"]
    days = (deadline - as_of).days if deadline else None
    fy = None if deadline is None else fiscal_year(as_of) if days < 0 else fiscal_year(deadline)
    extra = {"requirement_id": req_id, "rule_id": rule["id"], "municipality": p["muni"]["name"],
             "days_left": days, "days_overdue": -days if days is not None and days < 0 else 0, "as_of": as_of,
             "fiscal_year": fy_label(fy, lang) if fy else None, "deadline": deadline,
             "requirement_name": it["name"][lang],
             "applicability_reason": why(app, lang, False),
             "applicability_keys": ", ".join(f"municipality.{a}" for a in (app or {}).get("missing", [])),
             "basis": BASIS_NAMES[lang].get(st["basis"], st["basis"]),
             "status": ITEM_STATUS_NAMES[lang].get(st["status"], st["status"])}
    sources = (extra, fact["_ctx"], fact)
    refs = it["refs"] + (it["ext_refs"] if rf["extended"] else [])
    if rule["stage"] == "applicability" and it["national"] and "provided_nationally" in rule["fields"]:
        refs = refs + it["national"]["refs"]
    ev = evidence(rule["fields"], fact, p)
    basis, oldest = weakest(ev)
    age = (as_of - dt.date.fromisoformat(oldest)).days if oldest else None
    planned = st.get("planned")
    return {
        "id": "GC-" + hashlib.sha256(f"{p['id']}\0{req_id}".encode()).hexdigest()[:12],
        "rule": rule["id"], "area": it["area"], "requirement": req_id,
        "requirement_name": it["name"][lang], "requirement_name_ja": it["name"]["ja"],
        "status": status, "severity": severity_of(rule, status, it["obligation"], rf), "obligation": it["obligation"],
        "deadline": deadline.isoformat() if deadline else None, "days_to_deadline": days,
        "fiscal_year": fy, "fiscal_year_label": fy_label(fy, lang) if fy else None,
        "deadline_class": deadline_class(deadline, as_of),
        "title": render(rule["title"][lang], sources, lang), "message": render(rule["message"][lang], sources, lang),
        "remediation": render(rule["remediation"][lang], sources, lang) if rule["remediation"] else None,
        "department": st.get("department") or it.get("department"),
        "action": rule.get("action") or ("survey" if rule["status"] == "unassessed" else it["action"]),
        "cost_estimate": st.get("cost_estimate"),
        "evidence": ev,
        "references": refs + rule["refs"],
        "waiver": None,
        "basis": basis, "evidence_date": oldest, "data_age_days": age, "stale": age is not None and age > MAX_AGE,
        "in_plan": rf["in_plan"], "planned": planned[2] if planned else None,
        "planned_after_deadline": rf["planned_after_deadline"],
        "applicability": None if app is None else {"applies": app["applies"], "requires": app["requires"],
                                                   "missing": app["missing"], "reason": why(app, lang, True)},
        "also_matched": [{"rule": r["id"], "status": s} for r, _, s in others],
        "legacy_ids": sorted("GC-" + hashlib.sha256(f"{p['id']}\0{r['id']}\0{req_id}".encode()).hexdigest()[:12]
                             for r in [rule] + [o[0] for o in others])}


def decision(rule: dict, status: str) -> tuple:
    """Which matching rule decides a requirement: the earlier stage, the worse status, the graver
    severity (by_obligation after every named one), the rule ID."""
    return (rule["stage"] != "applicability", STATUS_RANK[status], SEVERITY_RANK.get(rule["severity"], 5), rule["id"])


def evaluate(path: str, cs: dict, rs: dict, as_of: dt.date, lang: str) -> dict:
    p = load_profile(path, cs)
    if as_of < p["as_of"]:
        raise Bad(f"the evaluation date {as_of} is before the profile's as_of {p['as_of']}")
    fs = facts(p, cs, as_of)
    index = rs["index"]
    common = index.get(("requirement", "*"), ())
    by_req = {f["req_id"]: f for f in fs if f["kind"] == "requirement"}
    groups: dict = {}
    for f in fs:
        if f["kind"] == "requirement":
            rules, req = index.get(("requirement", f["area"]), ()) + common, f["req_id"]
        else:
            rules, req = index.get(("profile", None), ()), None
        for rule in rules:
            if rule["pred"](f):
                r = rule["requirement"] if req is None else req
                if r in by_req:                  # a profile rule's requirement may not be current
                    groups.setdefault(r, []).append((rule, f, status_of(rule, f)))
    out = []
    for req, ms in groups.items():
        ms.sort(key=lambda m: decision(m[0], m[2]))
        rule, f, st = ms[0]
        if st not in ("ok", "not_applicable"):
            out.append(finding(rule, f, by_req[req], req, st, ms[1:], p, cs, as_of, lang))
    for req, f in by_req.items():
        if req not in groups:
            out.append(finding(UNMATCHED, f, f, req, "unassessed", [], p, cs, as_of, lang))
    area_order = {a: i for i, a in enumerate(cs["areas"])}
    out.sort(key=lambda x: (STATUS_RANK[x["status"]], SEVERITY_RANK[x["severity"]], area_order[x["area"]],
                            cs["req_order"][x["requirement"]]))
    by_area = {}
    for x in out:
        by_area.setdefault(x["area"], dict.fromkeys(STATUSES, 0))[x["status"]] += 1
    open_ = [x["severity"] for x in out if x["status"] not in ("ok", "waived")]
    age = (as_of - p["as_of"]).days
    return {
        "schema_version": SCHEMA_VERSION, "tool": {"name": "gapcheck", "version": TOOL_VERSION}, "lang": lang,
        "as_of": as_of.isoformat(), "due_soon_days": DUE_SOON, "max_age_days": MAX_AGE,
        "profile": {"id": p["id"], **p["muni"], "path": path, "as_of": p["as_of"].isoformat(), "sha256": p["sha256"],
                    "profile_version": p["version"], "basis": p["basis"], "data_age_days": age, "stale": age > MAX_AGE},
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
