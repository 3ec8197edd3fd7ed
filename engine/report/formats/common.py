"""What every format shares: labels in both languages, and findings flattened into text cells.

Every renderer takes the result model of ``engine.report.to_dict`` (its ``lang`` decides the
language) and nothing else, so all formats show the same findings.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

from ...load import jdate
from ...labels import ACTION_NAMES, ITEM_STATUS_NAMES, LABELS, OBLIGATION_NAMES, REPORT_LABELS, area_name

from ...labels import labels  # noqa: E402,F401  (every format's labels, in one mapping)


def day(iso: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(iso) if iso else None


def date_label(iso: str | None, lang: str) -> str:
    return jdate.date_label(day(iso), lang) if iso else ""


def status_name(status: str, lang: str) -> str:
    return LABELS[lang]["status_names"].get(status, status)


def severity_name(sev: str, lang: str) -> str:
    return LABELS[lang]["severity_names"].get(sev, sev)


def area_label(d: dict[str, Any], area: str, lang: str) -> str:
    """The area's name (the catalog's name.ja in Japanese), never its ID where a name is known."""
    return area_name(d.get("catalogs") or {}, area, lang)


def basis_label(f: dict[str, Any], lang: str) -> str:
    """What a finding rests on, and whether that is stale: '計画（古い）', 'plan (stale)'; ''
    before findings carry a basis."""
    b = f.get("basis")
    if not b:
        return ""
    out = LABELS[lang]["basis_names"].get(b, b)
    if f.get("stale"):
        out += "（古い）" if lang == "ja" else " (stale)"
    return out


def basis_text(f: dict[str, Any], lang: str) -> str:
    """Basis with the data's age: '計画、1,706日前のデータ（古い）'."""
    out = basis_label(f, lang)
    age = f.get("data_age_days")
    if out and age is not None:
        out += f"、{age:,}日前のデータ" if lang == "ja" else f", data {age:,} days old"
    return out


def summary_line(d: dict[str, Any]) -> str:
    """'集計: 期限超過 44  未対応 18  未評価 66', with shown and total counts under a filter."""
    lang = d["lang"]
    L = labels(lang)
    s = d["summary"]
    line = f"{L['summary']}: " + "  ".join(f"{L['status_names'][k]} {v}" for k, v in s["by_status"].items() if v)
    sel = d.get("selection")
    if sel:
        line += (f"  （表示 {sel['shown']}件 / 全 {sel['total']}件）" if lang == "ja" else
                 f"  (shown {sel['shown']} of {sel['total']})")
        line += "\n" + filter_line(d)
    return line


def filter_line(d: dict[str, Any]) -> str:
    lang = d["lang"]
    L = labels(lang)
    sel = d.get("selection") or {}
    parts = []
    if sel.get("status"):
        parts.append(f"{L['status']}=" + ",".join(status_name(s, lang) for s in sel["status"]))
    if sel.get("severity"):
        parts.append(f"{L['severity']}=" + ",".join(severity_name(s, lang) for s in sel["severity"]))
    if sel.get("area"):
        parts.append(f"{L['area']}=" + ",".join(area_label(d, a, lang) for a in sel["area"]))
    tot = sel.get("total_by_status") or {}
    total = "  ".join(f"{L['status_names'][k]} {v}" for k, v in tot.items() if v)
    return (f"{L['filter']}: " + "  ".join(parts) + (f"    {L['all_findings']}: {total}" if total else ""))


def evidence_text(e: dict[str, Any], lang: str) -> str:
    """'areas.base_systems.items.BS-JUKI.status = planned (line 43)'."""
    if not e.get("present"):
        return f"{e['path']}: " + REPORT_LABELS[lang]["not_in_profile"]
    line = f"（{e['line']}行目）" if lang == "ja" else f" (line {e['line']})"
    value = e["value"]
    if value is None:                   # null in the profile
        value = "なし" if lang == "ja" else "null"
    if lang == "ja" and str(e["path"]).endswith(".status") and value in ITEM_STATUS_NAMES["ja"]:
        value = f"{value}（{ITEM_STATUS_NAMES['ja'][value]}）"      # as written, and what it means
    return f"{e['path']} = {value}" + (line if e.get("line") else "")


def reference_text(r: dict[str, Any]) -> str:
    """'title locator (date) <url>'."""
    out = r.get("title") or r.get("source") or ""
    if r.get("locator"):
        out += " " + r["locator"]
    if r.get("date"):
        out += f" ({r['date']})"
    if r.get("url") and r["url"] != r.get("title"):
        out += f" <{r['url']}>"
    return out


def waiver_text(w: dict[str, Any] | None, lang: str) -> str:
    """One line describing the waiver a finding carries ('' when none)."""
    if not w:
        return ""
    who = w["approved_by"] + (f" {w['approved_on']}" if w.get("approved_on") else "")
    ref = (w.get("id") + " " if w.get("id") else "") + w["ref"]
    if lang == "ja":
        if w["expired"]:
            return (f"免除は期限切れ（{date_label(w['expires'], 'ja')}まで）のため適用されていません: "
                    f"{w['justification']}（承認: {who}、{ref}）")
        return (f"免除（{date_label(w['expires'], 'ja')}まで、本来の状態: {status_name(w['original_status'], 'ja')}）: "
                f"{w['justification']}（承認: {who}、{ref}）")
    if w["expired"]:
        return (f"waiver expired on {w['expires']}, so it no longer applies: {w['justification']} "
                f"(approved by {who}; {ref})")
    return (f"waived until {w['expires']} (status without the waiver: {w['original_status']}): "
            f"{w['justification']} (approved by {who}; {ref})")


def waiver_target(w: dict[str, Any]) -> str:
    if w.get("finding"):
        return w["finding"]
    out = w["rule"]
    if w.get("requirement"):
        out += f" / {w['requirement']}"
    if w.get("profile"):
        out += f" / {w['profile']}"
    return out


def waiver_notes(d: dict[str, Any]) -> list[str]:
    """Note lines about the waiver file: counts, then every expired or unmatched waiver."""
    ws = d.get("waivers")
    if not ws:
        return []
    ja = d["lang"] == "ja"
    n = {k: len(ws[k]) for k in ("applied", "expired", "unmatched", "other_profiles")}
    if ja:
        out = [f"免除ファイル {ws['file']}: 適用 {n['applied']}件、期限切れ {n['expired']}件、"
               f"該当なし {n['unmatched']}件" + (f"、他団体向け {n['other_profiles']}件" if n["other_profiles"] else "")]
    else:
        out = [f"Waivers {ws['file']}: applied {n['applied']}, expired {n['expired']}, unmatched {n['unmatched']}"
               + (f", for other profiles {n['other_profiles']}" if n["other_profiles"] else "")]
    def ref(w):
        return (w["id"] + " " if w.get("id") else "") + w["ref"] + f" ({waiver_target(w)})"

    for w in ws["applied"]:
        ids = ", ".join(w["findings"])
        out.append(f"  {ref(w)}: " +
                   (f"{date_label(w['expires'], 'ja')}まで免除（承認: {w['approved_by']}）: {ids}" if ja else
                    f"waived until {w['expires']} (approved by {w['approved_by']}): {ids}"))
    for w in ws["expired"]:
        ids = ", ".join(w["findings"])
        out.append(f"  {ref(w)}: " +
                   (f"{date_label(w['expires'], 'ja')}で期限切れのため適用なし。{ids} は本来の状態で表示" if ja else
                    f"expired on {w['expires']}, so it no longer applies; shown with their real status: {ids}"))
    for w in ws["unmatched"]:
        out.append(f"  {ref(w)}: " +
                   ("該当する指摘がありません（不要になった免除か、指定の誤り）" if ja else
                    "matches no finding (no longer needed, or a wrong ID)"))
    return out


def data_age_text(d: dict[str, Any]) -> str:
    """After the profile's date: its basis, and its age when it is stale ('' otherwise)."""
    from ...vocab import MAX_AGE_DAYS

    lang = d["lang"]
    p = d["profile"]
    out = ""
    if p.get("basis"):
        out += f"  {labels(lang)['basis']}: {LABELS[lang]['basis_names'].get(p['basis'], p['basis'])}"
    age = (day(d["as_of"]) - day(p["as_of"])).days if p.get("as_of") else None
    stale = p.get("stale")
    if stale is None and age is not None:
        stale = age > d.get("max_age_days", MAX_AGE_DAYS)
    if stale and age is not None:
        out += (f"  ※{age:,}日前のデータ（{d.get('max_age_days', MAX_AGE_DAYS)}日より古い）" if lang == "ja" else
                f"  (stale: {age:,} days old, more than {d.get('max_age_days', MAX_AGE_DAYS)})")
    return out


def catalogs_line(d: dict[str, Any], editions: bool = True) -> str:
    """The catalog editions and the rule set. editions=False (the terminal view, whose area
    headings carry their editions): only the catalogs of areas without a finding shown."""
    lang = d["lang"]
    L = labels(lang)
    shown = {f["area"] for f in d["findings"]}
    cats = [(a, c) for a, c in d["catalogs"].items() if editions or a not in shown]
    if not cats:
        return f"{L['rules']}: {d['rules_version']}"
    head = L["catalogs"] if editions else L["other_catalogs"]
    return (f"{head}: " + ", ".join(f"{area_label(d, a, lang)} {c['edition']}" for a, c in cats)
            + f"    {L['rules']}: {d['rules_version']}")


def header_lines(d: dict[str, Any], editions: bool = True) -> list[str]:
    """The run's identity: municipality, dates, catalogs, rule set, summary (table and markdown)."""
    lang = d["lang"]
    L = labels(lang)
    p = d["profile"]
    return [
        f"{L['profile']}: {p['name']}" + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
        + f"  {p['code']}  {p['prefecture']}",
        f"{L['evaluated']}: {date_label(d['as_of'], lang)}    {L['data_as_of']}: {date_label(p['as_of'], lang)}"
        + data_age_text(d),
        catalogs_line(d, editions),
    ] + summary_line(d).split("\n")


def _fy(f: dict[str, Any]) -> str:
    return f["fiscal_year_label"] or ""


# The columns of one finding as flat cells (CSV, xlsx): key, label key, value.
Column = tuple[str, Callable[[dict[str, Any], str], Any]]
COLUMNS: list[Column] = [
    ("id", lambda f, lang: f["id"]),
    ("status", lambda f, lang: status_name(f["status"], lang)),
    ("severity", lambda f, lang: severity_name(f["severity"], lang)),
    ("area", lambda f, lang: f.get("area_name") or f["area"]),
    ("requirement_id", lambda f, lang: f["requirement"]),
    ("requirement_name", lambda f, lang: f["requirement_name"]),
    ("rule", lambda f, lang: f["rule"]),
    ("obligation", lambda f, lang: OBLIGATION_NAMES[lang][f["obligation"]]),
    ("deadline", lambda f, lang: f["deadline"] or ""),
    ("days_to_deadline", lambda f, lang: f["days_to_deadline"]),
    ("fiscal_year", lambda f, lang: _fy(f)),
    ("basis", lambda f, lang: basis_text(f, lang)),
    ("finding_title", lambda f, lang: f["title"]),
    ("message", lambda f, lang: f["message"]),
    ("remediation", lambda f, lang: f["remediation"] or ""),
    ("department", lambda f, lang: f["department"] or ""),
    ("action", lambda f, lang: ACTION_NAMES[lang].get(f["action"], f["action"]) if f["action"] else ""),
    ("cost", lambda f, lang: f["cost_estimate"]),
    ("evidence", lambda f, lang: "\n".join(evidence_text(e, lang) for e in f["evidence"])),
    ("references", lambda f, lang: "\n".join(reference_text(r) for r in f["references"])),
    ("waiver", lambda f, lang: waiver_text(f["waiver"], lang)),
]


def column_headers(lang: str) -> list[str]:
    L = labels(lang)
    return [L[k] for k, _ in COLUMNS]


def finding_cells(f: dict[str, Any], lang: str, d: dict[str, Any] | None = None) -> list[Any]:
    """One finding's cells; with the result model `d`, the area by its name."""
    if d is not None:
        f = {**f, "area_name": area_label(d, f["area"], lang)}
    return [get(f, lang) for _, get in COLUMNS]


def cited_sources(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct source the findings cite (source, title, locator, date, url), sorted."""
    seen: dict[tuple, dict[str, Any]] = {}
    for f in d["findings"]:
        for r in f["references"]:
            key = (r.get("source") or "", r.get("title") or "", r.get("locator") or "")
            seen.setdefault(key, r)
    return [seen[k] for k in sorted(seen)]
