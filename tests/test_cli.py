"""The command line, through click's CliRunner: outputs, exit codes, and errors without tracebacks."""
import json

from gapcheck.cli import main
from tests.conftest import PROFILES, write

UCHINADA = str(PROFILES / "uchinada.yaml")


def test_run_table_default_japanese(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-11-23"])
    assert r.exit_code == 0, r.output
    assert "内灘町" in r.output and "期限超過" in r.output
    assert "基幹業務システム" in r.output and "BS-KOSEKI" in r.output


def test_run_json_english(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "令和8年4月1日", "--format", "json", "--lang", "en"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["as_of"] == "2026-04-01" and d["lang"] == "en"
    assert any(f["status"] == "overdue" for f in d["findings"])


def test_fail_on_threshold(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-04-01", "--fail-on", "critical"])
    assert r.exit_code == 1
    # before the deadline nothing is critical
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2025-01-01", "--fail-on", "critical", "--format", "json"])
    d = json.loads(r.output)
    assert not [f for f in d["findings"] if f["severity"] == "critical"]
    assert r.exit_code == 0


def test_output_file_is_written_and_input_protected(runner, tmp_path):
    out = tmp_path / "out.json"
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-11-23", "--format", "json", "-o", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["profile"]["id"] == "uchinada"
    prof = write(tmp_path, "p.yaml", open(UCHINADA, encoding="utf-8").read())
    before = prof.read_bytes()
    r = runner.invoke(main, ["run", str(prof), "-o", str(prof)])
    assert r.exit_code == 2 and "上書き" in r.output
    assert prof.read_bytes() == before


def test_bad_inputs_exit_2_with_location_and_no_traceback(runner, tmp_path):
    cases = {
        "missing.yaml": None,
        "syntax.yaml": "id: x\nmunicipality: [\n",
        "dupkey.yaml": "id: x\nid: y\n",
        "typo.yaml": open(UCHINADA, encoding="utf-8").read().replace("as_of:", "asof:", 1),
        "badid.yaml": open(UCHINADA, encoding="utf-8").read().replace("BS-KOSEKI: unknown", "BS-KOSEK: unknown"),
        "baddate.yaml": open(UCHINADA, encoding="utf-8").read().replace("planned: 令和8年度", "planned: 令和0年度", 1),
        "badcode.yaml": open(UCHINADA, encoding="utf-8").read().replace('"173657"', '"173658"'),
    }
    for name, text in cases.items():
        path = tmp_path / name if text is None else write(tmp_path, name, text)
        r = runner.invoke(main, ["--lang", "en", "run", str(path)])
        assert r.exit_code == 2, (name, r.output)
        assert "Traceback" not in r.output, name
        assert name in r.output, (name, r.output)
    r = runner.invoke(main, ["--lang", "en", "run", str(tmp_path / "typo.yaml")])
    line = next(i for i, ln in enumerate(open(UCHINADA, encoding="utf-8"), 1) if ln.startswith("as_of:"))
    assert "did you mean 'as_of'" in r.output and f"typo.yaml:{line}:1: asof" in r.output
    r = runner.invoke(main, ["--lang", "en", "run", str(tmp_path / "badid.yaml")])
    assert "did you mean 'BS-KOSEKI'" in r.output
    r = runner.invoke(main, ["run", str(tmp_path / "baddate.yaml")])
    assert "令和0年" in r.output or "令和" in r.output


def test_bad_as_of_is_usage_error(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-02-30"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_help_documents_exit_codes(runner):
    r = runner.invoke(main, ["run", "--help"])
    assert r.exit_code == 0
    for code in ("0", "1", "2", "3"):
        assert f"  {code}  " in r.output


def test_verify_passes(runner):
    r = runner.invoke(main, ["verify"])
    assert r.exit_code == 0, r.output
    assert "不合格 0件" in r.output and "passed" not in r.output
    r = runner.invoke(main, ["--lang", "en", "verify", "base_systems"])
    assert r.exit_code == 0 and " 0 failed" in r.output


def test_verify_unknown_rule_is_a_clear_error(runner):
    r = runner.invoke(main, ["verify", "nosuch"])
    assert r.exit_code == 2 and "ルールまたは分野 'nosuch' はありません" in r.output and "passed" not in r.output
    r = runner.invoke(main, ["--lang", "en", "verify", "base_systems.overdu"])
    assert r.exit_code == 2 and "no rule and no area" in r.output and "base_systems.overdue" in r.output


def test_catalog_and_rule_listings(runner):
    r = runner.invoke(main, ["catalogs", "list", "--format", "json"])
    rows = json.loads(r.output)
    assert {"area": "base_systems"}.items() <= rows[0].items() if rows[0]["area"] == "base_systems" else True
    assert any(x["area"] == "base_systems" and x["items"] == 20 for x in rows)
    r = runner.invoke(main, ["catalogs", "show", "base_systems", "--format", "json"])
    d = json.loads(r.output)
    assert len(d["items"]) == 20 and all(i["citation"] for i in d["items"])
    r = runner.invoke(main, ["catalogs", "show", "base_sytems"])
    assert r.exit_code == 2 and "base_systems" in r.output
    r = runner.invoke(main, ["rules", "list", "--format", "json"])
    assert any(x["id"] == "base_systems.overdue" and x["catalog"] == "base_systems" for x in json.loads(r.output))


def test_explain(runner):
    r = runner.invoke(main, ["explain", "base_systems.designated", "--lang", "en"])
    assert r.exit_code == 0 and "特定移行支援システム" in r.output and "examples" in r.output
    r = runner.invoke(main, ["explain", "bs-koseki"])
    assert r.exit_code == 0 and "戸籍" in r.output
    r = runner.invoke(main, ["explain", "nothing.here"])
    assert r.exit_code == 2


def test_internal_error_exit_3_without_traceback_unless_debug(runner, monkeypatch):
    from gapcheck.engine import api

    def broken(*a, **k):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(api, "run", broken)
    r = runner.invoke(main, ["run", UCHINADA])
    assert r.exit_code == 3 and "Traceback" not in r.output and "--debug" in r.output
    r = runner.invoke(main, ["--debug", "run", UCHINADA])
    assert r.exit_code == 3 and "Traceback" in r.output


def test_output_file_mode_is_not_private(runner, tmp_path):
    """Reports are for sharing: the written file gets the usual mode, not the temp file's 0600."""
    import os
    import stat

    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-11-23", "--format", "json", "-o", str(out)])
    finally:
        os.umask(old)
    assert r.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    os.chmod(out, 0o640)
    runner.invoke(main, ["run", UCHINADA, "--as-of", "2026-11-23", "--format", "json", "-o", str(out)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_as_of_a_month_says_a_day_is_needed(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "令和8年9月"])
    assert r.exit_code == 2 and "日まで" in r.output and "令和8年9月1日" in r.output
    assert "1日を指定" not in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, "--as-of", "令和8年9月"])
    assert r.exit_code == 2 and "a day is needed" in r.output and "令和8年9月1日" in r.output
