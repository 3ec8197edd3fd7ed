"""gapcheck explain: what a rule checks (in words and as written), the requirements and sources it
reads, its severity and why (obligation), its examples; what a requirement demands."""
from gapcheck.cli import main


def test_rule_explanation_covers_checks_sources_severity_and_examples(runner):
    r = runner.invoke(main, ["--lang", "en", "explain", "base_systems.overdue_late_plan"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "defined in: rules/base_systems.yaml:" in out                       # no machine-specific path
    assert "what it checks (per requirement; a finding when all hold):" in out
    assert "- status is one of planned, in_progress, not_started" in out
    assert "- planned_after_deadline is true" in out
    assert "conditions as written:" in out
    assert "severity: critical" in out and "obligation: legal duty" in out   # by_obligation, for legal
    assert "why this severity: a duty in law" in out
    assert "requirements (20): BS-JUKI" in out
    assert "source: [std-act] 地方公共団体情報システムの標準化に関する法律" in out and "https://laws.e-gov.go.jp" in out
    assert "examples:" in out and "1. fire" in out and "no_fire" in out
    ja = runner.invoke(main, ["explain", "base_systems.overdue_late_plan"]).output
    assert "重大度の理由: 法律上の義務" in ja and "判定条件（要件ごと。すべて満たすとき指摘）" in ja
    assert "status が 予定, 対応中, 未着手 のいずれか" in ja and "指摘する" in ja
    assert "- planned" in ja          # the conditions as written keep the codes


def test_profile_rule_and_nested_conditions(runner):
    out = runner.invoke(main, ["--lang", "en", "explain", "dx_plan.plan_expired"]).output
    assert "(per profile;" in out and "requirements (1): DXP-PLAN-CURRENT" in out
    from gapcheck.engine.commands.explain import describe_conditions

    lines = describe_conditions([{"any": [{"planned_after_deadline": False},
                                          {"planned_after_deadline": {"is_null": True}}]},
                                 {"deadline_days": {"lt": 0}}], "en")
    assert lines == ["- any of:", "  - planned_after_deadline is false",
                     "  - planned_after_deadline is unknown (null)", "- deadline_days < 0"]


def test_requirement_explanation_lists_rules_with_severity(runner):
    r = runner.invoke(main, ["--lang", "en", "explain", "bs-juki"])
    assert r.exit_code == 0
    assert "deadline: 2026-03-31" in r.output and "extended deadline: 2031-03-31" in r.output
    assert "obligation: legal duty — a duty in law" in r.output
    assert "base_systems.overdue (overdue, by obligation):" in r.output
    assert "source: 地方公共団体情報システムの標準化に関する法律" in r.output


def test_explain_a_requirement_by_its_japanese_name(runner):
    from gapcheck.cli import main

    r = runner.invoke(main, ["explain", "住民基本台帳"])
    assert r.exit_code == 0 and r.output.startswith("BS-JUKI: 住民基本台帳")
    r = runner.invoke(main, ["--lang", "en", "explain", "Resident register"])
    assert r.exit_code == 0 and r.output.startswith("BS-JUKI:")
    r = runner.invoke(main, ["explain", "税"])            # part of many names: they are listed
    assert r.exit_code == 2 and "BS-KOTEI" in r.output and "件あります" in r.output


def test_explain_a_finding_id_with_its_profile(runner):
    import json

    from gapcheck.cli import main
    from tests.conftest import PROFILES

    prof = str(PROFILES / "uchinada.yaml")
    d = json.loads(runner.invoke(main, ["run", prof, "--as-of", "2026-04-01", "--format", "json"]).output)
    f = next(x for x in d["findings"] if x["status"] == "overdue")
    r = runner.invoke(main, ["explain", f["id"], "--profile", prof, "--as-of", "2026-04-01"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f["id"]) and f["requirement"] in r.output and "期限超過" in r.output
    assert f["rule"] in r.output and "根拠（プロファイル）" in r.output
    r = runner.invoke(main, ["explain", f["id"]])                 # which profile's run?
    assert r.exit_code == 2 and "--profile" in r.output
    r = runner.invoke(main, ["explain", "GC-000000000000", "--profile", prof])
    assert r.exit_code == 2 and "GC-000000000000" in r.output
