"""JSON Schemas for editors (YAML language server): profile, waivers and findings.

The profile schema is generated from the pydantic model (``Profile.model_json_schema()``) and
completed from the catalogs it is generated with: the areas, every requirement ID (with its name
and deadline as the description, so an editor can offer them), each area's facts, the Japanese
status aliases and the other spellings the loader accepts. Dates are strings (ISO or 和暦), as
gapcheck parses them itself.

docs/schema/profile.schema.json is this schema for the shipped catalogs (a test keeps it
current); profiles point to it with their first line::

    # yaml-language-server: $schema=../docs/schema/profile.schema.json
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ..errors import GapcheckError
from ..load import jdate, paths
from ..load.catalog import CatalogSet
from ..load.models import ITEM_STATUSES, MAX_ID_LENGTH, STATUS_ALIASES, WINDOWS_RESERVED, Profile

from ..vocab import SCHEMA_KINDS as KINDS  # noqa: E402
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# (model, field) -> description, Japanese / English
_DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("Profile", "profile_version"): "プロファイル形式の版（1）/ profile format version (1)",
    ("Profile", "id"): "プロファイルID: 英小文字・数字・-・_、64文字以内、con・nul・com1 などは不可（例: uchinada）/ "
                       "profile id: lower-case letters, digits, - and _, at most 64, not con, nul, com1 ...",
    ("Profile", "municipality"): "団体 / the municipality",
    ("Profile", "as_of"): "このプロファイルが表す現況の時点。更新したら改める / the date the statuses describe; "
                          "change it when you update them",
    ("Profile", "source"): "根拠資料（例: 〇〇町DX推進計画 令和7年3月）/ where the statements come from",
    ("Profile", "plan"): "団体のDX推進計画（任意）/ the municipality's own DX plan (optional)",
    ("Profile", "areas"): "分野ごとの状況 / the state per area (catalog): base_systems, online_procedures, ...",
    ("Municipality", "name"): "団体名（例: 内灘町）/ name of the municipality",
    ("Municipality", "name_en"): "英語名（任意）/ English name (optional)",
    ("Municipality", "code"): "全国地方公共団体コード: 検査数字付き6桁、引用符で囲む（例: \"173657\"）/ "
                              "6-digit local government code with its check digit, in quotes",
    ("Municipality", "prefecture"): "都道府県（コードの上2桁と一致すること）/ prefecture; must match the code's "
                                    "first two digits",
    ("Plan", "title"): "計画名 / title of the plan",
    ("Plan", "published"): "策定・公表の時期 / when it was published",
    ("Plan", "period_start"): "計画期間の始まり（例: 令和7年度）/ start of the plan period",
    ("Plan", "period_end"): "計画期間の終わり（例: 令和11年度末）/ end of the plan period",
    ("Plan", "successor"): "次期計画（あれば）/ the next plan, when one exists or is planned",
    ("Plan", "url"): "計画の URL / where the plan is published",
    ("Successor", "title"): "次期計画の名称 / title of the next plan",
    ("Successor", "planned"): "策定予定時期 / when it is to be adopted",
    ("Successor", "adopted"): "策定済みなら true / true once adopted",
    ("AreaState", "plan_scope"): "団体の計画が対象とする要件ID（任意）/ the requirement IDs the municipality's "
                                 "plan covers (optional)",
    ("AreaState", "facts"): "分野の事実（カタログの profile_facts）/ area facts the catalog declares",
    ("AreaState", "items"): "要件IDごとの状況。書かない要件は未評価 / the state per requirement ID; one left out "
                            "is reported as unassessed",
    ("ItemStatus", "status"): "状態: done 完了 | in_progress 実施中 | planned 予定 | not_started 未着手 | "
                              "not_applicable 対象外 | unknown 不明 / the status",
    ("ItemStatus", "done_on"): "完了日（事実）: as_of より後は不可 / when it was done (a fact), not after as_of",
    ("ItemStatus", "planned"): "予定時期（計画）: 未来でもよい / when the plan says it will be done (may be in "
                               "the future)",
    ("ItemStatus", "designated"): "延長期限の対象（特定移行支援システム等）なら true / true when designated for "
                                  "the catalog's extended deadline",
    ("ItemStatus", "value"): "カタログの expect と照合する値（例: 版 ed5）/ compared with the catalog item's expect",
    ("ItemStatus", "department"): "担当部門 / department in charge",
    ("ItemStatus", "cost_estimate"): "概算費用（円）/ cost estimate in yen",
    ("ItemStatus", "source"): "根拠（例: 計画 p.12 5.1(1)）/ where in the records this comes from",
    ("ItemStatus", "note"): "備考 / note",
}


def _status_schema() -> dict[str, Any]:
    return {"type": "string", "enum": list(ITEM_STATUSES) + list(STATUS_ALIASES),
            "description": _DESCRIPTIONS[("ItemStatus", "status")]}


def _deadline_text(item) -> str:
    if item.deadline is None:
        return ""
    return f" - 期限 deadline {jdate.date_label(item.deadline, 'ja')}"


def profile_schema(cs: CatalogSet | None = None) -> dict[str, Any]:
    """The profile schema; with catalogs, their areas, IDs and facts are listed."""
    sch = Profile.model_json_schema()
    defs = sch["$defs"]
    for name, d in [("Profile", sch)] + list(defs.items()):
        for fname, prop in d.get("properties", {}).items():
            desc = _DESCRIPTIONS.get((name, fname))
            if desc:
                prop["description"] = desc
            prop.pop("title", None)
    # accepted spellings the model normalises
    defs["ItemStatus"]["properties"]["status"] = dict(_status_schema(), default="unknown")
    cost = defs["ItemStatus"]["properties"]["cost_estimate"]
    cost["anyOf"].insert(1, {"type": "string", "pattern": r"^\s*[0-9０-９]{1,3}([,，][0-9０-９]{3})*円?\s*$|"
                                                            r"^\s*[0-9０-９]+円?\s*$"})
    defs["Municipality"]["properties"]["code"] = {
        "type": "string", "pattern": r"^\s*[0-9０-９]{5}[-‐ー−]?[0-9０-９]\s*$",
        "description": _DESCRIPTIONS[("Municipality", "code")]}
    # the id's length and the device names Windows reserves, as the model checks them
    sch["properties"]["id"].update({"maxLength": MAX_ID_LENGTH, "not": {"enum": sorted(WINDOWS_RESERVED)}})
    defs["ItemEntry"] = {
        "description": "状況（{status: ...} または状態だけ）/ the state: a mapping, or just the status",
        "anyOf": [{"$ref": "#/$defs/ItemStatus"}, _status_schema(), {"type": "null"}]}
    defs["AreaState"]["properties"]["items"]["additionalProperties"] = {"$ref": "#/$defs/ItemEntry"}
    if cs is not None:
        areas: dict[str, Any] = {}
        for area, cat in cs.catalogs.items():
            st = copy.deepcopy(defs["AreaState"])
            ids = [it.id for it in cat.items]
            st["properties"]["items"]["properties"] = {
                it.id: {"$ref": "#/$defs/ItemEntry",
                        "description": f"{it.name.ja} / {it.name.en}{_deadline_text(it)}"
                                       + ("（都道府県の要件: 評価対象外 / prefectural: not assessed）"
                                          if it.level == "prefectural" else "")
                                       + (f"（{it.withdrawn.isoformat()} 廃止 / withdrawn）" if it.withdrawn else "")}
                for it in cat.items}
            st["properties"]["items"]["additionalProperties"] = False
            st["properties"]["plan_scope"]["anyOf"][0]["items"] = {"type": "string", "enum": ids}
            facts = st["properties"]["facts"]
            facts["properties"] = {}
            for key, spec in cat.profile_facts.items():
                t = {"string": {"type": "string"}, "boolean": {"type": "boolean"},
                     "integer": {"type": "integer"}, "date": {"type": ["string", "integer"]}}[spec.type]
                if spec.one_of:
                    t = dict(t, enum=list(spec.one_of))
                facts["properties"][key] = dict(t, description=f"{spec.description.ja} / {spec.description.en}")
            facts["additionalProperties"] = False
            st["title"] = f"AreaState {area}"
            st["description"] = f"{cat.name.ja} / {cat.name.en}（catalog edition {cat.edition}）"
            defs[f"AreaState_{area}"] = st
            areas[area] = {"$ref": f"#/$defs/AreaState_{area}"}
        sch["properties"]["areas"]["properties"] = areas
        sch["properties"]["areas"]["additionalProperties"] = False
    out = {"$schema": DRAFT, "title": "gapcheck profile",
           "description": "gapcheck プロファイル（団体の現況）/ a municipality's profile for gapcheck. "
                          "Generated by: gapcheck schema profile. Format: docs/PROFILES.md"}
    out.update({k: v for k, v in sch.items() if k not in ("title", "description")})
    out["$defs"] = dict(sorted(defs.items()))
    return out


def waivers_schema() -> dict[str, Any]:
    """The waiver file's schema (engine.match.waivers.WaiverFile)."""
    from ..match.waivers import WaiverFile

    out = {"$schema": DRAFT, "title": "gapcheck waivers"}
    out.update(WaiverFile.model_json_schema())
    return out


def schema_file(name: str) -> Path | None:
    """A shipped schema file (docs/schema/ inside the package)."""
    cand = paths.schema_dir() / name
    return cand if cand.is_file() else None


def schema_text(kind: str, cs: CatalogSet | None = None) -> str:
    if kind == "profile":
        return json.dumps(profile_schema(cs), ensure_ascii=False, indent=2) + "\n"
    if kind == "waivers":
        return json.dumps(waivers_schema(), ensure_ascii=False, indent=2) + "\n"
    if kind == "findings":
        p = schema_file("findings.schema.json")
        if p is None:
            raise GapcheckError("the findings schema (findings.schema.json) is not installed",
                                "指摘事項（findings）のスキーマ findings.schema.json がインストールされていません")
        text = p.read_text(encoding="utf-8")
        return text if text.endswith("\n") else text + "\n"
    raise GapcheckError(f"unknown schema '{kind}'", f"スキーマ '{kind}' はありません",
                        hint_en="one of: " + ", ".join(KINDS), hint_ja="次のいずれか: " + ", ".join(KINDS))
