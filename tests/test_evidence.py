"""Findings an auditor can sign: what the evidence says, how old it is, and whether the duty
applies (one finding per requirement, basis and age, unverified, applicability, designation on
its own date, area defaults, waivers by granted status)."""
from __future__ import annotations

import json
import textwrap

from gapcheck.cli import main
from gapcheck.engine import api
from tests.conftest import PROFILES, write

DAY = "2026-12-01"


def by_req(res):
    return {f.requirement: f for f in res.findings}


def profile(tmp_path, body, name="p.yaml"):
    head = """\
        profile_version: 2
        id: example
        municipality: {name: 例示町, code: "173657", prefecture: 石川県, type: 町, welfare_office: false}
        as_of: 2025-03-31
        basis: record
        """
    return write(tmp_path, name, textwrap.dedent(head) + textwrap.dedent(body))


def test_kaga_under_way_before_the_deadline_is_unverified_not_overdue():
    f = by_req(api.run(PROFILES / "kaga.yaml", as_of=DAY))
    bs = [x for r, x in f.items() if r.startswith("BS-")]
    assert bs and {x.status for x in bs} == {"unverified"}
    assert all(x.severity == "high" and x.basis == "plan" for x in bs)      # one step below critical


def test_uchinada_late_plan_is_overdue_on_an_old_plan():
    f = by_req(api.run(PROFILES / "uchinada.yaml", as_of=DAY))
    j = f["BS-JUKI"]
    assert (j.status, j.severity, j.basis, j.stale) == ("overdue", "critical", "plan", True)
    assert j.data_age_days == 1706 and j.evidence_date.isoformat() == "2022-03-31"
    assert j.planned_after_deadline is True and j.in_plan is True


def test_no_requirement_is_ok_without_known_evidence():
    for p in sorted(PROFILES.glob("*.yaml")):
        if p.name == "TEMPLATE.yaml":
            continue
        for f in api.run(p, as_of=DAY, include_passed=True).findings:
            if f.status == "ok":
                assert f.basis != "none", (p.name, f.requirement, f.rule)
                assert f.rule.startswith("common.") or any(e["present"] for e in f.evidence), (p.name, f.rule)


def test_a_town_without_a_welfare_office_gets_no_public_assistance_finding(tmp_path):
    p = profile(tmp_path, """\
        areas:
          base_systems:
            items:
              BS-SEIHO: planned
        """)
    assert "BS-SEIHO" not in by_req(api.run(p, as_of=DAY))
    f = by_req(api.run(p, as_of=DAY, include_passed=True))["BS-SEIHO"]
    assert f.status == "not_applicable" and f.rule == "common.not_applicable"
    assert "福祉事務所を設置していない" in f.message["ja"] and "welfare office" in f.message["en"]
    assert f.applicability["applies"] is False and "welfare_office" in f.applicability["reason"]["en"]
    assert f.evidence[0]["path"] == "municipality.welfare_office" and f.evidence[0]["value"] is False
    # unknown: unassessed with what to fill in, never a gap
    q = write(tmp_path, "q.yaml", p.read_text(encoding="utf-8").replace(", welfare_office: false", ""))
    g = by_req(api.run(q, as_of=DAY))["BS-SEIHO"]
    assert g.status == "unassessed" and "municipality.welfare_office" in g.remediation["ja"]


def test_nationally_provided_procedures_are_met_on_the_national_source(tmp_path):
    p = profile(tmp_path, "areas: {}\n")
    f = by_req(api.run(p, as_of=DAY, include_passed=True))["OP-TENSHUTSU"]
    assert (f.status, f.basis, f.rule) == ("ok", "national", "common.provided_nationally")
    assert any(r["source"] == "digital-moving-onestop" for r in f.references)


def test_a_designated_system_has_its_own_deadline_capped_at_the_limit(tmp_path):
    p = profile(tmp_path, """\
        areas:
          base_systems:
            items:
              BS-JUKI: {status: in_progress, designated: true, designated_until: 令和9年1月, designation_reason: r4}
              BS-KOKUHO: {status: in_progress, designated: true}
              BS-KAIGO: {status: in_progress, designated: true, designated_until: 令和14年度}
        """)
    f = by_req(api.run(p, as_of=DAY))
    assert f["BS-JUKI"].deadline.isoformat() == "2027-01-31" and f["BS-JUKI"].status == "due_soon"
    assert f["BS-KOKUHO"].status == "unverified"                       # no date: not "on time"
    assert f["BS-KAIGO"].deadline.isoformat() == "2031-03-31"          # capped at the outer limit
    assert f["BS-KAIGO"].rule == "base_systems.designated_beyond_limit"
    later = by_req(api.run(p, as_of="2027-03-01"))["BS-JUKI"]           # its own date has passed
    assert later.status == "unverified" and later.days_to_deadline < 0


def test_a_record_dated_after_the_deadline_decides(tmp_path):
    p = profile(tmp_path, """\
        areas:
          base_systems:
            items:
              BS-JUKI: {status: in_progress, as_of: 2026-06-30}
              BS-SENKYO: in_progress
        """)
    f = by_req(api.run(p, as_of=DAY))
    assert f["BS-JUKI"].status == "overdue" and f["BS-JUKI"].evidence_date.isoformat() == "2026-06-30"
    assert f["BS-SENKYO"].status == "unverified" and f["BS-SENKYO"].evidence_date.isoformat() == "2025-03-31"


def test_area_defaults_are_written_once_and_do_not_reach_items_outside_the_plan(tmp_path):
    p = profile(tmp_path, """\
        areas:
          base_systems:
            defaults: {status: planned, planned: 令和7年度, basis: plan, as_of: 2025-01-31}
            plan_scope: [BS-JUKI, BS-SENKYO]
            items:
              BS-KOTEI: {status: done, basis: record}
        """)
    f = by_req(api.run(p, as_of=DAY, include_passed=True))
    assert f["BS-JUKI"].status == "unverified" and f["BS-JUKI"].basis == "plan"
    assert f["BS-JUKI"].evidence_date.isoformat() == "2025-01-31"
    assert any(e["path"] == "areas.base_systems.defaults.status" for e in f["BS-JUKI"].evidence)
    assert f["BS-KOSEKI"].status == "unassessed" and f["BS-KOSEKI"].in_plan is False   # outside the plan
    assert f["BS-KOTEI"].status == "ok" and f["BS-KOTEI"].basis == "record"


def test_a_plan_without_an_end_is_not_in_force(tmp_path):
    p = profile(tmp_path, "plan: {title: 例示町DX推進計画}\nareas: {}\n")
    f = by_req(api.run(p, as_of=DAY, include_passed=True))["DXP-PLAN-CURRENT"]
    assert (f.status, f.rule) == ("unassessed", "dx_plan.plan_period_unknown")


def test_max_age_decides_stale_everywhere(runner, tmp_path):
    p = profile(tmp_path, "areas: {base_systems: {items: {BS-JUKI: in_progress}}}\n")
    for age, stale in ((365, True), (700, False)):
        r = runner.invoke(main, ["run", str(p), "--as-of", DAY, "--format", "json", "--max-age", str(age)])
        d = json.loads(r.output)
        assert d["max_age_days"] == age and d["profile"]["stale"] is stale
        assert next(f for f in d["findings"] if f["requirement"] == "BS-JUKI")["stale"] is stale
    assert "freshness window (365 days" in runner.invoke(main, ["--lang", "en", "validate", str(p), "--as-of", DAY]).output
    assert "freshness window" not in runner.invoke(
        main, ["--lang", "en", "validate", str(p), "--as-of", DAY, "--max-age", "700"]).output


def test_one_id_per_requirement_across_statuses_and_rules():
    before = by_req(api.run(PROFILES / "uchinada.yaml", as_of="2026-03-30"))
    after = by_req(api.run(PROFILES / "uchinada.yaml", as_of="2026-04-01"))
    j0, j1 = before["BS-JUKI"], after["BS-JUKI"]
    assert (j0.status, j1.status) == ("due_soon", "overdue") and j0.rule != j1.rule
    assert j0.id == j1.id and j0.legacy_ids != j1.legacy_ids


def test_a_waiver_covers_only_the_status_it_was_granted_for(runner, tmp_path):
    w = write(tmp_path, "w.yaml", textwrap.dedent("""\
        waivers:
          - id: W-1
            rule: base_systems.late_plan
            requirement: BS-JUKI
            justification: 移行は令和8年度に行う（承認済み）
            approved_by: 情報政策担当課長
            expires: 2027-03-31
        """))
    u = str(PROFILES / "uchinada.yaml")
    r = runner.invoke(main, ["run", u, "--as-of", "2026-03-30", "--format", "json", "--waivers", str(w)])
    f = next(x for x in json.loads(r.output)["findings"] if x["requirement"] == "BS-JUKI")
    assert f["status"] == "waived" and f["waiver"]["granted_status"] == "due_soon"
    # the deadline passes: the finding is now overdue, worse than what was accepted: not hidden
    r = runner.invoke(main, ["run", u, "--as-of", "2026-04-01", "--format", "json", "--waivers", str(w)])
    d = json.loads(r.output)
    f = next(x for x in d["findings"] if x["requirement"] == "BS-JUKI")
    assert f["status"] == "overdue" and f["waiver"]["outgrown"] is True
    assert [e["id"] for e in d["waivers"]["outgrown"]] == ["W-1"]
    assert runner.invoke(main, ["run", u, "--as-of", "2026-04-01", "--waivers", str(w),
                                "--fail-on", "critical"]).exit_code == 1


def test_a_waiver_by_a_1x_finding_id_still_applies_and_says_so(runner, tmp_path):
    u = PROFILES / "uchinada.yaml"
    res = api.run(u, as_of="2026-11-23")
    f = by_req(res)["SEC-POLICY-REVISION"]
    old = next(i for i in f.legacy_ids)
    w = write(tmp_path, "w.yaml", textwrap.dedent(f"""\
        waivers:
          - finding: {old}
            status: {f.status}
            justification: 改定状況を確認中
            approved_by: 総務課長
            expires: 2027-03-31
        """))
    r = runner.invoke(main, ["run", str(u), "--as-of", "2026-11-23", "--format", "json", "--waivers", str(w)])
    d = json.loads(r.output)
    g = next(x for x in d["findings"] if x["requirement"] == "SEC-POLICY-REVISION")
    assert g["status"] == "waived" and g["waiver"]["matched_by"] == "legacy_id"
    assert d["waivers"]["applied"][0]["matched_by_legacy_id"] is True


def test_a_designation_reason_must_be_one_of_the_catalog(runner, tmp_path):
    p = profile(tmp_path, """\
        areas:
          base_systems:
            items:
              BS-JUKI: {status: in_progress, designated: true, designated_until: 令和9年1月, designation_reason: r9}
        """)
    r = runner.invoke(main, ["--lang", "en", "validate", str(p)])
    assert r.exit_code == 2 and "'r9' is not a designation reason" in r.output and "r4" in r.output
    ok = write(tmp_path, "ok.yaml", p.read_text(encoding="utf-8").replace("r9", "r4"))
    assert runner.invoke(main, ["validate", str(ok)]).exit_code == 0
