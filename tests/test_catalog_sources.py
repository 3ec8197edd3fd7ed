"""The counts, dates, applicability and withdrawals set from the national sources (checked
2026-12-01), checked against the loaded catalogs. The table below is written from the sources
themselves (law, 政令, 基本方針, 通知, デジタル庁's figures), not from the catalog files: a catalog
edit that contradicts a source fails here. docs/CATALOGS.md lists the sources per area."""
import datetime as dt

import pytest

from gapcheck.engine.load.catalog import load_catalogs

cs = load_catalogs()
D = dt.date.fromisoformat

# 標準化法 第2条第1項 and 令和4年政令第1号: 20 標準化対象事務; 1st edition of the DX plan: 17 of them
STANDARD_SYSTEMS = 20
ORIGINAL_SYSTEMS = 17
# 標準化基本方針 (2024-12-24): 2025年度末 as the target; おおむね令和12年度末 for 特定移行支援システム
MIGRATION_DEADLINE = D("2026-03-31")
DESIGNATED_OUTER_LIMIT = D("2031-03-31")
# デジタル庁 該当見込み: 事由1〜4
DESIGNATION_REASONS = {"r1", "r2", "r3", "r4"}
# デジタル庁 該当見込み (令和7年7月末, 令和7年12月末): (systems, of, 団体, of)
NATIONAL_FIGURES = {D("2025-07-31"): ("3,770", "34,592", "643", "1,788"),
                    D("2025-12-31"): ("8,956", "34,592", "935", "1,788")}
# 社会福祉法 第14条, 生活保護法 第19条, 児童扶養手当法 第4条, 特別児童扶養手当等支給法 第17条・第26条の2
NEEDS_WELFARE_OFFICE = {"BS-SEIHO", "BS-FUYO", "OP-SHOGAIJI-SHOTOKU", "OP-TOKUSHO-SHOTOKU"}
# 同法 第5条・施行規則 第1条: 特別児童扶養手当 is certified by the prefecture; every 市町村 receives
EVERY_MUNICIPALITY = {"OP-TOKUJI-SHOTOKU"}
# デジタル庁 FAQ (住基法 第24条の2): 転出届・転入予約 via マイナポータル in every municipality
PROVIDED_NATIONALLY = {"OP-TENSHUTSU": D("2023-02-06"), "OP-TENNYU-YOYAKU": D("2023-02-06")}
NOT_PROVIDED_NATIONALLY = {"OP-ELTAX-SHINKOKU"}          # 地方税共同機構, no primary all-municipality date
# 31 procedures: 27 municipal + 4 prefectural, target 令和4年度末 (自治体DX推進計画, 手順書 3.3)
MYNAPORTAL = {"municipal": 27, "prefectural": 4, "deadline": D("2023-03-31")}
# eL-QR: basic taxes from 2023-04, the others 原則 from FY2024; public funds: 2026-09 (通知 2024-07-02)
ELQR_EFFECTIVE = {"EQ-TAX-KOTEI": D("2023-04-01"), "EQ-TAX-KEIJI": D("2023-04-01"),
                  "EQ-TAX-JUMIN": D("2024-04-01"), "EQ-TAX-KOKUHO": D("2024-04-01")}
PUBLIC_FUNDS = {"EQ-FUND-KOKUHO", "EQ-FUND-KAIGO", "EQ-FUND-KOKI", "EQ-FUND-DORO", "EQ-FUND-GYOSEI",
                "EQ-FUND-KOWAN", "EQ-FUND-KASEN"}
PUBLIC_FUND_START = D("2026-09-01")
NHI_LEVY = {"EQ-FUND-KOKUHO": "premium", "EQ-TAX-KOKUHO": "tax"}
# 地方自治法 (令和6年法律第65号 附則第1条): 第244条の5 2024-09-26 (第1項 effort, 第2項 legal); 第244条の6 2026-04-01
IN_FORCE = {"LG-INFOSYS-PROPER-USE": ("legal", D("2024-09-26")), "SEC-CYBER-POLICY": ("legal", D("2026-04-01")),
            "SEC-CYBER-POLICY-PUBLISHED": ("legal", D("2026-04-01")),
            # 令和5年法律第48号 (法務省): 振り仮名 2025-05-26, 職権記載 2026-05-26
            "KOSEKI-FURIGANA-NOTICE": ("legal", D("2025-05-26")), "KOSEKI-FURIGANA-ENTRY": ("legal", D("2026-05-26")),
            # 個人情報保護法 第75条 for local governments from 2023-04-01
            "PRIV-FILE-REGISTER": ("legal", D("2023-04-01")),
            # 総務省 AI guidebook 第4版, 2025-12-16 (a recommendation)
            "AI-GENAI-GUIDELINE": ("recommendation", D("2025-12-16"))}
# duties in law phrased 「努めなければならない」「努めるものとする」
EFFORT = {"LG-INFOSYS-OPTIMISE",        # 地方自治法 第244条の5第1項
          "GC-USE",                     # 標準化法 第10条
          "OP-JOREI-ONLINE",            # デジタル手続法 (条例・規則に基づく手続)
          "DXP-KANMIN-DATA-PLAN"}       # 官民データ活用推進基本法 第9条第3項
LEGAL_NO_DATE = {"DXP-OPEN-DATA"}       # 官民データ活用推進基本法 第11条第1項 「講ずるものとする」
TARGETS = {"GC-RUNNING-COST-30"}        # 改革工程表2022: 3割削減 (a national target)
# withdrawn: the 2nd-generation security cloud migration ended in 令和4年度 (no later generation found)
WITHDRAWN = {"SEC-INET-SECURITY-CLOUD-NEXT": D("2023-03-31")}
# 自治体DX推進計画 editions dated by a source: 第1.0版, 第2.0版, 第2.3版, 第5.0版
PLAN_EDITIONS = {"ed1": "2020-12-25", "ed2_0": "2022-09-02", "ed2_3": "2024-02-05", "ed5": "2025-12-17"}
# the 総務大臣 guideline under 第244条の6第3項: the (案) of 2025-04-01
CYBER_GUIDELINE = ("方針の策定又は変更に関する指針（案）", D("2025-04-01"))


def item(i):
    return cs.item(i)


def test_base_systems_from_the_act_and_the_policy():
    systems = [i for i in cs.catalogs["base_systems"].items if i.kind == "system"]
    assert len(systems) == STANDARD_SYSTEMS
    assert sum(1 for i in systems if i.attrs.get("original17")) == ORIGINAL_SYSTEMS
    for i in systems:
        assert i.obligation == "legal" and i.deadline == MIGRATION_DEADLINE, i.id
        assert i.extended_deadline.deadline == DESIGNATED_OUTER_LIMIT, i.id
        assert set(i.extended_deadline.reasons) == DESIGNATION_REASONS, i.id
        assert {c.source for c in i.citation} >= {"std-act", "std-seirei-20", "std-policy"}, i.id


def test_national_figures_are_dated_and_cited():
    notes = {n.as_of: n for n in cs.catalogs["base_systems"].notes}
    assert set(notes) == set(NATIONAL_FIGURES)
    for day, figures in NATIONAL_FIGURES.items():
        assert all(f in notes[day].text.ja for f in figures), day
        assert notes[day].citation


def test_applicability():
    for i in NEEDS_WELFARE_OFFICE:
        assert item(i).applies_if == {"welfare_office": True}, i
    for i in EVERY_MUNICIPALITY:
        assert item(i).applies_if == {}, i
    for i, levy in NHI_LEVY.items():
        assert item(i).applies_if == {"nhi_levy": levy}, i


def test_nationally_provided():
    for i, since in PROVIDED_NATIONALLY.items():
        assert item(i).provided_nationally.since == since, i
    for i in NOT_PROVIDED_NATIONALLY:
        assert item(i).provided_nationally is None, i


def test_mynaportal_31():
    items = [i for i in cs.catalogs["online_procedures"].items if i.attrs.get("mynaportal31")]
    for level in ("municipal", "prefectural"):
        assert sum(1 for i in items if i.level == level) == MYNAPORTAL[level]
    assert {i.deadline for i in items} == {MYNAPORTAL["deadline"]}
    assert {i.obligation for i in items} == {"target"}


def test_elqr_dates_and_character():
    for i, day in ELQR_EFFECTIVE.items():
        assert item(i).effective_from == day, i
    for i in PUBLIC_FUNDS:
        it = item(i)
        assert it.obligation == "target" and it.effective_from == PUBLIC_FUND_START, i
        assert "lg-act-2024-notice" in {c.source for c in it.citation}, i


@pytest.mark.parametrize("iid", sorted(IN_FORCE))
def test_duties_in_force(iid):
    obligation, day = IN_FORCE[iid]
    assert (item(iid).obligation, item(iid).effective_from) == (obligation, day)


def test_effort_legal_and_target():
    for i in EFFORT:
        assert item(i).obligation == "effort", i
        assert item(i).deadline is None and item(i).effective_from is None, i   # never overdue
    for i in LEGAL_NO_DATE:
        assert item(i).obligation == "legal" and item(i).deadline is None and item(i).attrs.get("in_law"), i
    for i in TARGETS:
        assert item(i).obligation == "target", i


def test_withdrawn():
    for i, day in WITHDRAWN.items():
        assert item(i).withdrawn == day, i


def test_plan_editions():
    lists = cs.catalogs["dx_plan"].lists
    for code, day in PLAN_EDITIONS.items():
        assert code in lists and day in lists[code].ja, code


def test_cyber_guideline_is_the_draft():
    src = {s.id: s for s in cs.catalogs["security"].sources}["cyber-policy-guideline"]
    assert CYBER_GUIDELINE[0] in src.title and src.date == CYBER_GUIDELINE[1]


def test_no_municipal_plan_is_the_source_of_a_national_requirement():
    for area, cat in cs.catalogs.items():
        plans = {s.id for s in cat.sources if s.id.startswith("plan-")}
        for s in cat.sources:
            if s.id in plans:
                assert "secondary restatement in a municipal plan" in (s.note or ""), (area, s.id)
        for i in cat.items:
            cited = [[c.source for c in i.citation]]
            if i.extended_deadline:
                cited.append([c.source for c in i.extended_deadline.citation])
            if i.provided_nationally:
                cited.append([c.source for c in i.provided_nationally.citation])
            for srcs in cited:
                assert any(s not in plans for s in srcs), (area, i.id, srcs)
