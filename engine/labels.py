"""The one bilingual label catalogue: every word gapcheck shows, in Japanese and English.

No imports beyond engine.vocab, so any command can use it cheaply. LABELS holds the report
headings and the names of statuses, severities, obligations and actions; the other tables
are the headings of the catalog and rule views (VIEW_HEADINGS), of diff (DIFF_LABELS), the
reason for each obligation's severity (OBLIGATION_WHY) and the heat map's short status words.
"""
from __future__ import annotations

from .vocab import FINDING_STATUSES, SEVERITIES

LABELS = {
    "ja": {
        "rule": "ルール", "area": "分野", "requirement": "要件", "status": "状態", "severity": "重大度",
        "deadline": "期限", "days": "残日数", "message": "内容", "id": "ID", "fy": "対応年度",
        "profile": "団体", "evaluated": "評価基準日", "data_as_of": "データ時点",
        "catalogs": "カタログ", "rules": "ルールセット", "summary": "集計", "none": "該当する指摘はありません",
        "status_names": {"overdue": "期限超過", "unverified": "要確認", "due_soon": "期限間近", "gap": "未対応",
                         "unassessed": "未評価", "waived": "免除", "not_applicable": "対象外", "ok": "適合"},
        "basis_names": {"record": "記録", "national": "国が提供", "survey": "調査回答", "plan": "計画",
                        "none": "根拠なし"},
        "severity_names": {"critical": "重大", "high": "高", "medium": "中", "low": "低", "info": "情報"},
    },
    "en": {
        "rule": "Rule", "area": "Area", "requirement": "Requirement", "status": "Status", "severity": "Severity",
        "deadline": "Deadline", "days": "Days left", "message": "Message", "id": "ID", "fy": "Action FY",
        "profile": "Municipality", "evaluated": "Evaluated as of", "data_as_of": "Data as of",
        "catalogs": "Catalogs", "rules": "Rule set", "summary": "Summary", "none": "No findings",
        "status_names": {s: s for s in FINDING_STATUSES},
        "basis_names": {"record": "record", "national": "national", "survey": "survey", "plan": "plan",
                        "none": "none"},
        "severity_names": {s: s for s in SEVERITIES},
    },
}


REPORT_LABELS = {
    "ja": {
        "title": "ギャップ分析結果", "obligation": "義務の種類", "fiscal_year": "対応年度", "department": "担当部門",
        "action": "対応の種類", "remediation": "対応", "evidence": "根拠（プロファイル）", "references": "出典",
        "waiver": "免除", "requirement_id": "要件ID", "requirement_name": "要件", "finding_title": "指摘",
        "cost": "概算費用(円)", "total": "合計", "filter": "絞り込み", "all": "すべて", "details": "詳細", "inputs": "入力ファイル", "kind": "種類",
        "path": "ファイル", "edition": "版", "catalog_as_of": "確認日", "tool": "ツール",
        "rules_version": "ルールセット", "due_soon_days": "期限間近の日数", "citations": "引用された出典",
        "source": "出典ID", "locator": "該当箇所", "date": "日付", "url": "URL", "line": "行",
        "not_in_profile": "プロファイルに記載なし", "waivers": "免除（waiver）", "applied": "適用",
        "expired": "期限切れ", "unmatched": "該当なし", "other_profiles": "他団体向け",
        "expires": "有効期限", "approved_by": "承認者", "approved_on": "承認日", "justification": "理由",
        "findings_label": "対象の指摘", "profile_id": "団体ID", "code": "団体コード", "prefecture": "都道府県",
        "by_area": "分野別・状態別", "by_severity": "重大度別（未対応のもの）", "print": "印刷",
        "search": "検索", "sort_hint": "列見出しをクリックで並べ替え", "findings": "指摘事項",
        "sources_sheet": "出典", "summary_sheet": "集計", "waivers_sheet": "免除",
        "days_to_deadline": "残日数", "deadline_class": "期限区分",
        "basis": "根拠", "other_catalogs": "カタログ（指摘なし）", "all_findings": "全体", "shown": "表示",
        "stale_note": "（古い）: 根拠のデータが鮮度の期間（既定 365日）より古い指摘",
    },
    "en": {
        "title": "Gap analysis", "obligation": "Obligation", "fiscal_year": "Action FY", "department": "Department",
        "action": "Action", "remediation": "Remediation", "evidence": "Evidence (profile)", "references": "References",
        "waiver": "Waiver", "requirement_id": "Requirement ID", "requirement_name": "Requirement",
        "finding_title": "Finding", "cost": "Cost estimate (yen)", "total": "Total", "filter": "Filter",
        "all": "all", "details": "Details",
        "inputs": "Input files", "kind": "Kind", "path": "File", "edition": "Edition",
        "catalog_as_of": "Checked", "tool": "Tool", "rules_version": "Rule set", "due_soon_days": "Due-soon days",
        "citations": "Sources cited", "source": "Source ID", "locator": "Locator", "date": "Date", "url": "URL",
        "line": "line", "not_in_profile": "not in the profile", "waivers": "Waivers", "applied": "applied",
        "expired": "expired", "unmatched": "unmatched", "other_profiles": "for other profiles",
        "expires": "Expires", "approved_by": "Approved by", "approved_on": "Approved on",
        "justification": "Justification", "findings_label": "Findings", "profile_id": "Profile ID",
        "code": "Code", "prefecture": "Prefecture", "by_area": "By area and status",
        "by_severity": "Open findings by severity", "print": "Print", "search": "Search",
        "sort_hint": "click a column heading to sort", "findings": "Findings", "sources_sheet": "Sources",
        "summary_sheet": "Summary", "waivers_sheet": "Waivers", "days_to_deadline": "Days left",
        "deadline_class": "Deadline class",
        "basis": "Basis", "other_catalogs": "Catalogs (no findings)", "all_findings": "all", "shown": "shown",
        "stale_note": "(stale): the finding rests on data older than the freshness window (365 days by default)",
    },
}

OBLIGATION_NAMES = {
    "ja": {"legal": "法的義務", "effort": "努力義務", "target": "国の目標・要請", "recommendation": "推奨",
           "optional": "任意"},
    "en": {"legal": "legal duty", "effort": "duty to endeavour", "target": "national target",
           "recommendation": "recommendation",
           "optional": "optional"},
}

ACTION_NAMES = {
    "ja": {"system": "システム調達・改修", "contract": "契約変更", "policy": "方針・条例等の改定",
           "training": "研修", "survey": "現況調査", "other": "その他"},
    "en": {"system": "system procurement or modification", "contract": "contract change",
           "policy": "policy or ordinance revision", "training": "training", "survey": "survey",
           "other": "other"},
}

STATUS_SHORT = {"ja": {"overdue": "超過", "unverified": "要確認", "due_soon": "間近", "gap": "未対応",
                       "unassessed": "未評価", "waived": "免除", "not_applicable": "対象外", "ok": "適合"},
                "en": {"overdue": "over", "unverified": "unver", "due_soon": "soon", "gap": "gap",
                       "unassessed": "unas", "waived": "waiv", "not_applicable": "n/a", "ok": "ok"}}

VIEW_HEADINGS = {
    "ja": {"area": "分野", "name": "名称", "edition": "版", "as_of": "確認日", "items": "項目数",
           "kinds": "種別", "id": "ID", "kind": "種別", "group": "区分", "level": "団体区分",
           "obligation": "義務の種類", "deadline": "期限", "sources": "出典", "rule": "ルール",
           "severity": "重大度", "catalog": "カタログ", "status": "状態", "title": "内容", "fact": "事実",
           "area_id": "分野ID"},
    "en": {"area": "Area", "name": "Name", "edition": "Edition", "as_of": "As of", "items": "Items",
           "kinds": "Kinds", "id": "ID", "kind": "Kind", "group": "Group", "level": "Level",
           "obligation": "Obligation", "deadline": "Deadline", "sources": "Sources", "rule": "Rule",
           "severity": "Severity", "catalog": "Catalog", "status": "Status", "title": "Title", "fact": "Fact",
           "area_id": "Area ID"},
}

OBLIGATION_WHY = {
    "ja": {"legal": "法律上の義務。期限を過ぎたものは「重大」、それ以外の未対応は「高」、状況不明は「中」とする",
           "target": "国の目標・要請（期限付き）。未対応は「高」または「中」とする",
           "recommendation": "国が求めるが義務ではない事項。未対応は「中」または「低」とする",
           "effort": "法律上の努力義務。期限を過ぎた未対応は「高」、それ以外は「中」とする",
           "optional": "団体の判断による事項。「情報」とする"},
    "en": {"legal": "a duty in law: overdue is critical, another open gap high, an unknown status medium",
           "target": "a national target or request with a date: an open gap is high or medium",
           "recommendation": "asked for, not required: an open gap is medium or low",
           "effort": "a duty in law to endeavour: past its deadline high, otherwise medium",
           "optional": "at the municipality's choice: info"},
}

DIFF_LABELS = {
    "ja": {"title": "差分", "old": "比較元", "new": "比較先", "new_findings": "新たな指摘", "resolved": "解消した指摘",
           "changed": "その他の変化", "unchanged": "変化なし", "none": "差分はありません", "id": "ID", "rule": "ルール",
           "requirement": "要件", "status": "状態", "severity": "重大度", "deadline": "期限", "change": "変化",
           "notes": "注意", "findings": "指摘", "as_of": "評価基準日",
           "replaces": "置き換えた指摘（同じ要件）", "still_open_as": "同じ要件の新たな指摘（未解消）",
           "worse": "悪化", "better": "改善", "basis": "根拠", "stale": "データが古い"},
    "en": {"title": "Diff", "old": "Old", "new": "New", "new_findings": "New findings", "resolved": "Resolved",
           "changed": "Other changes", "unchanged": "Unchanged", "none": "No differences", "id": "ID", "rule": "Rule",
           "requirement": "Requirement", "status": "Status", "severity": "Severity", "deadline": "Deadline",
           "change": "Change", "notes": "Notes", "findings": "findings", "as_of": "evaluated as of",
           "replaces": "Replaces (same requirement)", "still_open_as": "Requirement still open as",
           "worse": "Worse", "better": "Better", "basis": "Basis", "stale": "Stale"},
}


def labels(lang: str) -> dict:
    """Every report label of one language in one mapping (LABELS and REPORT_LABELS)."""
    return {**LABELS[lang], **REPORT_LABELS[lang]}


# the municipality attributes duties depend on (engine.vocab.MUNICIPALITY_ATTRIBUTES): what
# each says when true, when false, and its name when unknown
ATTRIBUTE_NAMES = {
    "ja": {"type": ("団体区分", None, None), "welfare_office": ("福祉事務所", "福祉事務所を設置している", "福祉事務所を設置していない"),
           "nhi_levy": ("国民健康保険の賦課方式（税・料）", None, None),
           "port": ("港湾管理者", "港湾管理者である", "港湾管理者ではない"),
           "river": ("河川管理者", "河川管理者である", "河川管理者ではない"),
           "water": ("水道事業", "水道事業を経営している", "水道事業を経営していない"),
           "sewerage": ("下水道事業", "下水道事業を経営している", "下水道事業を経営していない"),
           "building_official": ("建築主事", "建築主事を置いている", "建築主事を置いていない"),
           "industrial_waste_authority": ("産業廃棄物の許可権限", "産業廃棄物処理業の許可権限を持つ",
                                          "産業廃棄物処理業の許可権限を持たない"),
           "health_center": ("保健所", "保健所を設置している", "保健所を設置していない")},
    "en": {"type": ("type of local government", None, None),
           "welfare_office": ("welfare office", "runs a welfare office (福祉事務所)", "runs no welfare office (福祉事務所)"),
           "nhi_levy": ("national health insurance levied as tax or premium", None, None),
           "port": ("port management", "is a port authority", "is no port authority"),
           "river": ("river management", "manages rivers", "manages no rivers"),
           "water": ("water supply", "runs the water supply", "runs no water supply"),
           "sewerage": ("sewerage", "runs sewerage", "runs no sewerage"),
           "building_official": ("building official", "has a building official (建築主事)",
                                 "has no building official (建築主事)"),
           "industrial_waste_authority": ("industrial waste licensing", "licenses industrial waste businesses",
                                          "does not license industrial waste businesses"),
           "health_center": ("health centre", "runs a health centre (保健所)", "runs no health centre (保健所)")},
}
NHI_NAMES = {"ja": {"tax": "国民健康保険税", "premium": "国民健康保険料"},
             "en": {"tax": "levied as a tax (国民健康保険税)", "premium": "levied as a premium (国民健康保険料)"}}


def attribute_phrase(attr: str, value, lang: str, with_key: bool = True) -> str:
    """A municipality attribute in words: "福祉事務所を設置していない (municipality.welfare_office:
    false)"; for an unknown value, its name and the key to fill in."""
    name, yes, no = ATTRIBUTE_NAMES[lang][attr]
    key = f"municipality.{attr}"
    if value is None:
        if not with_key:
            return name
        return f"{name}（{key}）" if lang == "ja" else f"{name} ({key})"
    if isinstance(value, bool):
        text = yes if value else no
    elif attr == "nhi_levy":
        text = NHI_NAMES[lang].get(value, str(value))
    else:
        text = f"{name}: {value}"
    shown = "true" if value is True else "false" if value is False else value
    if not with_key:
        return text
    return f"{text}（{key}: {shown}）" if lang == "ja" else f"{text} ({key}: {shown})"
# what a profile says about a requirement (vocab.ITEM_STATUSES): the words shown for it,
# inside messages too ("状態: 予定"). A finding's message is rendered by engine.match.evaluate:
# item_status_label() is what it calls for a {status} placeholder.
ITEM_STATUS_NAMES = {
    "ja": {"done": "完了", "in_progress": "対応中", "planned": "予定", "not_started": "未着手",
           "not_applicable": "対象外", "unknown": "不明"},
    "en": {"done": "done", "in_progress": "in progress", "planned": "planned", "not_started": "not started",
           "not_applicable": "not applicable", "unknown": "unknown"},
}


def item_status_label(value, lang: str) -> str:
    """A profile item status (done, planned, ...) in words; any other value as written."""
    return ITEM_STATUS_NAMES.get(lang, ITEM_STATUS_NAMES["en"]).get(value, value) if isinstance(value, str) \
        else str(value)


# what a rule may decide (vocab.RULE_STATUSES): the finding statuses, and by_deadline
RULE_STATUS_NAMES = {
    "ja": {**LABELS["ja"]["status_names"], "by_deadline": "期限により判定"},
    "en": {**LABELS["en"]["status_names"], "by_deadline": "by deadline"},
}

# what a rule is evaluated on (Rule.fact)
FACT_NAMES = {"ja": {"requirement": "要件ごと", "profile": "団体ごと"},
              "en": {"requirement": "per requirement", "profile": "per profile"}}

# the kinds of catalog items (Item.kind)
KIND_NAMES = {
    "ja": {"system": "基幹業務システム", "mynaportal_procedure": "マイナポータル手続", "priority_procedure": "重点手続",
           "preset_procedure": "プリセット手続", "focus_item": "重点取組事項", "category": "分類",
           "control": "対策", "society_item": "デジタル社会の取組", "review": "点検・見直し", "policy": "方針",
           "optional_levy": "任意の公金", "public_fund_levy": "公金", "local_tax": "地方税", "layer": "層",
           "governance": "体制", "other_item": "その他の取組", "plan": "計画",
           "edition": "国の版への準拠", "audit": "データの点検",
           "duty": "法令上の義務", "target": "数値目標",
           "own_procedures": "団体独自の手続"},
    "en": {"system": "system", "mynaportal_procedure": "Mynaportal procedure", "priority_procedure": "priority procedure",
           "preset_procedure": "preset procedure", "focus_item": "focus item", "category": "category",
           "control": "control", "society_item": "digital society item", "review": "review", "policy": "policy",
           "optional_levy": "optional levy", "public_fund_levy": "public levy", "local_tax": "local tax",
           "layer": "layer", "governance": "governance", "other_item": "other item", "plan": "plan",
           "edition": "national edition", "audit": "data audit",
           "duty": "duty in law", "target": "numeric target",
           "own_procedures": "own procedures"},
}

# which governments an item is for (Item.level)
LEVEL_NAMES = {"ja": {"municipal": "市区町村", "prefectural": "都道府県", "either": "いずれも"},
               "en": {"municipal": "municipal", "prefectural": "prefectural", "either": "either"}}


def word(table: dict, value, lang: str) -> str:
    """`value` in words from one of the tables above (as written when the table lacks it)."""
    if value is None:
        return ""
    return table.get(lang, {}).get(value, value)


def area_name(catalogs: dict, area: str, lang: str) -> str:
    """The area's name in `lang`: from the result model's `catalogs` (area -> {..., name: {ja,
    en}}) or a CatalogSet's catalogs (area -> Catalog); the ID when no name is known."""
    c = catalogs.get(area)
    name = c.get("name") if isinstance(c, dict) else getattr(c, "name", None)
    if isinstance(name, dict):
        return name.get(lang) or name.get("ja") or area
    if name is not None and hasattr(name, "get"):
        return name.get(lang) or area
    return area


# the batch summary CSV (engine.commands.rollup.render_csv): its column headings
SUMMARY_CSV_HEADINGS = {
    "ja": {"prefecture_code": "都道府県コード", "prefecture": "都道府県", "code": "団体コード",
           "municipality": "団体", "id": "団体ID", "area": "分野", "worst": "最も重い状態"},
    "en": {"prefecture_code": "prefecture_code", "prefecture": "prefecture", "code": "code",
           "municipality": "municipality", "id": "id", "area": "area", "worst": "worst"},
}
