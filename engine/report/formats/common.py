"""What every format shares: labels in both languages, and findings flattened into text cells.

Every renderer takes the result model of ``engine.report.to_dict`` (its ``lang`` decides the
language) and nothing else, so all formats show the same findings.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

from ...load import jdate
from ...labels import ACTION_NAMES, LABELS, OBLIGATION_NAMES, REPORT_LABELS

EXTRA = {
    "ja": {
        "title": "ギャップ分析結果", "obligation": "義務の種類", "fiscal_year": "対応年度", "department": "担当部門",
        "action": "対応の種類", "remediation": "対応", "evidence": "根拠（プロファイル）", "references": "出典",
        "waiver": "免除", "requirement_id": "要件ID", "requirement_name": "要件", "finding_title": "指摘",
        "cost": "概算費用(円)", "total": "合計", "filter": "絞り込み", "all": "すべて", "details": "詳細", "inputs": "入力ファイル", "kind": "種類",
        "path": "ファイル", "edition": "版", "catalog_as_of": "確認日", "tool": "ツール",
        "rules_version": "ルールセット", "due_soon_days": "期限間近の日数", "citations": "引用された出典",
        "source": "出典ID", "locator": "該当箇所", "date": "日付", "url": "URL", "line": "行",
        "not_in_profile": "プロファイルに記載なし", "waivers": "免除（waiver）", "applied": "適用",
        "expired": "期限切れ", "unmatched": "該当なし", "other_profiles": "他団体向け",
        "expires": "有効期限", "approved_by": "承認者", "approved_on": "承認日", "justification": "理由",
        "findings_label": "対象の指摘", "profile_id": "団体ID", "code": "団体コード", "prefecture": "都道府県",
        "by_area": "分野別・状態別", "by_severity": "重大度別（未対応のもの）", "print": "印刷",
        "search": "検索", "sort_hint": "列見出しをクリックで並べ替え", "findings": "指摘事項",
        "sources_sheet": "出典", "summary_sheet": "集計", "waivers_sheet": "免除",
        "days_to_deadline": "残日数", "deadline_class": "期限区分",
    },
    "en": {
        "title": "Gap analysis", "obligation": "Obligation", "fiscal_year": "Action FY", "department": "Department",
        "action": "Action", "remediation": "Remediation", "evidence": "Evidence (profile)", "references": "References",
        "waiver": "Waiver", "requirement_id": "Requirement ID", "requirement_name": "Requirement",
        "finding_title": "Finding", "cost": "Cost estimate (yen)", "total": "Total", "filter": "Filter",
        "all": "all", "details": "Details",
        "inputs": "Input files", "kind": "Kind", "path": "File", "edition": "Edition",
        "catalog_as_of": "Checked", "tool": "Tool", "rules_version": "Rule set", "due_soon_days": "Due-soon days",
        "citations": "Sources cited", "source": "Source ID", "locator": "Locator", "date": "Date", "url": "URL",
        "line": "line", "not_in_profile": "not in the profile", "waivers": "Waivers", "applied": "applied",
        "expired": "expired", "unmatched": "unmatched", "other_profiles": "for other profiles",
        "expires": "Expires", "approved_by": "Approved by", "approved_on": "Approved on",
        "justification": "Justification", "findings_label": "Findings", "profile_id": "Profile ID",
        "code": "Code", "prefecture": "Prefecture", "by_area": "By area and status",
        "by_severity": "Open findings by severity", "print": "Print", "search": "Search",
        "sort_hint": "click a column heading to sort", "findings": "Findings", "sources_sheet": "Sources",
        "summary_sheet": "Summary", "waivers_sheet": "Waivers", "days_to_deadline": "Days left",
        "deadline_class": "Deadline class",
    },
}

def labels(lang: str) -> dict[str, Any]:
    from ...labels import labels as all_labels

    return all_labels(lang)


def day(iso: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(iso) if iso else None


def date_label(iso: str | None, lang: str) -> str:
    return jdate.date_label(day(iso), lang) if iso else ""


def status_name(status: str, lang: str) -> str:
    return LABELS[lang]["status_names"].get(status, status)


def severity_name(sev: str, lang: str) -> str:
    return LABELS[lang]["severity_names"].get(sev, sev)


def evidence_text(e: dict[str, Any], lang: str) -> str:
    """'areas.base_systems.items.BS-JUKI.status = planned (line 43)'."""
    if not e.get("present"):
        return f"{e['path']}: " + REPORT_LABELS[lang]["not_in_profile"]
    line = f"（{e['line']}行目）" if lang == "ja" else f" (line {e['line']})"
    return f"{e['path']} = {e['value']}" + (line if e.get("line") else "")


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


def header_lines(d: dict[str, Any]) -> list[str]:
    """The run's identity: municipality, dates, catalogs, rule set, summary (table and markdown)."""
    lang = d["lang"]
    L = labels(lang)
    p = d["profile"]
    s = d["summary"]
    return [
        f"{L['profile']}: {p['name']}" + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
        + f"  {p['code']}  {p['prefecture']}",
        f"{L['evaluated']}: {date_label(d['as_of'], lang)}    {L['data_as_of']}: {date_label(p['as_of'], lang)}",
        f"{L['catalogs']}: " + ", ".join(f"{a} {c['edition']}" for a, c in d["catalogs"].items())
        + f"    {L['rules']}: {d['rules_version']}",
        f"{L['summary']}: " + "  ".join(f"{L['status_names'][k]} {v}" for k, v in s["by_status"].items() if v),
    ]


def _fy(f: dict[str, Any]) -> str:
    return f["fiscal_year_label"] or ""


# The columns of one finding as flat cells (CSV, xlsx): key, label key, value.
Column = tuple[str, Callable[[dict[str, Any], str], Any]]
COLUMNS: list[Column] = [
    ("id", lambda f, lang: f["id"]),
    ("status", lambda f, lang: status_name(f["status"], lang)),
    ("severity", lambda f, lang: severity_name(f["severity"], lang)),
    ("area", lambda f, lang: f["area"]),
    ("requirement_id", lambda f, lang: f["requirement"]),
    ("requirement_name", lambda f, lang: f["requirement_name"]),
    ("rule", lambda f, lang: f["rule"]),
    ("obligation", lambda f, lang: OBLIGATION_NAMES[lang][f["obligation"]]),
    ("deadline", lambda f, lang: f["deadline"] or ""),
    ("days_to_deadline", lambda f, lang: f["days_to_deadline"]),
    ("fiscal_year", lambda f, lang: _fy(f)),
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


def finding_cells(f: dict[str, Any], lang: str) -> list[Any]:
    return [get(f, lang) for _, get in COLUMNS]


def cited_sources(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct source the findings cite (source, title, locator, date, url), sorted."""
    seen: dict[tuple, dict[str, Any]] = {}
    for f in d["findings"]:
        for r in f["references"]:
            key = (r.get("source") or "", r.get("title") or "", r.get("locator") or "")
            seen.setdefault(key, r)
    return [seen[k] for k in sorted(seen)]
