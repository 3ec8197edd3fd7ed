"""The survey workbook's layout (調査票): sheet names, columns, the words of its drop-down lists.

One table read by both sides: engine/commands/workbook.py writes it, engine/load/workbook_import.py
reads it back. A change of layout is a new FORMAT_VERSION; the reader refuses a workbook of
another format with the versions it reads. docs/WORKBOOK.md describes the workbook for users.

No imports beyond engine.vocab: the CLI and both sides use it cheaply.
"""
from __future__ import annotations

import re

from ..vocab import ITEM_STATUSES, PROFILE_BASES

FORMAT_VERSION = "1"
FORMAT_NAME = "gapcheck_workbook_format"     # a defined name of the workbook, and a meta key

SHEET_README = "説明"
SHEET_MUNICIPALITY = "団体"
SHEET_FACTS = "分野の事実"
SHEET_PLAN = "計画"
SHEET_META = "_gapcheck"                      # hidden: the catalog editions and the IDs written

# The sheet of each area: short Japanese names (a sheet name has at most 31 characters). An area
# not listed here (a new catalog) gets its catalog's Japanese name, shortened (sheet_name).
AREA_SHEETS = {
    "base_systems": "基幹業務",
    "online_procedures": "オンライン手続",
    "elqr_levies": "公金収納",
    "security": "セキュリティ",
    "analog_regulations": "アナログ規制",
    "dx_plan": "DX計画",
}

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(area: str, name_ja: str) -> str:
    if area in AREA_SHEETS:
        return AREA_SHEETS[area]
    s = _SHEET_FORBIDDEN.sub("", re.sub(r"[（(].*", "", name_ja)).strip() or area
    return s[:31]


# Rows of an area sheet: 1 the machine keys (hidden), 2 Japanese headings, 3 English, data from 4
KEY_ROW, HEAD_JA_ROW, HEAD_EN_ROW, FIRST_ROW = 1, 2, 3, 4

# (key, Japanese heading, English heading, kind, width). kind: locked (written by gapcheck, read
# only to find the requirement), status, date, yesno, basis, amount, text.
COLUMNS = (
    ("id", "ID", "ID", "locked", 16),
    ("name", "要件名", "requirement", "locked", 36),
    ("obligation", "義務の種類", "obligation", "locked", 12),
    ("deadline", "期限", "deadline", "locked", 18),
    ("citation", "出典", "source", "locked", 30),
    ("status", "状態", "status", "status", 10),
    ("done_on", "完了日", "done on", "date", 13),
    ("planned", "予定日", "planned", "date", 13),
    ("designated", "特定移行支援", "designated (特定移行支援)", "yesno", 10),
    ("designated_until", "移行完了予定時期", "designated until", "date", 13),
    ("designation_reason", "事由", "designation reason", "text", 16),
    ("value", "値", "value", "text", 12),
    ("in_plan", "計画への記載", "in the plan", "yesno", 10),
    ("basis", "根拠の種類", "basis", "basis", 10),
    ("as_of", "根拠の日付", "date of the statement", "date", 13),
    ("source", "根拠資料", "evidence", "text", 24),
    ("department", "担当課", "department", "text", 12),
    ("cost_estimate", "概算費用", "cost estimate (yen)", "amount", 14),
    ("na_reason", "対象外の理由", "why not applicable", "text", 20),
    ("note", "備考", "note", "text", 24),
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)
EDITABLE = tuple(c[0] for c in COLUMNS if c[3] != "locked")

STATUS_WORDS = {"done": "完了", "in_progress": "実施中", "planned": "予定", "not_started": "未着手",
                "not_applicable": "対象外", "unknown": "不明"}
assert tuple(STATUS_WORDS) == ITEM_STATUSES
BASIS_WORDS = {"record": "記録", "survey": "調査回答", "plan": "計画"}
assert tuple(BASIS_WORDS) == PROFILE_BASES
YES, NO, UNKNOWN = "はい", "いいえ", "不明"
YESNO_WORDS = (YES, NO, UNKNOWN)
YES_SET = frozenset({YES, "true", "yes", "○", "〇", "有", "あり", "該当"})
NO_SET = frozenset({NO, "false", "no", "×", "無", "なし", "非該当"})

# 対象外の理由 is kept in the item's note (the profile has no field of its own for it): the
# note's first line, after this prefix
NA_REASON_PREFIX = "対象外の理由: "

# The 団体 sheet: (key, Japanese label, English label, kind). kind: text, code, date, type,
# yesno, nhi, basis. Keys as in profile version 2 (docs/PROFILES.md), profile-level ones prefixed.
MUNICIPAL_TYPES = ("都道府県", "政令市", "中核市", "市", "町", "村", "特別区")
NHI_WORDS = {"tax": "国保税", "premium": "国保料"}
MUNICIPALITY_ROWS = (
    ("profile.id", "プロファイルID", "profile id", "text"),
    ("name", "団体名", "name", "text"),
    ("name_en", "英語名", "English name", "text"),
    ("code", "団体コード", "local government code", "code"),
    ("prefecture", "都道府県", "prefecture", "text"),
    ("type", "団体区分", "type", "type"),
    ("welfare_office", "福祉事務所を設置", "runs a welfare office", "yesno"),
    ("nhi_levy", "国民健康保険の賦課", "national health insurance levied as", "nhi"),
    ("port", "港湾管理者", "port authority", "yesno"),
    ("river", "河川管理者", "river administrator", "yesno"),
    ("water", "水道事業を経営", "runs the water supply", "yesno"),
    ("sewerage", "下水道事業を経営", "runs sewerage", "yesno"),
    ("building_official", "建築主事を置く", "has a building official", "yesno"),
    ("industrial_waste_authority", "産業廃棄物の許可権限", "licenses industrial waste", "yesno"),
    ("health_center", "保健所を設置", "runs a health centre", "yesno"),
    ("profile.as_of", "データ時点（記入日）", "data as of (the date of the answers)", "date"),
    ("profile.basis", "根拠の種類（既定）", "basis of the answers (default)", "basis"),
    ("profile.source", "根拠資料（全体）", "source of the answers", "text"),
)
ATTRIBUTE_KEYS = tuple(r[0] for r in MUNICIPALITY_ROWS[5:15])   # the v2 municipality attributes

PLAN_ROWS = (
    ("title", "計画の名称", "plan title", "text"),
    ("published", "策定・公表", "published", "date"),
    ("period_start", "計画期間（開始）", "period start", "date"),
    ("period_end", "計画期間（終了）", "period end", "date"),
    ("url", "URL", "URL", "text"),
    ("successor.title", "次期計画の名称", "successor plan", "text"),
    ("successor.planned", "次期計画の策定予定", "successor planned", "date"),
    ("successor.adopted", "次期計画を策定済み", "successor adopted", "yesno"),
)

# 団体 and 計画 sheets: column A the key (hidden), B the label, C the value, D a note; from row 2
KV_FIRST_ROW = 2
KV_VALUE_COL = 3

# 分野の事実: A area, B fact (hidden keys), C 分野, D 事実, E 値, F 説明; from row 2
FACT_VALUE_COL = 5

# Facts shown elsewhere: nhi_levied_as (profile v1) is the municipality's nhi_levy (v2)
FACTS_ON_MUNICIPALITY = {("elqr_levies", "nhi_levied_as"): "nhi_levy"}

# Where an imported fact came from, at the end of `source`: "根拠資料 [調査票.xlsx 基幹業務!F7]";
# the workbook shows 根拠資料 without it
PROVENANCE = re.compile(r"^[^\[\]\s]+\.(?:xlsx|xlsm|csv) [^\[\]!\s]+![A-Z]{1,3}\d+$"
                        r"|\s*\[[^\[\]]+\.(?:xlsx|xlsm|csv) [^\[\]!\s]+![A-Z]{1,3}\d+\]$")


def strip_provenance(source: str | None) -> str | None:
    if not source:
        return source
    s = PROVENANCE.sub("", source).strip()
    return s or None
