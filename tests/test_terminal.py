"""The terminal view: every command's text output fits the terminal (80 and 120 columns, and
100 when COLUMNS is unset and the output is not a terminal); findings grouped by area with the
summary at both ends; unassessed items folded unless --all; --status/--severity/--area filters."""
import json

import pytest
from wcwidth import wcswidth

from gapcheck.cli import main
from gapcheck.engine.report.formats.fit import fit_table, terminal_width, text_width
from tests.conftest import PROFILES

UCHINADA = str(PROFILES / "uchinada.yaml")
AS_OF = "2026-04-01"


def widest(text: str) -> int:
    return max((wcswidth(ln) for ln in text.splitlines()), default=0)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two JSON runs of Uchinada for diff."""
    from click.testing import CliRunner

    d = tmp_path_factory.mktemp("runs")
    r = CliRunner()
    for day, name in (("2026-03-30", "old.json"), ("2026-04-01", "new.json")):
        res = r.invoke(main, ["run", UCHINADA, "--as-of", day, "--format", "json", "-o", str(d / name)])
        assert res.exit_code == 0, res.output
    return d / "old.json", d / "new.json"


def commands(runs):
    old, new = runs
    out = [
        ["run", UCHINADA, "--as-of", AS_OF],
        ["run", UCHINADA, "--as-of", AS_OF, "--all"],
        ["run", UCHINADA, "--as-of", AS_OF, "--all", "--table-style", "grid"],
        ["run", UCHINADA, "--as-of", AS_OF, "--table-style", "github", "--status", "overdue"],
        ["run", str(PROFILES / "kaga.yaml"), "--as-of", AS_OF, "--include-passed", "--all"],
        ["catalogs", "list"],
        ["rules", "list"],
        ["budget", UCHINADA, "--fy", "2026", "--as-of", AS_OF],
        ["diff", str(old), str(new)],
        ["explain", "base_systems.overdue_late_plan"],
        ["explain", "BS-JUKI"],
        ["--help"], ["run", "--help"], ["budget", "--help"], ["diff", "--help"], ["verify", "--help"],
        ["init", "--help"], ["schema", "--help"], ["catalogs", "--help"], ["validate", "--help"],
    ]
    for area in ("analog_regulations", "base_systems", "dx_plan", "elqr_levies", "online_procedures", "security"):
        out.append(["catalogs", "show", area])
    return out


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("columns", [80, 120])
def test_no_line_wider_than_the_terminal(runner, runs, columns, lang):
    wide = []
    for args in commands(runs):
        r = runner.invoke(main, ["--lang", lang, *args], env={"COLUMNS": str(columns)})
        assert r.exit_code in (0, 2), (args, r.output)
        assert r.output.strip(), args
        if widest(r.output) > columns:
            line = max(r.output.splitlines(), key=wcswidth)
            wide.append((" ".join(args[:2]), wcswidth(line), line))
    assert wide == []


def test_width_without_a_terminal_is_100(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert terminal_width() == 100        # pytest's stdout is not a terminal
    monkeypatch.setenv("COLUMNS", "80")
    assert terminal_width() == 80


def test_run_default_width_is_100(runner, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF])
    assert r.exit_code == 0 and 90 <= widest(r.output) <= 100


def test_fit_table_counts_wide_characters_as_two():
    rows = [["住民基本台帳" * 8, "x" * 50, "2026-03-31 (令和7年度末)"]]
    for w in (30, 50, 80):
        out = fit_table(rows, ["要件", "内容", "期限"], w)
        assert text_width(out) <= w
        assert widest(out) <= w
    # too narrow for a table: one "heading: value" line per cell, still within the width
    out = fit_table(rows * 2, ["要件", "内容", "期限"], 20, wrap_min={0: 10})
    assert widest(out) <= 20 and "要件:" in out


def test_findings_grouped_by_area_summary_at_both_ends(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF], env={"COLUMNS": "80"})
    lines = r.output.splitlines()
    summary = [i for i, ln in enumerate(lines) if ln.startswith("集計: ")]
    assert len(summary) == 2 and summary[0] < 12
    # the summary ends the table; only the legend of the marks used may follow it
    assert all(ln == "" or ln.startswith("（") for ln in lines[summary[1] + 1:]), lines[summary[1]:]
    heads = [ln for ln in lines if ln.startswith("■ ")]
    assert len(heads) == 7 and any(   # seven areas since other_duties (2026-12)
        "基幹業務システム20業務" in h for h in heads)
    # narrow layout: the key columns on one line, the requirement and the message below it
    i = next(i for i, ln in enumerate(lines) if ln.startswith("GC-") and "重大" in ln)
    assert lines[i + 1].startswith("  BS-") and lines[i + 2].startswith("    ")


def test_unassessed_folded_unless_all(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF], env={"COLUMNS": "120"})
    a = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--all"], env={"COLUMNS": "120"})
    js = json.loads(runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", "json"]).output)
    unassessed = [f for f in js["findings"] if f["status"] == "unassessed"]
    assert unassessed and "未評価 " in r.output and "一覧は --all" in r.output
    assert sum(ln.startswith("GC-") for ln in r.output.splitlines()) == len(js["findings"]) - len(unassessed)
    assert sum(ln.startswith("GC-") for ln in a.output.splitlines()) == len(js["findings"])
    assert len(r.output.splitlines()) < len(a.output.splitlines())


def test_wide_terminal_puts_the_message_in_a_column(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF], env={"COLUMNS": "220"})
    assert widest(r.output) <= 220
    row = next(ln for ln in r.output.splitlines() if ln.startswith("GC-") and "BS-JUKI" in ln)
    assert "住民基本台帳:" in row          # the message starts on the row itself


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "html", "table"])
def test_filters_select_the_findings_shown_in_every_format(runner, fmt):
    args = ["run", UCHINADA, "--as-of", AS_OF, "--format", fmt, "--status", "gap", "--status", "unverified",
            "--severity", "high", "--severity", "medium", "--area", "security", "--area", "基幹業務システム"]
    allj = json.loads(runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", "json"]).output)
    want = [f["id"] for f in allj["findings"] if f["status"] in ("gap", "unverified")
            and f["severity"] in ("high", "medium")
            and f["area"] in ("security", "base_systems")]
    others = [f["id"] for f in allj["findings"] if f["id"] not in want]
    assert want and others
    r = runner.invoke(main, args, env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    assert all(i in r.output for i in want) and not any(i in r.output for i in others)
    if fmt == "json":
        d = json.loads(r.output)
        assert d["summary"]["total"] == len(want)
        assert d["selection"]["shown"] == len(want) and d["selection"]["total"] == len(allj["findings"])
        assert d["selection"]["area"] == ["base_systems", "security"]
    if fmt == "table":
        assert f"表示 {len(want)}件 / 全 {len(allj['findings'])}件" in r.output


def test_fail_on_reads_every_finding_whatever_the_filter(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--status", "gap", "--severity", "low",
                             "--fail-on", "critical"])
    assert r.exit_code == 1
    assert "重大 " not in r.output


def test_filters_on_budget_and_batch(runner, tmp_path):
    full = runner.invoke(main, ["budget", UCHINADA, "--fy", "2026", "--as-of", AS_OF, "--format", "json"])
    part = runner.invoke(main, ["budget", UCHINADA, "--fy", "2026", "--as-of", AS_OF, "--format", "json",
                                "--area", "security"])
    assert full.exit_code == part.exit_code == 0
    d, f = json.loads(part.output), json.loads(full.output)
    lines = d["items"] + d["surveys"]           # an unverified or unknown item is a survey line
    assert lines and {i["area"] for i in lines} == {"security"}
    assert len(lines) < len(f["items"] + f["surveys"])
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--status", "overdue"])
    assert r.exit_code in (0, 4), r.output
    docs = [json.loads(ln) for ln in r.stdout.splitlines() if ln.startswith("{")]
    assert docs and all(f["status"] == "overdue" for d in docs for f in d["findings"])


def test_bad_filter_value_is_a_usage_error(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--area", "nosuch"])
    assert r.exit_code == 2 and "base_systems" in r.output
