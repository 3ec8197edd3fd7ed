"""Evaluation of real profiles: what the findings say, and that they are reproducible."""
import json

import pytest

from gapcheck.engine import api

from gapcheck.engine.report import model as report
from gapcheck.engine.report.formats import render_dict
from gapcheck.engine.errors import EngineError
from tests.conftest import PROFILES

UCHINADA = PROFILES / "uchinada.yaml"


def by_req(result, area="base_systems"):
    out = {}
    for f in result.findings:
        if f.area == area:
            out.setdefault(f.requirement, []).append(f)
    return out


def test_uchinada_plan_covers_17_of_20():
    """Plan coverage is an attribute of the one finding of each requirement (schema 2.0): the
    three systems outside the 17 of the plan are unassessed, with in_plan false."""
    res = api.run(UCHINADA, as_of="2026-11-23")
    bs = {f.requirement: f for f in res.findings if f.area == "base_systems"}
    assert len(bs) == 20 and len(res.findings) == len({f.requirement for f in res.findings})
    outside = {r for r, f in bs.items() if f.in_plan is False}
    assert outside == {"BS-KOSEKI", "BS-FUHYO", "BS-INKAN"}
    assert all(bs[r].status == "unassessed" and bs[r].rule == "base_systems.unassessed" for r in outside)
    assert all(f.in_plan is True for r, f in bs.items() if r not in outside)


def test_uchinada_reiwa8_start_against_deadline():
    before = by_req(api.run(UCHINADA, as_of="2026-03-30"))
    after = by_req(api.run(UCHINADA, as_of="2026-04-01"))
    [b] = [f for f in before["BS-JUKI"]]
    [a] = [f for f in after["BS-JUKI"]]
    assert (b.rule, b.status, b.days_to_deadline) == ("base_systems.late_plan", "due_soon", 1)
    assert (a.rule, a.status, a.days_to_deadline) == ("base_systems.overdue_late_plan", "overdue", -1)
    assert a.severity == "critical"
    assert "令和8年度" in a.message["ja"] and "2026-03-31" in a.message["en"]
    ev = {e["path"]: e for e in a.evidence}
    assert ev["areas.base_systems.items.BS-JUKI.planned"]["value"] == "令和8年度"
    assert ev["areas.base_systems.items.BS-JUKI.planned"]["line"] > 1


def test_deadline_day_itself_is_not_overdue():
    on = by_req(api.run(UCHINADA, as_of="2026-03-31"))
    assert all(f.status != "overdue" for fs in on.values() for f in fs)
    assert on["BS-JUKI"][0].days_to_deadline == 0


def test_json_is_byte_identical_and_ids_stable():
    a = api.render(api.run(UCHINADA, as_of="2026-11-23"), "json", "ja")
    b = api.render(api.run(UCHINADA, as_of="2026-11-23"), "json", "ja")
    assert a == b
    c = json.loads(api.render(api.run(UCHINADA, as_of="2026-04-01"), "json", "ja"))
    ids_a = {(f["rule"], f["requirement"]): f["id"] for f in json.loads(a)["findings"]}
    ids_c = {(f["rule"], f["requirement"]): f["id"] for f in c["findings"]}
    common = set(ids_a) & set(ids_c)
    assert common and all(ids_a[k] == ids_c[k] for k in common)


def test_json_contract():
    d = json.loads(api.render(api.run(UCHINADA, as_of="2026-11-23"), "json", "en"))
    assert d["tool"]["name"] == "gapcheck" and d["tool"]["version"]
    assert d["profile"]["id"] == "uchinada" and d["profile"]["name"] == "内灘町"
    assert d["as_of"] == "2026-11-23"
    assert d["catalogs"]["base_systems"]["edition"]
    assert sum(d["summary"]["by_status"].values()) == len(d["findings"])
    for f in d["findings"]:
        for key in ("id", "rule", "area", "requirement", "requirement_name", "status", "severity",
                    "deadline", "days_to_deadline", "message", "evidence", "references"):
            assert key in f, key
        assert f["status"] in ("overdue", "unverified", "due_soon", "gap", "unassessed", "waived",
                               "not_applicable", "ok")
        assert f["severity"] in ("critical", "high", "medium", "low", "info")
        assert f["references"], f["id"]
        assert all({"path", "value"} <= set(e) for e in f["evidence"])


def test_include_passed_lists_ok(tmp_path):
    prof = UCHINADA.read_text(encoding="utf-8").replace(
        "BS-JUKI:     {status: planned, planned: 令和8年度,", "BS-JUKI:     {status: done,")
    p = tmp_path / "u.yaml"
    p.write_text(prof, encoding="utf-8")
    res = api.run(p, as_of="2026-11-23")
    assert "BS-JUKI" not in by_req(res)
    res = api.run(p, as_of="2026-11-23", include_passed=True)
    [ok] = by_req(res)["BS-JUKI"]
    assert ok.status == "ok" and ok.rule == "base_systems.migrated"


def test_silent_profile_is_all_unassessed(tmp_path):
    p = tmp_path / "empty.yaml"
    p.write_text("id: x\nmunicipality: {name: 内灘町, code: '173657', prefecture: 石川県}\n"
                 "as_of: 2026-01-01\n", encoding="utf-8")
    res = api.run(p, as_of="2026-04-01", include_passed=True)
    bs = [f for f in res.findings if f.area == "base_systems"]
    assert len({f.requirement for f in bs}) == 20
    assert all(f.status == "unassessed" for f in bs)
    # nothing the profile is silent about is reported as passed: the only ok are the age of
    # the data, which the profile does state (as_of), and what the nation provides everyone
    ok = {f.requirement: f for f in res.findings if f.status == "ok"}
    assert sorted(ok) == ["DXP-DATA-CURRENT", "OP-TENNYU-YOYAKU", "OP-TENSHUTSU"]
    assert ok["OP-TENSHUTSU"].basis == "national" and ok["DXP-DATA-CURRENT"].basis == "record"


def test_failing_action_fails_the_run_loudly(engine):
    """durable_rules swallows exceptions in actions; gapcheck must not."""
    from gapcheck.engine.match.compiler import DurableMatcher
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile

    def boom(c):
        raise RuntimeError("boom in action")

    failing = engine.ruleset.with_matcher(
        lambda rules: DurableMatcher(rules, actions={"base_systems.overdue_late_plan": boom}))
    lp = load_profile(str(UCHINADA), engine.catalogs)
    import datetime
    with pytest.raises(EngineError, match="boom in action"):
        evaluate(failing, lp, datetime.date(2026, 4, 1))
    # the same profile on the regular ruleset still evaluates
    res = evaluate(engine.ruleset, lp, datetime.date(2026, 4, 1))
    assert res.findings


def test_many_profiles_share_one_ruleset_without_leaking_sessions(tmp_path):
    """Sessions are deleted after each profile: far more than durable_rules' 1,024 live sessions.

    Uses only the base-systems catalog and rules (a second, independently named ruleset) to keep
    the test quick."""
    import datetime
    import shutil

    from gapcheck.engine.api import Engine
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile
    from tests.conftest import ROOT

    for sub in ("catalogs", "rules"):
        (tmp_path / sub).mkdir()
        shutil.copy(ROOT / sub / "base_systems.yaml", tmp_path / sub)
    profile = tmp_path / "u.yaml"
    text = UCHINADA.read_text(encoding="utf-8")
    profile.write_text(text[:text.index("\n  online_procedures:")] + "\n", encoding="utf-8")
    engine = Engine.load(tmp_path / "catalogs", tmp_path / "rules")
    lp = load_profile(str(profile), engine.catalogs)
    first = evaluate(engine.ruleset, lp, datetime.date(2026, 4, 1))
    for _ in range(1100):
        res = evaluate(engine.ruleset, lp, datetime.date(2026, 4, 1))
    assert [f.id for f in res.findings] == [f.id for f in first.findings]
    assert engine.ruleset.matcher.sessions == {}


def test_table_has_the_columns(engine):
    res = api.run(UCHINADA, as_of="2026-11-23")
    t = render_dict(report.to_dict(res, "en"), "table", width=300)   # the wide layout
    for h in ("ID", "Requirement", "Status", "Severity", "Deadline", "Days left", "Action FY", "Message"):
        assert h in t
    assert "■ " in t   # the area headings
    assert "-237" in t  # days left, negative when overdue
    tj = render_dict(report.to_dict(res, "ja"), "table", width=300)
    assert "期限超過" in tj and "令和7年度末" in tj


def test_host_background_dispatch_is_disabled(engine):
    """durable_rules' Host thread must never run our actions (it raced with assert_facts): the
    production ruleset is never handed to the Host (no timer thread is started for it), and
    the Host path, the tests' reference, has its dispatch disabled."""
    import threading

    from gapcheck.engine.match.compiler import HostMatcher
    from gapcheck.engine.match.durable import dr

    name = engine.ruleset.matcher.name
    assert name not in dr._rulesets
    assert dr._main_host is None or name not in dr._main_host._ruleset_directory
    via_host = engine.ruleset.with_matcher(HostMatcher)
    rs = dr.get_host().get_ruleset(via_host.matcher.name)
    assert rs.dispatch() is None and rs.dispatch.__name__ == "_no_background_dispatch"
    assert threading.main_thread().is_alive()


def test_every_fact_observed_on_repeated_runs(engine):
    """Repeated evaluations give the same findings: no action runs late on another thread."""
    import datetime
    import time

    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile

    lp = load_profile(str(PROFILES / "hakusan.yaml"), engine.catalogs)
    first = [f.id for f in evaluate(engine.ruleset, lp, datetime.date(2026, 11, 23)).findings]
    for _ in range(8):
        time.sleep(0.21)   # let the Host's 0.2 s dispatch timer fire in between
        again = [f.id for f in evaluate(engine.ruleset, lp, datetime.date(2026, 11, 23)).findings]
        assert again == first


def test_a_fact_the_engine_never_saw_is_an_error(engine, monkeypatch):
    """If fewer facts come back through the observer rules than were asserted, evaluation
    stops with an engine error instead of reporting on what arrived."""
    import datetime

    from gapcheck.engine.match import compiler
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile

    lp = load_profile(str(PROFILES / "hakusan.yaml"), engine.catalogs)
    real = compiler._frames
    monkeypatch.setattr(compiler, "_frames", lambda c: real(c)[:-1])    # the engine "loses" one per action
    with pytest.raises(EngineError, match="never reached the rule engine"):
        evaluate(engine.ruleset, lp, datetime.date(2026, 11, 23))


def test_durable_rules_json_codec_gives_the_same_findings(engine, monkeypatch):
    """gapcheck gives durable_rules' Python layer orjson for the JSON it exchanges with its C
    core; the standard library's json must give exactly the same findings."""
    import datetime
    import json

    import durable.engine

    from gapcheck.engine.match import compiler
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile

    day = datetime.date(2026, 11, 23)
    assert durable.engine.json is compiler._Codec
    for name in ("kaga", "choda", "hakusan", "uchinada", "tomisato"):
        lp = load_profile(str(PROFILES / f"{name}.yaml"), engine.catalogs)
        fast = [(f.id, f.status, f.message["ja"]) for f in
                evaluate(engine.ruleset, lp, day, include_passed=True).findings]
        monkeypatch.setattr(durable.engine, "json", json)
        slow = [(f.id, f.status, f.message["ja"]) for f in
                evaluate(engine.ruleset, lp, day, include_passed=True).findings]
        monkeypatch.setattr(durable.engine, "json", compiler._Codec)
        assert fast == slow and fast, name


def test_the_codec_falls_back_to_the_standard_library():
    from gapcheck.engine.match.compiler import _Codec

    big = {"n": 2 ** 70, "s": "内灘町"}
    assert _Codec.loads(_Codec.dumps(big)) == big
    assert _Codec.dumps({"a": [1, None, True]}) == '{"a":[1,null,true]}'
    assert _Codec.loads('{"x": NaN}')["x"] != 0      # not JSON; the standard library reads it


def test_a_rule_book_is_compiled_once_per_process(engine):
    """durable_rules ruleset names are process-global: the shipped rules are compiled once per
    process (the default engine is loaded once), and another compilation registers a ruleset of
    its own name instead of clashing with the first."""
    from gapcheck.engine.api import default_engine
    from gapcheck.engine.match.ruleset import compile

    again = default_engine()
    assert again is engine and again.ruleset.matcher is engine.ruleset.matcher
    other = compile(engine.catalogs, engine.rules)
    assert other.matcher.name != engine.ruleset.matcher.name
    assert other.matcher.handle != engine.ruleset.matcher.handle


def test_rendered_messages_are_reused_only_for_equal_values():
    """Message texts are formatted once per template, language and placeholder values; values
    that compare equal but are written differently (True and 1, 1 and 1.0) stay apart, and
    values that cannot be keys are formatted directly."""
    import datetime

    from gapcheck.engine.match.evaluate import render_message

    class Stub:
        def __init__(self, **data):
            self.context, self.data = {}, data

    t = "{requirement_name}: {value}"
    extra = {"requirement_name": "戸籍"}
    assert render_message(t, Stub(value=True), "ja", extra) == "戸籍: はい"
    assert render_message(t, Stub(value=1), "ja", extra) == "戸籍: 1"
    assert render_message(t, Stub(value=True), "en", extra) == "戸籍: yes"
    assert render_message(t, Stub(value=1.0), "en", extra) == "戸籍: 1.0"
    assert render_message(t, Stub(value=["a", "b"]), "en", extra) == "戸籍: ['a', 'b']"
    assert render_message(t, Stub(value=datetime.date(2026, 3, 31)), "ja", extra) == \
        "戸籍: 2026-03-31 (令和7年度末)"
    assert render_message(t, Stub(), "en", extra) == "戸籍: {value}"      # no such value: left as written
    assert render_message(t, Stub(value=None), "en", {"requirement_name": "Koseki"}) == "Koseki: -"


def test_a_requirement_no_rule_fired_on_is_unassessed_never_passed(engine):
    """The safety net: if the rules say nothing about a requirement (here: the one rule that
    holds on each of two requirements left out of the rule book), it is reported as unassessed
    by gapcheck.unmatched, never left out. If instead the matcher drops the matches of rules
    that do hold, that is an engine error, not "unassessed" (more in test_faults.py)."""
    import dataclasses

    from gapcheck.engine.match.evaluate import UNMATCHED_RULE, evaluate
    from gapcheck.engine.match.ruleset import RuleSet
    from gapcheck.engine.load.profile import load_profile

    lp = load_profile(str(UCHINADA), engine.catalogs)
    day = api.resolve_as_of("2026-11-23")
    # SEC-INET-SECURITY-CLOUD (ok by security.in_place): SEC-INET-SECURITY-CLOUD-NEXT, used here
    # before, was withdrawn on 2023-03-31 (the migration it describes finished in 令和4年度)
    silenced = {"DXP-EDITION", "SEC-INET-SECURITY-CLOUD"} & set(engine.catalogs.items)
    assert len(silenced) == 2
    left_out = {"dx_plan.edition_outdated", "security.in_place", "common.plan_date_passed"}
    book = dataclasses.replace(engine.rules, rules=[r for r in engine.rules.rules if r.id not in left_out])
    res = evaluate(RuleSet(engine.catalogs, book), lp, day)

    class Silencing:
        def __init__(self, rules):
            self.real = engine.ruleset.matcher

        def match(self, facts, label):
            fids = {f.data["fid"] for f in facts if f.data.get("req_id") in silenced}
            return [(r, fid) for r, fid in self.real.match(facts, label) if fid not in fids]

    with pytest.raises(EngineError, match="security.in_place on SEC-INET-SECURITY-CLOUD"):
        evaluate(engine.ruleset.with_matcher(Silencing), lp, day)
    net = [f for f in res.findings if f.rule == UNMATCHED_RULE]
    assert {f.requirement for f in net} == silenced
    for f in net:
        assert f.status == "unassessed" and f.severity in ("low", "medium", "high")   # by_obligation
        assert f.requirement_name["ja"] in f.message["ja"]
        assert f.obligation == engine.catalogs.items[f.requirement][1].obligation
    plain = evaluate(engine.ruleset, lp, day)
    assert not [f for f in plain.findings if f.rule == UNMATCHED_RULE]


def test_the_safety_net_rule_is_a_valid_rule(engine):
    """The safety net's rules are built without validation (they are constant); validated,
    they are equal."""
    from gapcheck.engine.load.models import Rule

    nets = engine.ruleset.unmatched
    assert nets and {cr.rule.id for cr in nets.values()} == {"gapcheck.unmatched"}
    for area, cr in nets.items():
        again = Rule.model_validate(cr.rule.model_dump())
        assert again == cr.rule and again.catalog == area and again.severity == "by_obligation"
