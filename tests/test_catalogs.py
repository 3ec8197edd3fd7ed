"""Catalogs against the counts of their sources, and the invariants every catalog keeps."""
from collections import Counter

import pytest

from gapcheck.engine.load.catalog import load_catalogs

cs = load_catalogs()


def items(area, **attrs):
    return [i for i in cs.catalogs[area].items
            if all((getattr(i, k, None) if k in ("kind", "level", "group", "obligation") else i.attrs.get(k)) == v
                   for k, v in attrs.items())]


def test_areas():
    assert set(cs.catalogs) == {"base_systems", "online_procedures", "analog_regulations", "elqr_levies",
                                "security", "dx_plan", "other_duties"}   # other_duties added 2026-12


def test_base_systems_20_of_which_17_original():
    systems = items("base_systems", kind="system")
    assert len(systems) == 20
    original = {i.name.ja for i in systems if i.attrs.get("original17")}
    assert len(original) == 17
    assert {i.name.ja for i in systems} - original == {"戸籍", "戸籍の附票", "印鑑登録"}
    assert all(str(i.deadline) == "2026-03-31" and str(i.extended_deadline.deadline) == "2031-03-31"
               for i in systems)
    assert all(i.obligation == "legal" for i in systems)


def test_online_procedures_31_of_which_27_municipal():
    mp = items("online_procedures", mynaportal31=True)
    assert len(mp) == 31
    assert Counter(i.group for i in mp) == {"子育て": 15, "介護": 11, "被災者支援": 1, "自動車保有": 4}
    assert len([i for i in mp if i.level == "municipal"]) == 27
    assert all(i.level == "prefectural" for i in mp if i.group == "自動車保有")
    assert all(str(i.deadline) == "2023-03-31" and i.obligation == "target" for i in mp)
    # the 2023 priority list: a recommendation, not a legal duty or a dated target
    prio = [i for i in cs.catalogs["online_procedures"].items if i.attrs.get("priority2023") and not i.attrs.get("mynaportal31")]
    assert prio and all(i.obligation == "recommendation" and i.deadline is None for i in prio)
    hv = [i for i in cs.catalogs["online_procedures"].items if i.attrs.get("priority2023_list") == "high_volume"]
    assert len(hv) == 22
    life = Counter(i.group for i in cs.catalogs["online_procedures"].items
                   if i.attrs.get("priority2023_list") == "life_event")
    assert life == {"子育て": 15, "介護": 11, "被災者支援": 8, "転出・転入": 2}


def test_analog_seven_categories_plus_media_and_five_principles():
    cats = items("analog_regulations", kind="category")
    assert len([c for c in cats if c.attrs.get("representative7")]) == 7
    assert len(cats) == 8
    assert len(cs.catalogs["analog_regulations"].lists) == 5
    assert all(c.obligation == "recommendation" for c in cs.catalogs["analog_regulations"].items)


def test_elqr_levies():
    must = items("elqr_levies", kind="public_fund_levy")
    assert len(must) == 7
    assert all(str(i.effective_from) == "2026-09-01" for i in must)
    assert {i.id: i.applies_if for i in cs.catalogs["elqr_levies"].items
            if "nhi_levy" in i.applies_if} == {"EQ-TAX-KOKUHO": {"nhi_levy": "tax"},
                                               "EQ-FUND-KOKUHO": {"nhi_levy": "premium"}}
    assert "nhi_levied_as" in cs.catalogs["elqr_levies"].profile_facts
    assert {i.name.ja for i in items("elqr_levies", obligation="optional")} >= {"水道料金", "下水道使用料"}


def test_security_three_layers_and_cyber_policy_duty():
    layers = {i.attrs.get("layer") for i in cs.catalogs["security"].items if i.kind in ("layer", "control")}
    assert layers == {"mynumber", "lgwan", "internet"}
    assert len(items("security", kind="layer")) == 3
    cyber = cs.item("SEC-CYBER-POLICY")
    assert cyber.obligation == "legal" and str(cyber.effective_from) == "2026-04-01"
    assert cs.item("SEC-POLICY-REVISION").expect.min_date is not None
    assert set(cs.catalogs["security"].profile_facts["network_model"].one_of) == {
        "alpha", "alpha_prime", "beta", "beta_prime"}


def test_dx_plan_editions():
    cat = cs.catalogs["dx_plan"]
    focus = [i for i in cat.items if i.kind == "focus_item"]
    assert len([i for i in focus if i.attrs.get("ed5")]) == 8
    assert len([i for i in focus if i.attrs.get("ed1")]) == 6
    assert len([i for i in cat.items if i.kind == "society_item" and i.attrs.get("ed5")]) == 3
    assert cs.item("DXP-EDITION").expect.one_of == ["ed5"]
    # superseded items are kept, never re-used with a new meaning
    for i in cat.items:
        if i.superseded_by:
            assert i.withdrawn is not None and i.superseded_by in cs.items


@pytest.mark.parametrize("area", sorted(cs.catalogs))
def test_every_item_is_cited_and_named_in_both_languages(area):
    cat = cs.catalogs[area]
    assert cat.sources and cat.edition
    for i in cat.items:
        assert i.citation and i.name.ja and i.name.en
        assert all(c.locator for c in i.citation), i.id
