"""The fiscal-year budget view: the open gaps a DX office must fund in one 年度.

An open finding (not ok, not waived) belongs to the budget of fiscal year FY when
- its deadline falls before FY starts: a carry-over (繰越), listed first; or
- its deadline falls within FY.
Findings without a deadline belong to no year and are only counted.  Costs are never invented:
only the profile's `cost_estimate` values are summed, and the report says how many have one.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..load import jdate
from ..labels import ACTION_NAMES
from ..match.result import Finding, Result

@dataclass
class BudgetLine:
    finding: Finding
    carry_over: bool
    reason: dict[str, str]


@dataclass
class Budget:
    result: Result
    fy: int
    lines: list[BudgetLine]
    undated: int


def build(result: Result, fy: int) -> Budget:
    span = jdate.fy_span(fy)
    lines: list[BudgetLine] = []
    undated = 0
    for f in result.findings:
        if f.status in ("ok", "waived"):
            continue
        if f.deadline is None:
            undated += 1
            continue
        if f.deadline < span.start:
            reason = {
                "ja": f"繰越: 期限{jdate.date_label(f.deadline, 'ja')}が{jdate.fy_label(fy, 'ja')}の開始前に到来",
                "en": f"carry-over: the deadline {f.deadline.isoformat()} falls before FY{fy} starts",
            }
            lines.append(BudgetLine(f, True, reason))
        elif f.deadline <= span.end:
            reason = {
                "ja": f"期限{jdate.date_label(f.deadline, 'ja')}が{jdate.fy_label(fy, 'ja')}中に到来",
                "en": f"the deadline {f.deadline.isoformat()} falls within FY{fy}",
            }
            lines.append(BudgetLine(f, False, reason))
    order = {a: i for i, a in enumerate(result.catalogs.catalogs)}
    lines.sort(key=lambda ln: (not ln.carry_over, order[ln.finding.area], ln.finding.department or "",
                               ln.finding.deadline, ln.finding.requirement, ln.finding.rule))
    return Budget(result, fy, lines, undated)


def to_dict(b: Budget, lang: str) -> dict[str, Any]:
    items = []
    for ln in b.lines:
        f = ln.finding
        items.append({
            "finding": f.id, "rule": f.rule, "area": f.area, "department": f.department,
            "requirement": f.requirement, "requirement_name": f.requirement_name[lang],
            "status": f.status, "severity": f.severity, "action": f.action,
            "action_name": ACTION_NAMES[lang].get(f.action or "other"),
            "deadline": f.deadline.isoformat(), "carry_over": ln.carry_over, "why": ln.reason[lang],
            "cost_estimate": f.cost_estimate, "message": f.message[lang],
        })
    by_area = Counter(i["area"] for i in items)
    by_action = Counter(i["action"] for i in items)
    # one estimate per requirement, however many findings it has (not summed twice)
    costs = list({i["requirement"]: i["cost_estimate"] for i in items if i["cost_estimate"] is not None}.values())
    span = jdate.fy_span(b.fy)
    p = b.result.profile.profile
    return {
        "fiscal_year": b.fy,
        "fiscal_year_label": jdate.fy_label(b.fy, lang),
        "span": {"start": span.start.isoformat(), "end": span.end.isoformat()},
        "as_of": b.result.as_of.isoformat(),
        "profile": {"id": p.id, "name": p.municipality.name, "code": p.municipality.code},
        "summary": {
            "items": len(items), "carry_over": sum(1 for i in items if i["carry_over"]),
            "by_area": dict(sorted(by_area.items())),
            "by_action": dict(sorted(by_action.items())),
            "by_area_action": {a: dict(sorted(Counter(i["action"] for i in items if i["area"] == a).items()))
                               for a in sorted(by_area)},
            "cost_estimate_total": sum(costs) if costs else None,
            "items_with_cost_estimate": len(costs),
            "undated_open_findings": b.undated,
            "waived_findings": sum(1 for f in b.result.findings if f.status == "waived"),
        },
        "items": items,
    }


def render(b: Budget, fmt: str, lang: str) -> str:
    d = to_dict(b, lang)
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return render_csv(d, lang)
    return render_table(d, lang)


CSV_COLUMNS = ["carry_over", "area", "department", "requirement", "requirement_name", "action_name",
               "deadline", "why", "status", "severity", "cost_estimate", "rule", "finding"]
CSV_HEAD_JA = ["繰越", "分野", "担当部門", "要件ID", "要件", "対応の種類", "期限", "計上理由", "状態", "重大度",
               "概算費用(円)", "ルール", "指摘ID"]


def render_csv(d: dict[str, Any], lang: str) -> str:
    from ..report.csvio import write_csv

    def row(i: dict[str, Any]) -> list[Any]:
        cells = [i[c] for c in CSV_COLUMNS]
        cells[0] = ("繰越" if lang == "ja" else "yes") if i["carry_over"] else ""
        return cells

    return write_csv(CSV_HEAD_JA if lang == "ja" else CSV_COLUMNS, map(row, d["items"]))


def render_table(d: dict[str, Any], lang: str) -> str:
    from ..report.formats.fit import fit_table, terminal_width
    from ..report.formats.wrap import wrap

    W = terminal_width()

    ja = lang == "ja"
    s = d["summary"]
    span = d["span"]
    head = [
        (f"{d['profile']['name']} {d['fiscal_year_label']}予算向け 対応事項一覧" if ja else
         f"{d['profile']['name']} — gaps to fund in {d['fiscal_year_label']}"),
        (f"対象期間: {jdate.date_label(jdate.parse_day(span['start']), lang)} 〜 "
         f"{jdate.date_label(jdate.parse_day(span['end']), lang)}    評価基準日: "
         f"{jdate.date_label(jdate.parse_day(d['as_of']), lang)}" if ja else
         f"Period: {span['start']} .. {span['end']}    Evaluated as of: {d['as_of']}"),
    ]
    out = "\n".join(head) + "\n"
    if not d["items"]:
        return out + ("\n該当する事項はありません\n" if ja else "\nNothing falls in this fiscal year\n")
    groups: dict[tuple, list] = {}
    for i in d["items"]:
        groups.setdefault((i["area"], i["department"] or "-"), []).append(i)
    for (area, dept), items in groups.items():
        out += f"\n[{area}] {'担当' if ja else 'department'}: {dept}\n"
        rows = [[("繰越" if ja else "carry-over") if i["carry_over"] else "",
                 wrap(i["requirement"] + " " + i["requirement_name"], 30),
                 i["action_name"], jdate.date_label(jdate.parse_day(i["deadline"]), lang), wrap(i["why"], 40),
                 "" if i["cost_estimate"] is None else f"{i['cost_estimate']:,}"] for i in items]
        hdr = (["繰越", "要件", "対応の種類", "期限", "計上理由", "概算費用(円)"] if ja else
               ["", "Requirement", "Action", "Deadline", "Why this year", "Estimate (yen)"])
        out += fit_table(rows, hdr, W) + "\n"
    names = ACTION_NAMES[lang]
    out += "\n" + ("集計" if ja else "Summary") + ":\n"
    rows = [[a, sum(v.values()), ", ".join(f"{names.get(k, k)} {n}" for k, n in v.items())]
            for a, v in s["by_area_action"].items()]
    out += fit_table(rows, (["分野", "件数", "対応の種類別"] if ja else ["Area", "Items", "By action"]), W) + "\n"
    total = s["cost_estimate_total"]
    if ja:
        out += (f"\n合計 {s['items']}件（うち繰越 {s['carry_over']}件）。概算費用はプロファイルに記載のある "
                f"{s['items_with_cost_estimate']}件のみ合計: "
                + (f"{total:,}円" if total is not None else "記載なし") + "\n")
        if s["undated_open_findings"]:
            out += f"期限のない未対応事項 {s['undated_open_findings']}件は年度に割り当てていません（gapcheck run で確認）\n"
        if s.get("waived_findings"):
            out += f"免除（waiver）された指摘 {s['waived_findings']}件は計上していません\n"
    else:
        out += (f"\n{s['items']} items ({s['carry_over']} carried over). Estimates summed only where the profile "
                f"gives one ({s['items_with_cost_estimate']} requirements): "
                + (f"{total:,} yen" if total is not None else "none given") + "\n")
        if s["undated_open_findings"]:
            out += f"{s['undated_open_findings']} open findings have no deadline and belong to no year (see gapcheck run)\n"
        if s.get("waived_findings"):
            out += f"{s['waived_findings']} waived findings are not budgeted\n"
    return out
