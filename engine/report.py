"""Reports: one result model, many formats. Every format is rendered from `to_dict(result)`."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from . import TOOL_NAME, __version__, jdate
from .evaluate import Finding, Result
from .models import FINDING_STATUSES, SEVERITIES

SCHEMA_VERSION = "1.0"
MESSAGE_WIDTH = 60   # display columns; longer messages wrap inside their cell

LABELS = {
    "ja": {
        "rule": "ルール", "area": "分野", "requirement": "要件", "status": "状態", "severity": "重大度",
        "deadline": "期限", "days": "残日数", "message": "内容", "id": "ID", "fy": "対応年度",
        "profile": "団体", "evaluated": "評価基準日", "data_as_of": "データ時点",
        "catalogs": "カタログ", "rules": "ルールセット", "summary": "集計", "none": "該当する指摘はありません",
        "status_names": {"overdue": "期限超過", "due_soon": "期限間近", "gap": "未対応", "unassessed": "未評価",
                         "waived": "免除", "ok": "適合"},
        "severity_names": {"critical": "重大", "high": "高", "medium": "中", "low": "低", "info": "情報"},
    },
    "en": {
        "rule": "Rule", "area": "Area", "requirement": "Requirement", "status": "Status", "severity": "Severity",
        "deadline": "Deadline", "days": "Days left", "message": "Message", "id": "ID", "fy": "Action FY",
        "profile": "Municipality", "evaluated": "Evaluated as of", "data_as_of": "Data as of",
        "catalogs": "Catalogs", "rules": "Rule set", "summary": "Summary", "none": "No findings",
        "status_names": {s: s for s in FINDING_STATUSES},
        "severity_names": {s: s for s in SEVERITIES},
    },
}


def summary(findings: list[Finding]) -> dict[str, Any]:
    by_status = Counter(f.status for f in findings)
    by_sev = Counter(f.severity for f in findings if f.status not in ("ok", "waived"))
    by_area: dict[str, dict[str, int]] = {}
    for f in findings:
        by_area.setdefault(f.area, {s: 0 for s in FINDING_STATUSES})[f.status] += 1
    return {
        "total": len(findings),
        "by_status": {s: by_status.get(s, 0) for s in FINDING_STATUSES},
        "by_severity": {s: by_sev.get(s, 0) for s in SEVERITIES},
        "by_area": dict(sorted(by_area.items())),
    }


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "id": f.id,
        "rule": f.rule,
        "area": f.area,
        "requirement": f.requirement,
        "requirement_name": f.requirement_name[lang],
        "requirement_name_ja": f.requirement_name["ja"],
        "status": f.status,
        "severity": f.severity,
        "obligation": f.obligation,
        "deadline": f.deadline.isoformat() if f.deadline else None,
        "days_to_deadline": f.days_to_deadline,
        "fiscal_year": f.fiscal_year,
        "fiscal_year_label": jdate.fy_label(f.fiscal_year, lang) if f.fiscal_year else None,
        "deadline_class": f.deadline_class,
        "title": f.title[lang],
        "message": f.message[lang],
        "remediation": f.remediation[lang] if f.remediation else None,
        "department": f.department,
        "action": f.action,
        "cost_estimate": f.cost_estimate,
        "evidence": f.evidence,
        "references": f.references,
        "waiver": f.waiver,
    }


def to_dict(result: Result, lang: str = "ja") -> dict[str, Any]:
    lp = result.profile
    p = lp.profile
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "lang": lang,
        "as_of": result.as_of.isoformat(),
        "due_soon_days": result.due_soon_days,
        "profile": {
            "id": p.id, "name": p.municipality.name, "name_en": p.municipality.name_en,
            "code": p.municipality.code, "prefecture": p.municipality.prefecture,
            "path": lp.path, "as_of": p.as_of.isoformat(), "sha256": lp.document.sha256,
        },
        "catalogs": result.catalogs.editions(),
        "rules_version": result.rules_version,
        "summary": summary(result.findings),
        "findings": [finding_dict(f, lang) for f in result.findings],
    }


def render_json(result: Result, lang: str = "ja") -> str:
    return json.dumps(to_dict(result, lang), ensure_ascii=False, indent=2) + "\n"


def _days(n: int | None) -> str:
    return "" if n is None else str(n)


def render_table(result: Result, lang: str = "ja", style: str = "simple") -> str:
    from tabulate import tabulate

    L = LABELS[lang]
    d = to_dict(result, lang)
    p = d["profile"]
    head = [
        f"{L['profile']}: {p['name']}" + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
        + f"  {p['code']}  {p['prefecture']}",
        f"{L['evaluated']}: {jdate.date_label(result.as_of, lang)}    "
        f"{L['data_as_of']}: {jdate.date_label(result.profile.profile.as_of, lang)}",
        f"{L['catalogs']}: " + ", ".join(f"{a} {c['edition']}" for a, c in d["catalogs"].items())
        + f"    {L['rules']}: {d['rules_version']}",
    ]
    s = d["summary"]
    head.append(f"{L['summary']}: " + "  ".join(
        f"{L['status_names'][k]} {v}" for k, v in s["by_status"].items() if v))
    rows = []
    for f in result.findings:
        rows.append([
            f.id, f.rule, f.area, f"{f.requirement} {f.requirement_name[lang]}",
            L["status_names"][f.status], L["severity_names"][f.severity],
            jdate.date_label(f.deadline, lang) if f.deadline else "",
            _days(f.days_to_deadline), jdate.fy_label(f.fiscal_year, lang) if f.fiscal_year else "",
            f.message[lang],
        ])
    headers = [L[k] for k in ("id", "rule", "area", "requirement", "status", "severity", "deadline",
                              "days", "fy", "message")]
    widths = [None] * 9 + [MESSAGE_WIDTH]
    body = (tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True, maxcolwidths=widths)
            if rows else L["none"])
    return "\n".join(head) + "\n\n" + body + "\n"


def render(result: Result, fmt: str = "table", lang: str = "ja", **opts) -> str:
    if fmt == "json":
        return render_json(result, lang)
    if fmt == "table":
        return render_table(result, lang, opts.get("style", "simple"))
    raise ValueError(f"unknown format {fmt}")
