"""The fiscal-year budget view for a 予算要求: the open work a DX office must fund in one 年度.

An open finding (not ok, waived or not applicable) belongs to the fiscal year its money is
needed in:
- its planned date's fiscal year, when the profile gives one (`planned`: 令和9年1月 is needed in
  令和8年度, even when its deadline is extended to 令和12年度末); else its deadline's;
- a date already past counts in the current fiscal year (that of the evaluation date), and the
  item is listed first, with the items whose deadline has passed, as 期限経過分.

Why 期限経過分 and not 繰越: to a 財政課, 繰越 means 繰越明許費 or 事故繰越 (budgeted money carried into
the next year under 地方自治法 第213条・第220条), not "work whose deadline has passed"; 期限経過分
says only what it means.

Items whose status is unknown (unassessed), unconfirmed after their deadline (unverified) or
whose action is a survey are not costed one by one: they are summarised as one 現況調査 (survey)
line per area, listing the requirements to survey (one with a cost estimate keeps its own line). The department is the
profile's, or the catalog's usual one marked as assumed (推定). Costs are never invented: only
the profile's `cost_estimate` values are summed, once per requirement, and the report says how
many have one. Findings with neither a planned date nor a deadline belong to no year and are
only counted.
"""
from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..load import jdate
from ..labels import ACTION_NAMES, LABELS
from ..match.result import Finding, Result

CLOSED = ("ok", "waived", "not_applicable")


@dataclass
class BudgetLine:
    finding: Finding
    passed: bool                 # 期限経過分: its deadline or its planned date is already past
    reason: dict[str, str]
    need: _dt.date               # when the money is needed: the planned date, else the deadline
    need_passed: bool            # that date is already past (so it counts in the current year)
    planned: str | None          # the plan's date as written, if any
    department_assumed: bool     # the catalog's usual department, not the profile's

    @property
    def carry_over(self) -> bool:      # the 1.x name of `passed`
        return self.passed


@dataclass
class Budget:
    result: Result
    fy: int
    lines: list[BudgetLine]
    undated: int


def _item_state(result: Result, f: Finding):
    state = result.profile.profile.areas.get(f.area)
    return state.items.get(f.requirement) if state else None


def _planned(result: Result, f: Finding) -> tuple[_dt.date | None, str | None]:
    """The end of the plan's date for the requirement (the finding's `planned`, schema 2.0, else
    the profile item's), and the text as written."""
    text = getattr(f, "planned", None)
    if text:
        try:
            return jdate.parse_span(text).end, str(text)
        except (jdate.DateParseError, ValueError, TypeError):
            pass
    st = _item_state(result, f)
    span = getattr(st, "planned", None) if st is not None else None
    if isinstance(span, jdate.Span):
        return span.end, span.text or span.end.isoformat()
    return None, None


def _department_assumed(result: Result, f: Finding) -> bool:
    if not f.department:
        return False
    st = _item_state(result, f)
    return not (st is not None and getattr(st, "department", None))


def build(result: Result, fy: int) -> Budget:
    today = result.as_of
    current = jdate.fiscal_year(today)
    lines: list[BudgetLine] = []
    undated = 0
    for f in result.findings:
        if f.status in CLOSED:
            continue
        planned, planned_text = _planned(result, f)
        need = planned or f.deadline
        if need is None:
            undated += 1
            continue
        deadline_passed = f.deadline is not None and f.deadline < today
        need_passed = need < today
        year = current if need_passed else jdate.fiscal_year(need)
        if year != fy:
            continue
        pl = planned_text or ""
        # short: the deadline and the date needed have columns of their own
        if need_passed and planned:
            reason = {"ja": f"計画上の時期「{pl}」を経過: 今年度（{jdate.fy_label(current, 'ja')}）に計上",
                      "en": f"the planned date ({pl}) has passed: counted in the current FY{current}"}
        elif need_passed:
            reason = {"ja": f"期限を経過: 今年度（{jdate.fy_label(current, 'ja')}）に計上",
                      "en": f"the deadline has passed: counted in the current FY{current}"}
        elif planned:
            reason = {"ja": f"計画上の時期「{pl}」" + ("（期限は経過）" if deadline_passed else ""),
                      "en": f"planned for {pl}" + (" (the deadline has passed)" if deadline_passed else "")}
        else:
            reason = {"ja": f"期限が{jdate.fy_label(fy, 'ja')}中", "en": f"the deadline falls within FY{fy}"}
        lines.append(BudgetLine(f, need_passed or deadline_passed, reason, need, need_passed,
                                planned_text, _department_assumed(result, f)))
    order = {a: i for i, a in enumerate(result.catalogs.catalogs)}
    lines.sort(key=lambda ln: (not ln.passed, order.get(ln.finding.area, 99), ln.finding.department or "",
                               ln.need, ln.finding.deadline or ln.need, ln.finding.requirement, ln.finding.rule))
    return Budget(result, fy, lines, undated)


def _area_names(result: Result, lang: str) -> dict[str, str]:
    out = {}
    for a, cat in result.catalogs.catalogs.items():
        name = getattr(cat, "name", None)
        out[a] = getattr(name, lang, None) or a
    return out


def _short(name: str) -> str:
    for mark in ("（", " ("):
        i = name.find(mark)
        if i > 0:
            return name[:i]
    return name


def is_survey(f: Finding) -> bool:
    """What is needed first is to find out: the status is unknown (unassessed), or the deadline
    passed after the evidence and nothing says whether it was met (unverified), or the rule's
    action is a survey. Such items are one 現況調査 line per area, not a line each, unless the
    profile gives them a cost estimate (then the money is known: a line of its own)."""
    return (f.status in ("unassessed", "unverified") or f.action == "survey") and f.cost_estimate is None


def to_dict(b: Budget, lang: str) -> dict[str, Any]:
    names = _area_names(b.result, lang)
    items = []
    surveys: dict[str, dict[str, Any]] = {}
    for ln in b.lines:
        f = ln.finding
        if is_survey(f):
            s = surveys.setdefault(f.area, {
                "area": f.area, "area_name": _short(names.get(f.area, f.area)), "count": 0, "requirements": [],
                "passed": False, "departments": [], "statuses": [], "cost_estimate": None})
            if f.status not in s["statuses"]:
                s["statuses"].append(f.status)
            if f.requirement not in s["requirements"]:
                s["requirements"].append(f.requirement)
                s["count"] += 1
            s["passed"] = s["passed"] or ln.passed
            if f.department and f.department not in s["departments"]:
                s["departments"].append(f.department)
            continue
        items.append({
            "finding": f.id, "rule": f.rule, "area": f.area, "area_name": _short(names.get(f.area, f.area)),
            "department": f.department, "department_assumed": ln.department_assumed,
            "requirement": f.requirement, "requirement_name": f.requirement_name[lang],
            "status": f.status, "severity": f.severity, "action": f.action,
            "action_name": ACTION_NAMES[lang].get(f.action or "other"),
            "deadline": f.deadline.isoformat() if f.deadline else None, "planned": ln.planned,
            "need": ln.need.isoformat(), "need_passed": ln.need_passed, "passed": ln.passed, "why": ln.reason[lang],
            "cost_estimate": f.cost_estimate, "message": f.message[lang],
        })
    survey_lines = list(surveys.values())
    by_area = Counter(i["area"] for i in items)
    by_area.update({s["area"]: 1 for s in survey_lines})        # one survey line per area
    by_action = Counter(i["action"] for i in items)
    if survey_lines:
        by_action["survey"] += len(survey_lines)
    # one estimate per requirement, however many findings it has (not summed twice)
    costs = list({i["requirement"]: i["cost_estimate"] for i in items if i["cost_estimate"] is not None}.values())
    span = jdate.fy_span(b.fy)
    p = b.result.profile.profile
    return {
        "fiscal_year": b.fy,
        "fiscal_year_label": jdate.fy_label(b.fy, lang),
        "current_fiscal_year": jdate.fiscal_year(b.result.as_of),
        "span": {"start": span.start.isoformat(), "end": span.end.isoformat()},
        "as_of": b.result.as_of.isoformat(),
        "profile": {"id": p.id, "name": p.municipality.name, "code": p.municipality.code},
        "area_names": {a: _short(n) for a, n in names.items()},
        "summary": {
            "items": len(items), "passed": sum(1 for i in items if i["passed"]),
            "surveys": len(survey_lines), "survey_requirements": sum(s["count"] for s in survey_lines),
            "by_area": dict(sorted(by_area.items())),
            "by_action": dict(sorted(by_action.items())),
            "by_area_action": {a: dict(sorted((Counter(i["action"] for i in items if i["area"] == a)
                                               + Counter({"survey": 1} if a in surveys else {})).items()))
                               for a in sorted(by_area)},
            "cost_estimate_total": sum(costs) if costs else None,
            "items_with_cost_estimate": len(costs),
            "departments_assumed": sum(1 for i in items if i["department_assumed"]),
            "undated_open_findings": b.undated,
            "waived_findings": sum(1 for f in b.result.findings if f.status == "waived"),
        },
        "items": items,
        "surveys": survey_lines,
    }


def render(b: Budget, fmt: str, lang: str) -> str | bytes:
    d = to_dict(b, lang)
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return render_csv(d, lang)
    if fmt == "xlsx":
        return render_xlsx(d, lang)
    return render_table(d, lang)


# ----------------------------------------------------------------------------- words

WORDS = {
    "ja": {"passed": "期限経過分", "in_year": "当年度分", "survey": "現況調査", "assumed": "推定",
           "profile": "プロファイル", "dept": "担当部門"},
    "en": {"passed": "past due", "in_year": "this year", "survey": "survey", "assumed": "assumed",
           "profile": "profile", "dept": "department"},
}

CSV_COLUMNS = ["group", "area", "department", "department_source", "requirement", "requirement_name",
               "action_name", "need", "planned", "deadline", "why", "status", "severity", "cost_estimate",
               "rule", "finding"]
CSV_HEAD_JA = ["区分", "分野", "担当部門", "担当部門の根拠", "要件ID", "要件", "対応の種類", "必要となる時期",
               "計画上の時期", "期限", "計上理由", "状態", "重大度", "概算費用(円)", "ルール", "指摘ID"]


def _dept(i: dict[str, Any], lang: str) -> str:
    d = i.get("department") or "-"
    return d + (f"（{WORDS[lang]['assumed']}）" if lang == "ja" else f" ({WORDS[lang]['assumed']})") \
        if i.get("department_assumed") else d


def _rows(d: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Every line of the budget as cells by CSV_COLUMNS key: the items, then one 現況調査 line per
    area (in the language's words: names for statuses, severities and areas in Japanese)."""
    W = WORDS[lang]
    L = LABELS[lang]
    ja = lang == "ja"
    out = []
    for i in d["items"]:
        out.append({
            "group": W["passed"] if i["passed"] else W["in_year"],
            "area": i["area_name"] if ja else i["area"],
            "department": i["department"] or "",
            "department_source": (W["assumed"] if i["department_assumed"] else W["profile"]) if i["department"] else "",
            "requirement": i["requirement"], "requirement_name": i["requirement_name"],
            "action_name": i["action_name"], "need": i["need"], "planned": i["planned"] or "",
            "deadline": i["deadline"] or "", "why": i["why"],
            "status": L["status_names"].get(i["status"], i["status"]) if ja else i["status"],
            "severity": L["severity_names"].get(i["severity"], i["severity"]) if ja else i["severity"],
            "cost_estimate": i["cost_estimate"], "rule": i["rule"], "finding": i["finding"]})
    for s in d["surveys"]:
        reqs = ", ".join(s["requirements"])
        out.append({
            "group": W["survey"], "area": s["area_name"] if ja else s["area"],
            "department": "、".join(s["departments"]) if ja else ", ".join(s["departments"]),
            "department_source": W["assumed"] if s["departments"] else "",
            "requirement": reqs,
            "requirement_name": (f"状況が不明・未確認の{s['count']}件の現況調査" if ja else
                                 f"survey of {s['count']} requirements whose status is unknown or unconfirmed"),
            "action_name": ACTION_NAMES[lang]["survey"], "need": "", "planned": "", "deadline": "",
            "why": ("状況の記載がない（未評価）か、期限後の状況が確認されていない（要確認）。対応の要否と費用は調査後に判断"
                    if ja else "the profile does not say (unassessed) or nothing confirms it after the deadline "
                    "(unverified): whether work and money are needed is known after the survey"),
            "status": "、".join(L["status_names"][x] for x in s["statuses"]) if ja else ", ".join(s["statuses"]),
            "severity": "",
            "cost_estimate": None, "rule": "", "finding": ""})
    return out


def render_csv(d: dict[str, Any], lang: str) -> str:
    from ..report.csvio import write_csv

    rows = ([r[c] for c in CSV_COLUMNS] for r in _rows(d, lang))
    return write_csv(CSV_HEAD_JA if lang == "ja" else CSV_COLUMNS, rows)


def render_xlsx(d: dict[str, Any], lang: str) -> bytes:
    """The budget as a workbook: one sheet of lines (dates as date cells, yen as numbers, header
    row frozen, autofilter, printed landscape fit to width with the header repeated) and a
    summary sheet. Byte-identical for the same inputs (no clock time)."""
    from ..report.formats.xlsx import _header, _put, _require_openpyxl, _widths, reproducible_bytes

    _require_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ja = lang == "ja"
    wb = Workbook()
    ws = wb.active
    ws.title = "予算要求" if ja else "Budget"
    heads = CSV_HEAD_JA if ja else CSV_COLUMNS
    title = (f"{d['profile']['name']} {d['fiscal_year_label']}予算要求 対応事項一覧（評価基準日 {d['as_of']}）" if ja else
             f"{d['profile']['name']}: work to fund in {d['fiscal_year_label']} (evaluated {d['as_of']})")
    _put(ws, 1, 1, title, bold=True)
    _header(ws, 2, heads)
    rows = _rows(d, lang)
    top = Alignment(vertical="top")
    for r, row in enumerate(rows, 3):
        for j, key in enumerate(CSV_COLUMNS, 1):
            v = row[key]
            if key in ("need", "deadline") and v:
                c = _put(ws, r, j, _dt.date.fromisoformat(v))
                c.number_format = "yyyy-mm-dd"
                c.alignment = top
            elif key == "cost_estimate" and v is not None:
                c = _put(ws, r, j, int(v))
                c.number_format = "#,##0"
                c.alignment = top
            else:
                c = _put(ws, r, j, "" if v is None else v, wrap=key in ("requirement", "requirement_name", "why"))
                if key not in ("requirement", "requirement_name", "why"):
                    c.alignment = top
    last = get_column_letter(len(heads))
    ws.auto_filter.ref = f"A2:{last}{max(2, len(rows) + 2)}"
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _widths(ws, [10, 18, 16, 10, 18, 28, 16, 12, 12, 12, 40, 10, 8, 14, 30, 17])

    s = d["summary"]
    sm = wb.create_sheet("集計" if ja else "Summary")
    total = s["cost_estimate_total"]
    facts = [("団体" if ja else "Municipality", f"{d['profile']['name']} ({d['profile']['code']})"),
             ("年度" if ja else "Fiscal year", d["fiscal_year_label"]),
             ("対象期間" if ja else "Period", f"{d['span']['start']} .. {d['span']['end']}"),
             ("評価基準日" if ja else "Evaluated as of", d["as_of"]),
             ("事項数" if ja else "Items", s["items"]),
             (WORDS[lang]["passed"], s["passed"]),
             ("現況調査（分野数／要件数）" if ja else "Surveys (areas / requirements)",
              f"{s['surveys']} / {s['survey_requirements']}"),
             ("概算費用の合計(円)" if ja else "Estimates summed (yen)", total if total is not None else "-"),
             ("概算費用の記載がある要件" if ja else "Requirements with an estimate", s["items_with_cost_estimate"]),
             ("担当部門が推定の事項" if ja else "Items whose department is assumed", s["departments_assumed"]),
             ("期限のない未対応事項（年度に割り当てず）" if ja else "Open findings without a date (no year)",
              s["undated_open_findings"])]
    for r, (k, v) in enumerate(facts, 1):
        _put(sm, r, 1, k, bold=True)
        c = _put(sm, r, 2, v)
        if isinstance(v, int):
            c.number_format = "#,##0"
    r = len(facts) + 2
    _header(sm, r, ["分野" if ja else "Area", "件数" if ja else "Items", "対応の種類別" if ja else "By action"])
    names = ACTION_NAMES[lang]
    for a, v in s["by_area_action"].items():
        r += 1
        _put(sm, r, 1, d["area_names"].get(a, a) if ja else a)
        _put(sm, r, 2, s["by_area"].get(a, 0))
        _put(sm, r, 3, ("、" if ja else ", ").join(f"{names.get(k, k)} {n}" for k, n in v.items()))
    _widths(sm, [36, 40, 60])

    return reproducible_bytes(wb, title, d["as_of"], lang)


def _need_label(i: dict[str, Any], lang: str) -> str:
    text = jdate.date_label(jdate.parse_day(i["need"]), lang)
    if i.get("need_passed"):
        text += "（経過）" if lang == "ja" else " (passed)"
    return text


def render_table(d: dict[str, Any], lang: str) -> str:
    from ..report.formats.fit import fit_table, terminal_width
    from ..report.formats.wrap import wrap

    cols = terminal_width()

    ja = lang == "ja"
    W = WORDS[lang]
    s = d["summary"]
    span = d["span"]
    head = [
        (f"{d['profile']['name']} {d['fiscal_year_label']}予算要求 対応事項一覧" if ja else
         f"{d['profile']['name']} — work to fund in {d['fiscal_year_label']}"),
        (f"対象期間: {jdate.date_label(jdate.parse_day(span['start']), lang)} 〜 "
         f"{jdate.date_label(jdate.parse_day(span['end']), lang)}    評価基準日: "
         f"{jdate.date_label(jdate.parse_day(d['as_of']), lang)}" if ja else
         f"Period: {span['start']} .. {span['end']}    Evaluated as of: {d['as_of']}"),
    ]
    out = "\n".join(head) + "\n"
    if not d["items"] and not d["surveys"]:
        return out + ("\n該当する事項はありません\n" if ja else "\nNothing falls in this fiscal year\n")
    groups: dict[tuple, list] = {}
    for i in d["items"]:
        groups.setdefault((i["area"], _dept(i, lang)), []).append(i)
    for (area, dept), items in groups.items():
        label = d["area_names"].get(area, area) if ja else area
        out += f"\n[{label}] {'担当' if ja else 'department'}: {dept}\n"
        rows = [[W["passed"] if i["passed"] else "",
                 wrap(i["requirement"] + " " + i["requirement_name"], 30),
                 i["action_name"], _need_label(i, lang),
                 jdate.date_label(jdate.parse_day(i["deadline"]), lang) if i["deadline"] else "-",
                 wrap(i["why"], 40),
                 "" if i["cost_estimate"] is None else f"{i['cost_estimate']:,}"] for i in items]
        hdr = (["区分", "要件", "対応の種類", "必要となる時期", "期限", "計上理由", "概算費用(円)"] if ja else
               ["", "Requirement", "Action", "Needed", "Deadline", "Why this year", "Estimate (yen)"])
        out += fit_table(rows, hdr, cols) + "\n"
    if d["surveys"]:
        out += "\n" + ("[現況調査] 状況が不明・未確認の事項（分野ごとに1件）" if ja else
                       "[survey] requirements whose status is unknown or unconfirmed (one line per area)") + "\n"
        rows = [[W["passed"] if sv["passed"] else "", d["area_names"].get(sv["area"], sv["area"]) if ja else sv["area"],
                 sv["count"], wrap(", ".join(sv["requirements"]), 50)] for sv in d["surveys"]]
        out += fit_table(rows, (["区分", "分野", "件数", "調査する要件"] if ja else
                                ["", "Area", "Count", "Requirements to survey"]), cols) + "\n"
    names = ACTION_NAMES[lang]
    out += "\n" + ("集計" if ja else "Summary") + ":\n"
    rows = [[d["area_names"].get(a, a) if ja else a, s["by_area"].get(a, 0),
             ("、" if ja else ", ").join(f"{names.get(k, k)} {n}" for k, n in v.items())]
            for a, v in s["by_area_action"].items()]
    out += fit_table(rows, (["分野", "件数", "対応の種類別"] if ja else ["Area", "Items", "By action"]), cols) + "\n"
    total = s["cost_estimate_total"]
    if ja:
        out += (f"\n合計 {s['items']}件（うち期限経過分 {s['passed']}件）、現況調査 {s['surveys']}分野"
                f"（{s['survey_requirements']}要件）。概算費用はプロファイルに記載のある "
                f"{s['items_with_cost_estimate']}件のみ合計: " + (f"{total:,}円" if total is not None else "記載なし") + "\n")
        out += ("期限経過分: 期限または計画上の時期を過ぎた事項（今年度に計上）。会計上の「繰越」（繰越明許費・事故繰越）"
                "ではありません\n")
        if s["departments_assumed"]:
            out += f"担当部門の「（推定）」{s['departments_assumed']}件はカタログの標準的な担当で、プロファイルに記載がありません\n"
        if s["undated_open_findings"]:
            out += f"期限のない未対応事項 {s['undated_open_findings']}件は年度に割り当てていません（gapcheck run で確認）\n"
        if s.get("waived_findings"):
            out += f"免除（waiver）された指摘 {s['waived_findings']}件は計上していません\n"
    else:
        out += (f"\n{s['items']} items ({s['passed']} past due), surveys in {s['surveys']} areas "
                f"({s['survey_requirements']} requirements). Estimates summed only where the profile gives one "
                f"({s['items_with_cost_estimate']} requirements): "
                + (f"{total:,} yen" if total is not None else "none given") + "\n")
        out += ("past due: the deadline or the planned date has passed (counted in the current year); not an "
                "accounting carry-over (繰越明許費, 事故繰越)\n")
        if s["departments_assumed"]:
            out += f"{s['departments_assumed']} departments marked (assumed) are the catalog's usual ones, not the profile's\n"
        if s["undated_open_findings"]:
            out += f"{s['undated_open_findings']} open findings have no date and belong to no year (see gapcheck run)\n"
        if s.get("waived_findings"):
            out += f"{s['waived_findings']} waived findings are not budgeted\n"
    return out
