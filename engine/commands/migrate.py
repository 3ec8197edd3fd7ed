"""`gapcheck migrate PROFILE -o NEW`: a version 1 profile rewritten as version 2, comments kept.

Version 1 profiles are read unchanged (with the documented defaults); migrating writes those
defaults out, so that the file says what gapcheck reads:

- `profile_version: 2`;
- `basis:` the default basis of the profile's facts (version 1: `plan` when its source names a
  plan, else `record`);
- the municipality attributes duties depend on (engine.vocab.MUNICIPALITY_ATTRIBUTES), each with
  a comment saying what it means: `nhi_levy` from the version 1 area fact
  `areas.elqr_levies.facts.nhi_levied_as` (which is then removed), `type` from the name (町, 村;
  a 市 may be 政令市 or 中核市, so it is left to fill in); everything else null (unknown), to fill
  in. Nothing is inferred that would change a finding: a 市 must set up a 福祉事務所 (社会福祉法
  第14条第1項), but `welfare_office` stays null for the DX office to confirm, as the comment says.

The YAML is edited with ruamel.yaml's round-trip mode, which keeps comments, key order and
quoting. The input is never changed; the output is written atomically. A profile already at
version 2 is refused (nothing to do).
"""
from __future__ import annotations

import io
from typing import Any

from ..errors import GapcheckError
from ..load import yamlio
from ..load.models import Profile
from ..load.validation import validate

ATTRIBUTE_COMMENTS = {
    "type": "都道府県 / 政令市 / 中核市 / 市 / 町 / 村 / 特別区",
    "welfare_office": "福祉事務所を設置している (true/false; 市・特別区は設置義務 社会福祉法第14条第1項)",
    "nhi_levy": "国民健康保険: tax（国民健康保険税）/ premium（国民健康保険料）",
    "port": "港湾管理者である (true/false)",
    "river": "河川管理者である (true/false)",
    "water": "水道事業を経営している (true/false)",
    "sewerage": "下水道事業を経営している (true/false)",
    "building_official": "建築主事を置いている (true/false)",
    "industrial_waste_authority": "産業廃棄物処理業の許可権限を持つ (true/false)",
    "health_center": "保健所を設置している (true/false)",
}
ORDER = tuple(ATTRIBUTE_COMMENTS)


def type_from_name(name: str, code: str) -> str | None:
    """町 or 村 from the name, 特別区 for a 区 of 東京都 (code 131xx); a 市 may be 政令市 or 中核市,
    so None (to fill in)."""
    if name.endswith("町"):
        return "町"
    if name.endswith("村"):
        return "村"
    if name.endswith("区") and code.startswith("131"):
        return "特別区"
    return None


def _yaml():
    try:
        from ruamel.yaml import YAML
    except ImportError:              # pragma: no cover - an install requirement
        raise GapcheckError("gapcheck migrate needs ruamel.yaml (an install requirement of gapcheck)",
                            "gapcheck migrate には ruamel.yaml が必要です（gapcheck のインストール要件）",
                            hint_en="reinstall gapcheck: pip install gapcheck",
                            hint_ja="gapcheck を再インストールしてください") from None
    y = YAML()
    y.preserve_quotes = True
    y.width = 100                    # flow lists are laid out again within 100 columns
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def migrate_text(path: str) -> tuple[str, list[dict[str, str]]]:
    """The version 2 text of the profile at `path`, and what was made explicit (notes)."""
    doc = yamlio.load(path)
    prof = validate(Profile, doc)          # a profile that does not load is not migrated
    if prof.profile_version >= 2:
        raise GapcheckError(f"the profile is already version {prof.profile_version}",
                            f"プロファイルは既にバージョン {prof.profile_version} です", file=path,
                            line=doc.line_of(("profile_version",)),
                            hint_en="nothing to migrate", hint_ja="移行は不要です")
    text, _ = yamlio.read_text(path)
    y = _yaml()
    data = y.load(text)
    notes: list[dict[str, str]] = []

    def note(en: str, ja: str) -> None:
        notes.append({"en": en, "ja": ja})

    # profile_version first
    if "profile_version" in data:
        data["profile_version"] = 2
    else:
        data.insert(0, "profile_version", 2)
    note("profile_version: 2", "profile_version: 2")
    # basis, after source (or as_of)
    keys = list(data.keys())
    after = "source" if "source" in keys else "as_of"
    pos = keys.index(after) + 1 if after in keys else len(keys)
    data.insert(pos, "basis", prof.default_basis,
                comment="what the profile's facts rest on: record / survey / plan（根拠の種類）")
    note(f"basis: {prof.default_basis} (from the source: {prof.source or '-'})",
         f"basis: {prof.default_basis}（出典から: {prof.source or '-'}）")
    muni = data["municipality"]
    values: dict[str, Any] = {}
    elqr = (data.get("areas") or {}).get("elqr_levies") or {}
    facts = elqr.get("facts") if hasattr(elqr, "get") else None
    if facts and facts.get("nhi_levied_as") is not None and "nhi_levy" not in muni:
        values["nhi_levy"] = str(facts["nhi_levied_as"])
        del facts["nhi_levied_as"]
        if not facts:
            del elqr["facts"]
        note(f"nhi_levy: {values['nhi_levy']} (moved from areas.elqr_levies.facts.nhi_levied_as)",
             f"nhi_levy: {values['nhi_levy']}（areas.elqr_levies.facts.nhi_levied_as から移動）")
    name = str(muni.get("name", ""))
    if "type" not in muni:
        t = type_from_name(name, str(muni.get("code", "")))
        if t:
            values["type"] = t
            note(f"type: {t} (from the name {name})", f"type: {t}（名称 {name} から）")
    for key in ORDER:
        if key in muni:
            continue
        muni[key] = values.get(key)
        muni.yaml_add_eol_comment(ATTRIBUTE_COMMENTS[key], key)
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue(), notes
