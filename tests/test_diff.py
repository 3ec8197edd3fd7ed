"""gapcheck diff: new, resolved and changed findings between two JSON runs, keyed by finding ID."""
import json

import pytest

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.commands import diff
from tests.conftest import PROFILES, write

UCHINADA = str(PROFILES / "uchinada.yaml")
ORIGINAL17 = ["BS-JUKI", "BS-SENKYO", "BS-KOTEI", "BS-KOJIN", "BS-HOJIN", "BS-KEIJI", "BS-KOKUHO", "BS-NENKIN",
              "BS-KOKI", "BS-KAIGO", "BS-SHOGAI", "BS-SEIHO", "BS-KENKO", "BS-SHUGAKU", "BS-JIDOTE", "BS-FUYO",
              "BS-KOSODATE"]


def run_json(runner, tmp_path, as_of, name=None, *extra):
    out = tmp_path / (name or f"{as_of}.json")
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", as_of, "--format", "json", "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out


def diff_json(runner, a, b, *extra):
    r = runner.invoke(main, ["diff", str(a), str(b), "--format", "json", *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_deadline_passes_between_two_runs(runner, tmp_path):
    """2026-03-31 is the deadline of the 20 base systems; Uchinada's plan says 令和8年度. By
    requirement: the systems go from due soon to overdue under another rule, which is one
    requirement getting worse, not a finding resolved and another new."""
    a = run_json(runner, tmp_path, "2026-03-30")
    b = run_json(runner, tmp_path, "2026-04-01")
    d = diff_json(runner, a, b)
    # 生活保護・児童扶養手当 depend on a 福祉事務所 the profile does not state: unassessed in both
    late = set(ORIGINAL17) - {"BS-SEIHO", "BS-FUYO"}
    worse = {(f["rule"], f["requirement"], f["status"], f["severity"]) for f in d["changed"] if f["direction"] == "worse"}
    assert {x for x in worse if x[1].startswith("BS-")} == \
        {("base_systems.overdue_late_plan", r, "overdue", "critical") for r in late}
    assert all(f["changes"]["status"] == {"old": "due_soon", "new": "overdue"}
               for f in d["changed"] if f["requirement"] in late)
    assert all(f["id"] == f["old_id"] for f in d["changed"])       # the ID is the requirement's
    assert d["resolved"] == []
    assert {(f["rule"], f["requirement"]) for f in d["new_findings"]} == {("dx_plan.plan_expired", "DXP-PLAN-CURRENT")}
    assert d["summary"]["better"] == 0 and d["summary"]["worse"] >= len(late)
    assert d["old"]["as_of"] == "2026-03-30" and d["new"]["as_of"] == "2026-04-01"


def test_a_1x_run_compares_with_a_2x_run_by_requirement(runner, tmp_path):
    """A 1.x file (several findings for one requirement, IDs with the rule in them) is read as
    the worst finding of each requirement."""
    b = run_json(runner, tmp_path, "2026-11-23")
    new = json.loads(b.read_text("utf-8"))
    old = json.loads(json.dumps(new))
    old["schema_version"] = "1.1"
    for f in old["findings"]:
        f["id"] = f["legacy_ids"][0]
    extra = dict(old["findings"][0], id="GC-000000000001", status="gap", severity="low", rule="x.y")
    old["findings"].append(extra)                    # a second, milder finding of one requirement
    d = diff.compare(old, new)
    assert d["summary"]["new"] == d["summary"]["resolved"] == d["summary"]["worse"] == 0
    assert d["summary"]["unchanged"] == len(new["findings"])
    assert any("1.1" in n["en"] for n in d["notes"])


def test_status_changes_when_the_due_soon_window_opens(runner, tmp_path):
    """180 days before 2026-03-31 is 2025-10-02: the late plans turn from gap to due_soon."""
    d = diff_json(runner, run_json(runner, tmp_path, "2025-09-30"), run_json(runner, tmp_path, "2025-10-05"))
    assert d["new_findings"] == [] and d["resolved"] == []
    late = set(ORIGINAL17) - {"BS-SEIHO", "BS-FUYO"}
    bs = [f for f in d["changed"] if f["requirement"].startswith("BS-")]
    assert {(f["rule"], f["requirement"]) for f in bs} == {("base_systems.late_plan", r) for r in late}
    assert all(f["changes"] == {"status": {"old": "gap", "new": "due_soon"}} and f["direction"] == "worse" for f in bs)


def test_severity_and_deadline_changes_and_library(tmp_path):
    res = api.run(UCHINADA, as_of="2026-11-23")
    from gapcheck.engine.report import model as report

    old = report.to_dict(res, "en")
    new = json.loads(json.dumps(old))
    new["findings"][0]["severity"] = "high"
    new["findings"][1]["deadline"] = "2031-03-31"
    new["findings"][2]["days_to_deadline"] = 5            # not a change
    d = diff.compare(old, new)
    assert [(f["id"], f["changes"], f["direction"]) for f in d["changed"]] == [
        (old["findings"][0]["id"], {"severity": {"old": "critical", "new": "high"}}, "same"),
        (old["findings"][1]["id"], {"deadline": {"old": "2026-03-31", "new": "2031-03-31"}}, "same"),
    ]
    assert not diff.has_differences(diff.compare(old, old))
    md = diff.render(d, "markdown", "en")
    assert "## Other changes (2)" in md and "severity: critical → high" not in md and "Severity: critical → high" in md
    ja = diff.render(d, "table", "ja")
    assert "その他の変化 (2)" in ja and "重大度: 重大 → 高" in ja


def test_same_run_twice_is_no_difference_exit_0_and_exit_code_flag(runner, tmp_path):
    a = run_json(runner, tmp_path, "2026-11-23", "a.json")
    b = run_json(runner, tmp_path, "2026-11-23", "b.json")
    assert a.read_bytes() == b.read_bytes()
    r = runner.invoke(main, ["--lang", "en", "diff", str(a), str(b)])
    assert r.exit_code == 0 and "No differences" in r.output
    assert runner.invoke(main, ["diff", str(a), str(b), "--exit-code"]).exit_code == 0
    c = run_json(runner, tmp_path, "2026-03-30")
    r = runner.invoke(main, ["diff", str(c), str(a)])
    assert r.exit_code == 0 and "新たな指摘" in r.output       # differences listed, still 0
    assert runner.invoke(main, ["diff", str(c), str(a), "--exit-code"]).exit_code == 1


def test_diff_formats(runner, tmp_path):
    a, b = run_json(runner, tmp_path, "2026-03-30"), run_json(runner, tmp_path, "2026-04-01")
    r = runner.invoke(main, ["--lang", "en", "diff", str(a), str(b)])
    assert "New findings (1):" in r.output and "Worse (" in r.output and "Resolved" not in r.output.split("\n\n", 1)[1]
    r = runner.invoke(main, ["diff", str(a), str(b), "--format", "markdown"])
    d = diff_json(runner, a, b)
    rows = [ln for ln in r.output.splitlines() if ln.startswith("| GC-")]
    assert len(rows) == d["summary"]["new"] + d["summary"]["worse"] + d["summary"]["better"] + d["summary"]["changed"]
    assert "## 新たな指摘 (1)" in r.output and f"## 悪化 ({d['summary']['worse']})" in r.output
    out = tmp_path / "d.md"
    assert runner.invoke(main, ["diff", str(a), str(b), "--format", "markdown", "-o", str(out)]).exit_code == 0
    assert out.read_text("utf-8") == r.output
    assert runner.invoke(main, ["diff", str(a), str(b), "-o", str(a)]).exit_code == 2   # never over an input


def test_notes_for_different_profiles(runner, tmp_path):
    a = run_json(runner, tmp_path, "2026-11-23")
    k = tmp_path / "kaga.json"
    runner.invoke(main, ["run", str(PROFILES / "kaga.yaml"), "--as-of", "2026-11-23", "--format", "json", "-o", str(k)])
    d = diff_json(runner, a, k)
    assert any("different profiles" in n["en"] for n in d["notes"]) and diff.has_differences(d)


@pytest.mark.parametrize("name, content, words, line", [
    ("missing.json", None, "no such file", None),
    ("broken.json", '{"findings": [\n  {"id": 1,,}\n]}', "not valid JSON", 2),
    ("other.json", '{"hello": "world"}\n', "not a gapcheck findings file", 1),
    ("future.json", '{"schema_version": "3.0", "findings": []}', "unsupported schema_version", None),
    ("partial.json", '{"schema_version": "1.1", "findings": [{"id": "GC-000000000000"}]}', "lacks rule", None),
    ("binary.json", b"\xff\xfe\x00\x01", "not UTF-8", None),
])
def test_bad_input_exit_2_with_file_and_reason(runner, tmp_path, name, content, words, line):
    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    bad = tmp_path / name if content is None else write(tmp_path, name, content)
    for args in (["diff", str(good), str(bad)], ["diff", str(bad), str(good)]):
        r = runner.invoke(main, ["--lang", "en"] + args)
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output and words in r.output
        assert (f"{name}:{line}" if line else name) in r.output
    r = runner.invoke(main, ["diff", str(good), str(bad)])
    assert r.exit_code == 2 and "エラー" in r.output


def test_help_documents_diff_exit_codes(runner):
    r = runner.invoke(main, ["diff", "--help"])
    assert r.exit_code == 0
    for code in ("0", "1", "2", "3"):
        assert f"  {code}  " in r.output
    assert "--exit-code" in r.output


def _diff_exit(tmp_path, *args, timeout=30):
    """gapcheck diff in a child process, so that a read that blocks fails the test instead of hanging it."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    p = subprocess.run([sys.executable, "-m", "gapcheck", "--lang", "en", "diff", *map(str, args)],
                       capture_output=True, text=True, timeout=timeout, cwd=tmp_path)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_fifo_and_device_are_refused_without_blocking(runner, tmp_path):
    import os

    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    code, out = _diff_exit(tmp_path, fifo, fifo)
    assert code == 2 and "named pipe (FIFO)" in out and "Traceback" not in out, out
    code, out = _diff_exit(tmp_path, "/dev/zero", good)           # would otherwise read without end
    assert code == 2 and "/dev/zero: this is a device" in out, out
    code, out = _diff_exit(tmp_path, good, tmp_path)
    assert code == 2 and "directory" in out, out


def test_size_limit_before_and_while_reading(runner, tmp_path, monkeypatch):
    import os

    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    assert diff.MAX_BYTES == 256 * 1024 * 1024
    monkeypatch.setattr(diff, "MAX_BYTES", 1000)
    r = runner.invoke(main, ["--lang", "en", "diff", str(good), str(good)])
    assert r.exit_code == 2 and "good.json: the file is" in r.output and "the limit is 1,000" in r.output
    # a file whose size the stat does not tell (as /proc's): the limit holds while reading
    proc = "/proc/self/status"
    if os.path.exists(proc) and os.stat(proc).st_size == 0:
        monkeypatch.setattr(diff, "MAX_BYTES", 10)
        r = runner.invoke(main, ["--lang", "en", "diff", proc, str(good)])
        assert r.exit_code == 2 and "more than 10 bytes" in r.output, r.output


@pytest.mark.parametrize("change, path, words", [
    (lambda d: d["findings"][0].update(status=["overdue"]), "findings[0].status", "status is a list; a string"),
    (lambda d: d["findings"][1].update(id={"a": 1}), "findings[1].id", "id is an object; a string"),
    (lambda d: d["findings"][2].update(deadline=20260331), "findings[2].deadline", "a string or null"),
    (lambda d: d["findings"][0].update(waiver=[1]), "findings[0].waiver", "an object or null"),
    (lambda d: d["findings"][0].update(waiver={"ref": {"x": [1]}}), "findings[0].waiver.ref", "ref is an object"),
    (lambda d: d["findings"][0].update(requirement_name=True), "findings[0].requirement_name", "true or false"),
    (lambda d: d.update(profile=["uchinada"]), "profile", "profile is a list"),
    (lambda d: d["profile"].update(id=7), "profile.id", "id is a number"),
    (lambda d: d.update(catalogs={"dx_plan": "2025"}), "catalogs.dx_plan", "dx_plan is a string; an object"),
    (lambda d: d.update(schema_version=1.0), "schema_version", "unsupported schema_version"),
    (lambda d: d.update(findings=[1]), "findings[0]", "finding 0 is not an object"),
])
def test_right_keys_wrong_types_exit_2_with_the_json_path(runner, tmp_path, change, path, words):
    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    d = json.loads(good.read_text("utf-8"))
    change(d)
    bad = write(tmp_path, "bad.json", json.dumps(d, ensure_ascii=False))
    for args in ([good, bad], [bad, good]):
        r = runner.invoke(main, ["--lang", "en", "diff", *map(str, args)])
        assert r.exit_code == 2, r.output
        assert f"bad.json: {path}: " in r.output and words in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["diff", str(good), str(bad)])
    assert r.exit_code == 2 and "エラー: " in r.output and path in r.output


def test_deep_nesting_exit_2(runner, tmp_path):
    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    deep = write(tmp_path, "deep.json", '{"schema_version": "1.0", "findings": ' + "[" * 100_000 + "]" * 100_000 + "}")
    r = runner.invoke(main, ["--lang", "en", "diff", str(good), str(deep)])
    assert r.exit_code == 2 and "deep.json: the JSON is nested too deeply" in r.output, r.output


def test_control_characters_from_the_files_are_shown_escaped(runner, tmp_path):
    good = run_json(runner, tmp_path, "2026-11-23", "good.json")
    d = json.loads(good.read_text("utf-8"))
    d["profile"]["id"] = "x\x1b]0;OWNED\x07"
    d["findings"][0]["requirement_name"] = "name\x1b[2J\rfake"
    d["findings"][0]["severity"] = "gap\x9b31m"
    other = write(tmp_path, "o\x1b[31m.json", json.dumps(d))
    for fmt in ("table", "markdown"):
        r = runner.invoke(main, ["--lang", "en", "diff", str(good), str(other), "--format", fmt])
        assert r.exit_code == 0, r.output
        assert not any(c in r.output for c in "\x1b\x07\x9b\r"), r.output
        assert "OWNED\\x07" in r.output and "o\\x1b" in r.output and "31m.json" in r.output
        assert "gap\\x9b31m" in r.output
    r = runner.invoke(main, ["diff", str(good), str(other), "--format", "json"])
    assert json.loads(r.output)["new"]["profile"] == "x\x1b]0;OWNED\x07"      # JSON keeps the value
