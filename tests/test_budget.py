"""The fiscal-year budget view: which open work falls in which 年度 (the year its money is needed),
past-due items first, unknown items as one survey line per area."""
import csv
import io
import json

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.commands import budget
from gapcheck.engine.load import jdate
from tests.conftest import PROFILES

UCHINADA = PROFILES / "uchinada.yaml"


def test_cost_estimates_are_summed_only_where_given(tmp_path):
    text = UCHINADA.read_text(encoding="utf-8").replace(
        "BS-JUKI:     {status: planned, planned: 令和8年度,",
        "BS-JUKI:     {status: planned, planned: 令和8年度, cost_estimate: 12000000, department: 住民課,")
    p = tmp_path / "u.yaml"
    p.write_text(text, encoding="utf-8")
    d = budget.to_dict(budget.build(api.run(p, as_of="2026-11-23"), 2026), "en")
    assert d["summary"]["cost_estimate_total"] == 12000000
    assert d["summary"]["items_with_cost_estimate"] == 1
    [juki] = [i for i in d["items"] if i["requirement"] == "BS-JUKI"]
    assert juki["department"] == "住民課"
    d0 = budget.to_dict(budget.build(api.run(UCHINADA, as_of="2026-11-23"), 2026), "en")
    assert d0["summary"]["cost_estimate_total"] is None   # never invented


def test_budget_cli_formats_and_fy_forms(runner):
    outs = []
    for fy in ("2026", "R8", "令和8年度", "FY2026"):
        r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", fy, "--as-of", "2026-11-23", "--format", "json"])
        assert r.exit_code == 0, r.output
        outs.append(r.output)
    assert len(set(outs)) == 1 and json.loads(outs[0])["fiscal_year"] == 2026
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "2026", "--as-of", "2026-11-23", "--format", "csv"])
    assert r.stdout_bytes.startswith("\ufeff".encode()) and b"\r\n" in r.stdout_bytes
    rows = list(csv.reader(io.StringIO(r.output.lstrip("\ufeff"))))
    d = json.loads(outs[0])
    assert rows[0][0] == "区分" and len(rows) - 1 == d["summary"]["items"] + d["summary"]["surveys"]
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "2026", "--as-of", "2026-11-23"])
    assert "令和8年度" in r.output and "期限経過分" in r.output and "集計" in r.output
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "令和0年度"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_a_requirement_is_one_budget_line(tmp_path):
    text = UCHINADA.read_text(encoding="utf-8").replace(
        "BS-KOSEKI: unknown", "BS-KOSEKI: {status: unknown, cost_estimate: 10000000}")
    p = tmp_path / "u.yaml"
    p.write_text(text, encoding="utf-8")
    d = budget.to_dict(budget.build(api.run(p, as_of="2026-11-23"), 2026), "en")
    lines = [i for i in d["items"] if i["requirement"] == "BS-KOSEKI"]
    surveyed = [s for s in d["surveys"] if "BS-KOSEKI" in s["requirements"]]
    # one finding per requirement: one line, or (status unknown) one place in the area's survey line
    assert len(lines) + len(surveyed) == 1
    assert d["summary"]["cost_estimate_total"] == (10000000 if lines else None)


def test_evaluation_before_the_profiles_as_of_is_refused(runner):
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES / "kaga.yaml"), "--as-of", "2020-01-01"])
    assert r.exit_code == 2 and "before the profile's as_of" in r.output and "kaga.yaml:" in r.output


# ----------------------------------------------------------------------------- for a 予算要求

def _with(tmp_path, old, new):
    text = UCHINADA.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / "u.yaml"
    p.write_text(text.replace(old, new), encoding="utf-8")
    return p


def _need(res, f):
    """The date the money is needed, computed here from the profile: its planned date (end), else the deadline."""
    st = res.profile.profile.areas.get(f.area)
    item = st.items.get(f.requirement) if st else None
    return item.planned.end if item is not None and item.planned else f.deadline


def test_an_item_belongs_to_the_year_its_money_is_needed():
    res = api.run(UCHINADA, as_of="2026-11-23")
    current = jdate.fiscal_year(res.as_of)
    for fy in (2025, 2026, 2027, 2030):
        got = {ln.finding.id for ln in budget.build(res, fy).lines}
        want = set()
        for f in res.findings:
            if f.status in ("ok", "waived", "not_applicable") or _need(res, f) is None:
                continue
            need = _need(res, f)
            if (current if need < res.as_of else jdate.fiscal_year(need)) == fy:
                want.add(f.id)
        assert got == want, fy
    # nothing is in a past year's budget, and every past date is in this year's, listed first
    assert not budget.build(res, 2025).lines
    lines = budget.build(res, 2026).lines
    flags = [ln.passed for ln in lines]
    assert flags == sorted(flags, reverse=True) and all(ln.passed for ln in lines if ln.need < res.as_of)


def test_a_designated_system_planned_for_january_is_in_that_fiscal_year(tmp_path):
    """Planned for 令和9年1月 with a cost: the money is needed in 令和8年度, not in 令和12年度 (its
    extended deadline as a 特定移行支援システム)."""
    p = _with(tmp_path, "BS-JUKI:     {status: planned, planned: 令和8年度,",
              "BS-JUKI:     {status: planned, planned: 令和9年1月, designated: true, cost_estimate: 5000000,")
    res = api.run(p, as_of="2026-11-23")
    juki = [f for f in res.findings if f.requirement == "BS-JUKI" and f.status not in ("ok", "waived")]
    assert juki and all(f.deadline and f.deadline.year >= 2030 for f in juki)      # the extended deadline
    b26 = budget.to_dict(budget.build(res, 2026), "ja")
    b30 = budget.to_dict(budget.build(res, 2030), "ja")
    [item] = [i for i in b26["items"] if i["requirement"] == "BS-JUKI"]
    assert item["planned"] == "令和9年1月" and item["need"] == "2027-01-31" and not item["passed"]
    assert item["why"] == "計画上の時期「令和9年1月」"
    assert b26["summary"]["cost_estimate_total"] == 5000000
    assert not [i for i in b30["items"] if i["requirement"] == "BS-JUKI"]


def test_past_due_is_named_for_a_finance_office_and_never_carry_over(runner):
    for fmt in ("table", "csv"):
        r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "R8", "--as-of", "2026-11-23", "--format", fmt])
        assert r.exit_code == 0, r.output
        assert "期限経過分" in r.output
        # 繰越 only where the table says what it is not (繰越明許費・事故繰越)
        assert all("繰越明許費" in ln for ln in r.output.splitlines() if "繰越" in ln), fmt


def test_japanese_budget_has_no_codes_and_marks_assumed_departments(runner, tmp_path):
    import re

    p = _with(tmp_path, "BS-JUKI:     {status: planned, planned: 令和8年度,",
              "BS-JUKI:     {status: planned, planned: 令和8年度, department: 住民課,")
    r = runner.invoke(main, ["budget", str(p), "--fy", "R8", "--as-of", "2026-11-23", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(r.output.lstrip("\ufeff"))))
    head, body = rows[0], rows[1:]
    assert head[:4] == ["区分", "分野", "担当部門", "担当部門の根拠"]
    rule, finding = head.index("ルール"), head.index("指摘ID")
    codes = re.compile(r"\b(overdue|critical|high|medium|unassessed|gap|base_systems|online_procedures|"
                       r"elqr_levies|security|dx_plan|analog_regulations|system|survey)\b")
    for row in [head] + body:
        shown = [c for j, c in enumerate(row) if j not in (rule, finding)]
        assert not any(codes.search(c) for c in shown), row
    juki = next(row for row in body if row[4] == "BS-JUKI")
    assert juki[2] == "住民課" and juki[3] == "プロファイル"
    assert any(row[3] == "推定" for row in body)
    r = runner.invoke(main, ["budget", str(p), "--fy", "R8", "--as-of", "2026-11-23"])
    assert "担当: 住民課\n" in r.output and "（推定）" in r.output and "[base_systems]" not in r.output
    assert not codes.search(re.sub(r"GC-\w+|[a-z_]+\.[a-z_.]+", "", r.output))


def test_unknown_items_are_one_survey_line_per_area():
    res = api.run(UCHINADA, as_of="2026-11-23")
    d = budget.to_dict(budget.build(res, 2026), "ja")
    assert not [i for i in d["items"] if i["status"] in ("unassessed", "unverified") or i["action"] == "survey"]
    areas = [s["area"] for s in d["surveys"]]
    assert areas and len(areas) == len(set(areas))
    lines = budget.build(res, 2026).lines
    for s in d["surveys"]:
        want = {ln.finding.requirement for ln in lines if budget.is_survey(ln.finding) and ln.finding.area == s["area"]}
        assert set(s["requirements"]) == want and s["count"] == len(want)
    text = budget.render(budget.build(res, 2026), "table", "ja")
    assert "[現況調査]" in text and text.count("現況調査") >= len(areas)


def test_budget_xlsx(runner, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    out = tmp_path / "b.xlsx"
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "R8", "--as-of", "2026-11-23", "--format", "xlsx",
                             "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    ws = wb["予算要求"]
    head = [c.value for c in ws[2]]
    assert head[0] == "区分" and "必要となる時期" in head and "期限" in head
    need, dl = head.index("必要となる時期") + 1, head.index("期限") + 1
    assert isinstance(ws.cell(3, need).value, dt.datetime) and isinstance(ws.cell(3, dl).value, dt.datetime)
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape" and ws.freeze_panes == "A3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert "集計" in wb.sheetnames
    again = tmp_path / "c.xlsx"
    runner.invoke(main, ["budget", str(UCHINADA), "--fy", "R8", "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(again)])
    assert out.read_bytes() == again.read_bytes()                      # no clock in the file
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "R8", "--format", "xlsx"])
    assert r.exit_code == 2 and "--output" in r.output
