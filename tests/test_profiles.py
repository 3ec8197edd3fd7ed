"""The five example profiles: findings in every area, nothing silent passed, and the runs differ
where the municipalities' plans differ."""
import pytest

from gapcheck.engine import api
from tests.conftest import PROFILES

MUNIS = ["kaga", "choda", "hakusan", "uchinada", "tomisato"]
AS_OF = "2026-11-23"
AREAS = {"base_systems", "online_procedures", "analog_regulations", "elqr_levies", "security", "dx_plan",
         "other_duties"}   # other_duties: duties in law outside the plan areas (2026-12)


@pytest.fixture(scope="module")
def results():
    return {m: api.run(PROFILES / f"{m}.yaml", as_of=AS_OF, include_passed=True) for m in MUNIS}


def by(result, **kw):
    return [f for f in result.findings if all(getattr(f, k) == v for k, v in kw.items())]


@pytest.mark.parametrize("muni", MUNIS)
def test_findings_in_every_area(results, muni):
    assert {f.area for f in results[muni].findings} == AREAS


@pytest.mark.parametrize("muni", MUNIS)
def test_nothing_silent_is_passed(results, muni):
    res = results[muni]
    prof = res.profile.profile
    for f in by(res, status="ok"):
        if f.requirement in ("DXP-PLAN-CURRENT", "DXP-DATA-CURRENT"):
            continue   # judged from the profile's plan and as_of, which every profile states
        if f.basis == "national":
            continue   # provided by the nation for every municipality (the catalog's source)
        st = prof.areas.get(f.area)
        stated = st and (f.requirement in st.items and st.items[f.requirement].status != "unknown"
                         or (st.plan_scope is not None and f.area == "dx_plan"))
        assert stated, (muni, f.rule, f.requirement)
    # and every requirement the profile leaves unknown is unassessed, never ok
    for f in res.findings:
        st = prof.areas.get(f.area)
        if f.area != "dx_plan" and (not st or f.requirement not in st.items) and f.basis != "national":
            assert f.status != "ok", (f.rule, f.requirement)


@pytest.mark.parametrize("muni", MUNIS)
def test_every_finding_is_traceable(results, muni):
    for f in results[muni].findings:
        assert f.rule and f.requirement and f.references and f.message["ja"] and f.message["en"]
        if f.rule.split(".")[0] != "dx_plan":
            assert f.evidence and all(e["path"] for e in f.evidence)


def test_hakusan_online_against_uchinada(results):
    def online_gaps(m):
        return {f.requirement for f in results[m].findings
                if f.area == "online_procedures" and f.status in ("overdue", "unverified", "gap")
                and f.requirement.startswith(("OP-KOSODATE", "OP-KAIGO"))}
    assert online_gaps("hakusan") == set()
    assert len(online_gaps("uchinada")) == 26      # 15 子育て + 11 介護, all planned for 令和4年度
    # planned in time in a 2022 plan, and nothing on record since: unverified, not overdue
    assert {f.status for f in results["uchinada"].findings
            if f.requirement.startswith(("OP-KOSODATE", "OP-KAIGO"))} == {"unverified"}
    assert len(by(results["hakusan"], area="online_procedures", status="ok")) >= 30


def test_kaga_plan_current_against_expired_plans(results):
    for m in ("uchinada", "tomisato", "choda"):
        assert by(results[m], rule="dx_plan.plan_expired"), m
    assert not by(results["kaga"], rule="dx_plan.plan_expired")
    assert by(results["kaga"], rule="dx_plan.plan_in_force")


def test_seventeen_system_plans(results):
    for m in ("uchinada", "tomisato"):
        assert {f.requirement for f in results[m].findings
                if f.area == "base_systems" and f.in_plan is False} == {"BS-KOSEKI", "BS-FUHYO", "BS-INKAN"}
    for m in ("kaga", "choda", "hakusan"):
        assert not [f for f in results[m].findings if f.area == "base_systems" and f.in_plan is False]


def test_editions_restated(results):
    outdated = {m for m in MUNIS if by(results[m], rule="dx_plan.edition_outdated")}
    assert {"uchinada", "tomisato", "choda"} <= outdated and "hakusan" not in outdated


def test_hakusan_data_is_current_uchinada_stale(results):
    assert by(results["hakusan"], rule="dx_plan.data_current")
    assert by(results["uchinada"], rule="dx_plan.data_stale")
