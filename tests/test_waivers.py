"""Waivers: applied, expired (real status kept, said so), unmatched reported, never counted by
--fail-on, and a bad waiver file is exit 2 with its file and line."""
import json
import textwrap

import pytest

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.match.waivers import apply_waivers, load_waivers
from tests.conftest import PROFILES, ROOT, write

UCHINADA = str(PROFILES / "uchinada.yaml")
EXAMPLE = ROOT / "profiles" / "waivers" / "uchinada.waivers.yaml"
AS_OF = "2026-11-23"
# uchinada at 2026-11-23 (see profiles/waivers/uchinada.waivers.yaml)
AI = "GC-7410368b0ef8"                                        # dx_plan.focus_item_missing / DXP-AI
NOT_IN_PLAN = {"GC-a0339c7372f3", "GC-e01f6b3abb92", "GC-a1bfd9eada78"}   # base_systems.unassessed x3
POLICY = "GC-f39921d50686"                                    # security.policy_edition_unknown
POLICY_1X = "GC-71c62b4c632b"                                 # its 1.x ID (profile, rule, requirement)


def waiver_file(tmp_path, body, name="w.yaml"):
    return write(tmp_path, name, textwrap.dedent(body))


@pytest.fixture(scope="module")
def plain():
    return api.run(UCHINADA, as_of=AS_OF)


@pytest.fixture(scope="module")
def waived():
    return api.run(UCHINADA, as_of=AS_OF, waivers=EXAMPLE)


def by_id(result):
    return {f.id: f for f in result.findings}


def test_example_file_applied_expired_unmatched(plain, waived):
    before, after = by_id(plain), by_id(waived)
    assert [f.id for f in plain.findings] == [f.id for f in waived.findings]      # same places
    for fid in NOT_IN_PLAN | {AI}:
        assert before[fid].status != "waived" and after[fid].status == "waived"
        w = after[fid].waiver
        assert w["expired"] is False and w["original_status"] == before[fid].status
        assert w["approved_by"] and w["justification"] and w["expires"] == "2027-03-31"
        assert w["ref"].startswith(str(EXAMPLE)) and w["line"]
    # expired: the finding keeps its real status and says the waiver expired
    assert after[POLICY].status == before[POLICY].status == "unverified"   # planned 令和3年度, no record since
    assert after[POLICY].waiver["expired"] is True and after[POLICY].waiver["expires"] == "2026-09-30"
    # nothing else changed
    changed = {i for i in before if (before[i].status, before[i].waiver) != (after[i].status, after[i].waiver)}
    assert changed == NOT_IN_PLAN | {AI, POLICY}
    rep = waived.waivers
    assert [w["id"] for w in rep["applied"]] == ["W-2026-001", "W-2026-002"]
    assert set(rep["applied"][1]["findings"]) == NOT_IN_PLAN
    assert [w["id"] for w in rep["expired"]] == ["W-2026-003"] and rep["expired"][0]["findings"] == [POLICY]
    assert [w["id"] for w in rep["unmatched"]] == ["W-2026-004"] and rep["unmatched"][0]["findings"] == []
    assert rep["other_profiles"] == [] and rep["count"] == 4


def test_waivers_in_json_and_table(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--waivers", str(EXAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["summary"]["by_status"]["waived"] == 4
    assert {k: len(d["waivers"][k]) for k in ("applied", "expired", "unmatched")} == \
        {"applied": 2, "expired": 1, "unmatched": 1}
    pol = next(f for f in d["findings"] if f["id"] == POLICY)
    assert pol["status"] == "unverified" and pol["waiver"]["expired"] is True
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, "--as-of", AS_OF, "--waivers", str(EXAMPLE)],
                      env={"COLUMNS": "250"})
    assert r.exit_code == 0
    assert "Waivers " in r.output and "applied 2, expired 1, unmatched 1" in r.output
    assert "W-2026-004" in r.output and "matches no finding" in r.output
    assert "W-2026-003" in r.output and "expired on 2026-09-30" in r.output
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--waivers", str(EXAMPLE)], env={"COLUMNS": "250"})
    assert "適用 2件、期限切れ 1件、該当なし 1件" in r.output and "免除" in r.output


def test_waived_findings_never_count_for_fail_on(tmp_path, runner):
    # waive every critical finding (17 x base_systems.overdue_late_plan) until the end of FY2026
    w = waiver_file(tmp_path, """\
        waivers:
          - rule: base_systems.overdue_late_plan
            justification: 移行中（特定移行支援システムの該当性を確認中）
            approved_by: CIO
            expires: 令和8年度末
        """)
    args = ["run", UCHINADA, "--as-of", AS_OF, "--fail-on", "critical", "--format", "json"]
    assert runner.invoke(main, args).exit_code == 1
    r = runner.invoke(main, args + ["--waivers", str(w)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["summary"]["by_status"]["waived"] == 17 and d["summary"]["by_severity"]["critical"] == 0
    # the high ones are still there
    assert runner.invoke(main, args[:-4] + ["--fail-on", "high", "--waivers", str(w)]).exit_code == 1
    # once expired the waiver no longer helps
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", "2027-04-01", "--fail-on", "critical", "--waivers", str(w)])
    assert r.exit_code == 1


def test_expiry_day_is_the_last_day_in_force(tmp_path):
    w = load_waivers(str(waiver_file(tmp_path, f"""\
        - finding: {AI}
          justification: j
          approved_by: a
          expires: 2026-11-23
        """)))
    base = api.run(UCHINADA, as_of=AS_OF)
    on = by_id(apply_waivers(base, w, base.as_of))[AI]
    assert on.status == "waived" and on.waiver["expired"] is False
    later = api.run(UCHINADA, as_of="2026-11-24")
    after = by_id(apply_waivers(later, w, later.as_of))[AI]
    assert after.status == "gap" and after.waiver["expired"] is True


def test_apply_waivers_is_a_pure_library_step(tmp_path, plain):
    w = load_waivers(str(EXAMPLE))
    statuses = [f.status for f in plain.findings]
    out = apply_waivers(plain, w, plain.as_of)
    assert out is not plain and [f.status for f in plain.findings] == statuses
    assert plain.waivers is None and out.waivers["file"] == str(EXAMPLE)
    assert apply_waivers(plain, None) is plain


def test_narrowing_by_requirement_and_profile(tmp_path):
    w = waiver_file(tmp_path, """\
        waivers:
          - rule: base_systems.unassessed
            requirement: BS-INKAN
            justification: j
            approved_by: a
            expires: 2030-03-31
          - rule: base_systems.unassessed
            profile: kaga
            justification: j
            approved_by: a
            expires: 2030-03-31
        """)
    res = api.run(UCHINADA, as_of=AS_OF, waivers=w)
    waived = {f.id for f in res.findings if f.status == "waived"}
    assert waived == {"GC-a1bfd9eada78"}
    assert len(res.waivers["other_profiles"]) == 1 and res.waivers["unmatched"] == []


def test_passed_findings_are_not_waived(tmp_path):
    w = waiver_file(tmp_path, """\
        - rule: dx_plan.focus_item_covered
          justification: j
          approved_by: a
          expires: 2030-03-31
        """)
    res = api.run(PROFILES / "kaga.yaml", as_of=AS_OF, include_passed=True, waivers=w)
    assert [f for f in res.findings if f.rule == "dx_plan.focus_item_covered" and f.status == "ok"]
    assert not [f for f in res.findings if f.status == "waived"]
    assert len(res.waivers["unmatched"]) == 1


def test_every_format_shows_the_waiver(waived):
    from gapcheck.engine.report.formats import render_dict
    from gapcheck.engine.report.model import to_dict

    for lang in ("ja", "en"):
        d = to_dict(waived, lang)
        for fmt in ("table", "markdown", "html", "csv"):
            out = render_dict(d, fmt)
            assert "W-2026-002" in out and "W-2026-003" in out, (fmt, lang)
            assert ("期限切れ" if lang == "ja" else "expired") in out, (fmt, lang)


def test_budget_leaves_waived_findings_out(runner):
    base = ["budget", UCHINADA, "--fy", "2026", "--as-of", AS_OF, "--format", "json"]
    a = json.loads(runner.invoke(main, base).output)
    r = runner.invoke(main, base + ["--waivers", str(EXAMPLE)])
    assert r.exit_code == 0, r.output
    b = json.loads(r.output)
    waived_ids = NOT_IN_PLAN | {AI}
    assert {i["finding"] for i in a["items"]} - {i["finding"] for i in b["items"]} == \
        {i["finding"] for i in a["items"]} & waived_ids
    assert b["summary"]["waived_findings"] == 4


@pytest.mark.parametrize("body, line, words", [
    ("""\
waivers:
  - rule: base_systems.unassessed
    justification: j
    approved_by: a
    expires: 令和0年度末
""", 5, "令和 has no year 0"),
    ("""\
waivers:
  - rule: base_systems.unassessd
    justification: j
    approved_by: a
    expires: 2027-03-31
""", 2, "did you mean 'base_systems.unassessed'"),
    ("""\
waivers:
  - rule: base_systems.unassessed
    justification: j
    approved_by: a
    expires: 2027-03-31
    expiry: 2027-03-31
""", 6, "did you mean 'expires'"),
    ("""\
waivers:
  - finding: GC-12
    justification: j
    approved_by: a
    expires: 2027-03-31
""", 2, "a finding ID is GC- and 12 hex digits"),
    ("""\
waivers:
  - justification: j
    approved_by: a
    expires: 2027-03-31
""", 2, "either a rule"),
    ("""\
waivers:
  - rule: base_systems.unassessed
    requirement: BS-KOSEK
    justification: j
    approved_by: a
    expires: 2027-03-31
""", 3, "did you mean 'BS-KOSEKI'"),
    ("""\
waivers:
  - rule: base_systems.unassessed
    approved_by: a
    expires: 2027-03-31
""", 2, "justification"),
    ("waivers:\n  - rule: [unclosed\n", 3, "YAML"),
    ("just text\n", 1, "waivers:"),
])
def test_bad_waiver_file_exit_2_with_file_and_line(runner, tmp_path, body, line, words):
    w = write(tmp_path, "bad.waivers.yaml", body)
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, "--waivers", str(w)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert f"bad.waivers.yaml:{line}" in r.output, r.output
    assert words in r.output, r.output
    r = runner.invoke(main, ["run", UCHINADA, "--waivers", str(w)])      # Japanese too
    assert r.exit_code == 2 and f"bad.waivers.yaml:{line}" in r.output and "エラー" in r.output


def test_missing_waiver_file_and_batch(runner, tmp_path):
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, "--waivers", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "nope.yaml" in r.output and "no such file" in r.output
    r = runner.invoke(main, ["budget", UCHINADA, "--fy", "2026", "--waivers", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "nope.yaml" in r.output
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, str(PROFILES / "kaga.yaml"), "--waivers", str(EXAMPLE)])
    assert r.exit_code == 2 and "--waivers" in r.output
