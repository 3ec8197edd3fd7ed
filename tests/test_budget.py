"""The fiscal-year budget view: which open gaps fall in which 年度, carry-overs first."""
import csv
import io
import json

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.commands import budget
from gapcheck.engine.load import jdate
from tests.conftest import PROFILES

UCHINADA = PROFILES / "uchinada.yaml"


def test_budget_years_differ_exactly_by_deadlines_and_carry_overs():
    res = api.run(UCHINADA, as_of="2026-11-23")
    b26 = {ln.finding.id: ln.carry_over for ln in budget.build(res, 2026).lines}
    b27 = {ln.finding.id: ln.carry_over for ln in budget.build(res, 2027).lines}
    open_dated = [f for f in res.findings if f.status not in ("ok", "waived") and f.deadline]
    fy26, fy27 = jdate.fy_span(2026), jdate.fy_span(2027)
    # expected membership computed independently from the findings' deadlines
    assert b26 == {f.id: f.deadline < fy26.start for f in open_dated if f.deadline <= fy26.end}
    assert b27 == {f.id: f.deadline < fy27.start for f in open_dated if f.deadline <= fy27.end}
    flipped = {i for i in b26 if b26[i] != b27[i]}
    # items due during FY2026 are in-year in 2026 and carried over into 2027
    assert flipped and all(fy26.start <= f.deadline <= fy26.end for f in open_dated if f.id in flipped)
    assert any(f.area == "elqr_levies" for f in open_dated if f.id in flipped)
    # findings without a deadline belong to no year
    assert not {f.id for f in res.findings if f.deadline is None} & (set(b26) | set(b27))


def test_carry_overs_first_and_earlier_years_empty():
    res = api.run(UCHINADA, as_of="2025-06-01")
    lines = budget.build(res, 2025).lines
    flags = [ln.carry_over for ln in lines]
    assert flags == sorted(flags, reverse=True)        # carry-overs first
    bs = [ln for ln in lines if ln.finding.area == "base_systems"]
    assert bs and not any(ln.carry_over for ln in bs)  # 2026-03-31 falls within FY2025
    b26 = [ln for ln in budget.build(res, 2026).lines if ln.finding.area == "base_systems"]
    assert b26 and all(ln.carry_over for ln in b26)


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
    assert rows[0][0] == "繰越" and len(rows) - 1 == json.loads(outs[0])["summary"]["items"]
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "2026", "--as-of", "2026-11-23"])
    assert "令和8年度" in r.output and "繰越" in r.output and "集計" in r.output
    r = runner.invoke(main, ["budget", str(UCHINADA), "--fy", "令和0年度"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_a_requirement_is_one_budget_line(tmp_path):
    text = UCHINADA.read_text(encoding="utf-8").replace(
        "BS-KOSEKI: unknown", "BS-KOSEKI: {status: unknown, cost_estimate: 10000000}")
    p = tmp_path / "u.yaml"
    p.write_text(text, encoding="utf-8")
    d = budget.to_dict(budget.build(api.run(p, as_of="2026-11-23"), 2026), "en")
    lines = [i for i in d["items"] if i["requirement"] == "BS-KOSEKI"]
    assert len(lines) == 1                       # one finding per requirement (schema 2.0)
    assert d["summary"]["cost_estimate_total"] == 10000000


def test_evaluation_before_the_profiles_as_of_is_refused(runner):
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES / "kaga.yaml"), "--as-of", "2020-01-01"])
    assert r.exit_code == 2 and "before the profile's as_of" in r.output and "kaga.yaml:" in r.output
