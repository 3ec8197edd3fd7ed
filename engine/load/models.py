"""The data model: catalogs (national requirements), profiles (a municipality's state) and
rules (what to match). Pydantic v2, ``extra="forbid"`` everywhere: a misspelt key is an error.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal, Optional, Union

import sys
import types

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator,
                      model_validator)

from ..vocab import (ACTIONS, FINDING_STATUSES, ITEM_STATUSES, MUNICIPALITY_ATTRIBUTES,  # noqa: F401
                     MUNICIPALITY_TYPES, NHI_LEVIES, OBLIGATIONS, PROFILE_BASES, RULE_SEVERITIES, RULE_STAGES, RULE_STATUSES,
    SEVERITIES)
from . import jdate
from .yamlio import ascii_token



def _without_pydantic_plugins() -> None:
    """A result must not depend on what else is installed: a pydantic plugin (found through
    package metadata) can change how a profile is validated. gapcheck runs with none, as with
    PYDANTIC_DISABLE_PLUGINS=__all__, and without importing pydantic's plugin finder, which
    imports importlib.metadata (about 10 ms of every run's start-up) only to find none."""
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        finder = types.ModuleType(name, "gapcheck: no pydantic plugins")
        finder.get_plugins = lambda: ()
        sys.modules[name] = finder


_without_pydantic_plugins()

# Validators are built when a model is first used, not at import: a run that takes its catalogs
# and rules from the cache (engine/load/cache.py) never builds theirs (benchmarks/README.md).
Strict = ConfigDict(extra="forbid", frozen=False, populate_by_name=True, defer_build=True)


class BilingualValueError(ValueError):
    """A validator's complaint in English and Japanese (validation.py shows the user's language)."""

    def __init__(self, en: str, ja: str, hint_en: str | None = None, hint_ja: str | None = None):
        self.en, self.ja, self.hint_en, self.hint_ja = en, ja, hint_en, hint_ja or hint_en
        super().__init__(en)


def _day(v: Any) -> Any:
    if v is None or isinstance(v, _dt.date):
        return v
    return jdate.parse_day(v)


def _deadline(v: Any) -> Any:
    if v is None or isinstance(v, _dt.date):
        return v
    return jdate.parse_deadline(v)


def _span(v: Any) -> Any:
    if v is None or isinstance(v, jdate.Span):
        return v
    return jdate.parse_span(v)


# In JSON Schema (editors) a date is a string: ISO or 和暦, as gapcheck parses it itself.
_DAY_SCHEMA = {"type": "string", "description": "日付（1日）/ a day: 2026-03-31, 令和8年3月31日, R8.3.31"}
_DEADLINE_SCHEMA = {"type": "string",
                    "description": "日付・月・年度（その末日）/ a day, month or fiscal year (its last day): "
                                   "2026-03-31, 令和8年9月, 令和7年度末"}
_SPAN_SCHEMA = {"type": ["string", "integer"],
                "description": "日付・月・年度 / a day, month, fiscal year or year: "
                               "2026-03-31, 令和8年9月, 令和8年度, R8年度, 2026"}

Day = Annotated[_dt.date, BeforeValidator(_day), WithJsonSchema(_DAY_SCHEMA)]
"""A single day: ISO or 和暦 (令和8年3月31日)."""
Deadline = Annotated[_dt.date, BeforeValidator(_deadline), WithJsonSchema(_DEADLINE_SCHEMA)]
"""A deadline: a month or fiscal year means its last day (令和7年度末 -> 2026-03-31)."""
DateSpan = Annotated[jdate.Span, BeforeValidator(_span), WithJsonSchema(_SPAN_SCHEMA)]
"""Any accepted date form, kept as the span of days it names (令和8年度 -> FY2026)."""


class Text(BaseModel):
    """A text in Japanese and English."""
    model_config = Strict
    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


Severity = Literal[SEVERITIES]
Obligation = Literal[OBLIGATIONS]
"""legal: a duty in law; target: a national target or request with a date;
recommendation: asked for, not required; optional: at the municipality's choice."""
ActionType = Literal[ACTIONS]


# ---------------------------------------------------------------------------- catalogs

class Source(BaseModel):
    model_config = Strict
    id: str
    title: str
    issuer: Optional[str] = None
    date: Optional[Day] = None
    url: Optional[str] = None
    note: Optional[str] = None


class Citation(BaseModel):
    """Where a requirement comes from: a catalog source and the place in it."""
    model_config = Strict
    source: str
    locator: Optional[str] = None     # e.g. "第1章 1-2(2)", "図表S-2-1", "第244条の6"


class ExtendedDeadline(BaseModel):
    """A later deadline that applies when the municipality is designated for it
    (e.g. 特定移行支援システム: 令和12年度末)."""
    model_config = Strict
    deadline: Deadline                         # the outer limit (おおむね令和12年度末)
    name: Text
    citation: list[Citation] = Field(default_factory=list)
    # the designation reason categories (事由) a profile may give: code -> name
    reasons: dict[str, Text] = Field(default_factory=dict)


class NationalProvision(BaseModel):
    """The nation provides this for every municipality (e.g. 転出届 via マイナポータル since
    2023-02-06): it is met everywhere from `since`, on the catalog's source (basis national)."""
    model_config = Strict
    since: Day
    name: Text
    citation: list[Citation] = Field(min_length=1)


class Expectation(BaseModel):
    """What the profile's `value` for this requirement must be."""
    model_config = Strict
    one_of: Optional[list[str]] = None
    min_date: Optional[Deadline] = None
    describe: Optional[Text] = None


class Item(BaseModel):
    """One national requirement."""
    model_config = Strict
    id: str
    name: Text
    kind: str                                  # system, procedure, levy, category, control, ...
    group: Optional[str] = None                # e.g. 子育て, マイナンバー利用事務系
    level: Literal["municipal", "prefectural", "either"] = "municipal"
    obligation: Obligation
    deadline: Optional[Deadline] = None
    effective_from: Optional[Day] = None
    extended_deadline: Optional[ExtendedDeadline] = None
    expect: Optional[Expectation] = None
    action: ActionType = "other"               # what closing the gap usually takes (budget)
    department: Optional[str] = None           # usual 担当部門
    attrs: dict[str, Union[str, int, bool, None]] = Field(default_factory=dict)
    # the municipality attributes the duty depends on (profile municipality block): attribute ->
    # the value, or the values, for which it applies; all must hold
    applies_if: dict[str, Union[bool, str, list[str]]] = Field(default_factory=dict)
    provided_nationally: Optional[NationalProvision] = None
    citation: list[Citation] = Field(min_length=1)
    note: Optional[str] = None
    superseded_by: Optional[str] = None
    withdrawn: Optional[Day] = None

    @field_validator("applies_if")
    @classmethod
    def _applies_if(cls, v: dict) -> dict:
        for k, want in v.items():
            allowed = MUNICIPALITY_ATTRIBUTES.get(k)
            if allowed is None:
                raise ValueError(f"applies_if: '{k}' is not a municipality attribute "
                                 f"({', '.join(MUNICIPALITY_ATTRIBUTES)})")
            for w in (want if isinstance(want, list) else [want]):
                if w not in allowed:
                    raise ValueError(f"applies_if: {k} cannot be {w!r} ({', '.join(map(str, allowed))})")
        return v

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+", v):
            raise ValueError("an item ID is upper-case words joined by '-', e.g. BS-JUKI")
        return v


class ProfileFactSpec(BaseModel):
    """An area-level fact a profile may state (declared by the catalog, so profiles stay checked)."""
    model_config = Strict
    type: Literal["string", "boolean", "integer", "date"]
    one_of: Optional[list[str]] = None
    description: Text


class CatalogNote(BaseModel):
    """National context a report may give next to one municipality's findings (e.g. how many
    systems and local governments are designated 特定移行支援システム, and as of when)."""
    model_config = Strict
    as_of: Day                                 # the date the figures describe
    text: Text
    citation: list[Citation] = Field(min_length=1)


class DerivedFact(BaseModel):
    """An area fact computed from two the profile states, before matching (as days to a deadline
    are): `ratio: [numerator, denominator]` gives the numerator as a whole percentage of the
    denominator (half up), null when either is unknown or the denominator is not positive."""
    model_config = Strict
    ratio: list[str] = Field(min_length=2, max_length=2)
    description: Text


class Catalog(BaseModel):
    model_config = Strict
    area: str
    name: Text
    edition: str
    as_of: Day
    description: Optional[Text] = None
    sources: list[Source] = Field(min_length=1)
    lists: dict[str, Text] = Field(default_factory=dict)    # named lists (e.g. original17)
    profile_facts: dict[str, ProfileFactSpec] = Field(default_factory=dict)
    derived_facts: dict[str, DerivedFact] = Field(default_factory=dict)   # rules test them as area_<name>
    notes: list[CatalogNote] = Field(default_factory=list)   # national context, dated and cited

    @model_validator(mode="after")
    def _derived_from_integer_facts(self) -> "Catalog":
        for name, spec in self.derived_facts.items():
            if name in self.profile_facts:
                raise ValueError(f"derived_facts.{name}: also a profile fact; a derived fact is computed, not written")
            for src in spec.ratio:
                pf = self.profile_facts.get(src)
                if pf is None or pf.type != "integer":
                    raise ValueError(f"derived_facts.{name}: '{src}' is not an integer profile fact of the catalog")
        return self
    items: list[Item] = Field(min_length=1)

    def current_items(self, as_of: _dt.date) -> list[Item]:
        """The requirements a municipal profile is assessed on at `as_of`: not prefectural (a
        profile describes a municipality) and not withdrawn by then. The one definition of a
        "current requirement": facts, validate, init and the workbook all use it."""
        return [it for it in self.items
                if it.level != "prefectural" and not (it.withdrawn and it.withdrawn <= as_of)]

    @field_validator("area")
    @classmethod
    def _area_form(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("an area is lower_snake_case, e.g. base_systems")
        return v


# ---------------------------------------------------------------------------- profiles

ItemStatusValue = Literal[ITEM_STATUSES]
STATUS_ALIASES = {
    "完了": "done", "実施済": "done", "済": "done", "対応済": "done", "移行済": "done",
    "実施中": "in_progress", "対応中": "in_progress", "移行中": "in_progress",
    "予定": "planned", "計画": "planned", "計画中": "planned",
    "未着手": "not_started", "未実施": "not_started", "未対応": "not_started",
    "対象外": "not_applicable", "該当なし": "not_applicable",
    "不明": "unknown", "未確認": "unknown",
}


_STATUS_SET = frozenset(ITEM_STATUSES)


def _status(v: Any) -> Any:
    if isinstance(v, str):
        if v in _STATUS_SET:      # the common case: written as it is read
            return v
        s = ascii_token(v).strip()
        s = STATUS_ALIASES.get(s, s)
        return s.lower() if s.isascii() and s.lower() in ITEM_STATUSES else s
    return v


MAX_YEN = 10 ** 13    # 10兆円: more than any municipal budget; a larger figure is a typing error


def _yen(v: Any) -> Any:
    """Amounts as people write them (engine.load.amounts): 1200000, "1,200,000", "１２０００００円",
    "500万円", "約500万円", "5,000千円", "1.2億円" -> yen; an unreadable text is refused in both
    languages. An int is left to pydantic (its range check)."""
    if isinstance(v, (str, float)) and not isinstance(v, bool):
        from .amounts import parse_amount

        return parse_amount(v)[0]
    return v


def _tokens(v: Any) -> Any:
    return [ascii_token(x) for x in v] if isinstance(v, list) else v


def _empty_is_none(v: Any) -> Any:
    return {} if v is None else v


def _facts(v: Any) -> Any:
    if v is None:
        return {}
    return {k: ascii_token(x) for k, x in v.items()} if isinstance(v, dict) else v


def _basis(v: Any) -> Any:
    if isinstance(v, str):
        s = ascii_token(v).strip()
        return BASIS_ALIASES.get(s, s.lower() if s.isascii() else s)
    return v


BASIS_ALIASES = {"記録": "record", "実績": "record", "調査": "survey", "調査回答": "survey", "計画": "plan"}
BasisValue = Annotated[Literal[PROFILE_BASES], BeforeValidator(_basis)]


class ItemStatus(BaseModel):
    """The profile's statement about one requirement (profile_version 2 adds basis, as_of,
    in_plan and the designation's date and reason)."""
    model_config = Strict
    status: Optional[Annotated[ItemStatusValue, BeforeValidator(_status)]] = None   # None: not said
    basis: Optional[BasisValue] = None        # what the statement rests on (else the area's, the profile's)
    as_of: Optional[Deadline] = None          # the date of the statement, where not the profile's as_of
    in_plan: Optional[bool] = None            # the municipality's plan covers it
    done_on: Optional[DateSpan] = None        # when it was done (a fact)
    planned: Optional[DateSpan] = None        # when the plan says it will be done (a plan)
    designated: Optional[bool] = None         # designated for the catalog's extended deadline
    designated_until: Optional[DateSpan] = None   # its own 移行完了予定時期 (特定移行支援)
    designation_reason: Optional[str] = None  # the reason category (事由), a code of the catalog
    value: Annotated[Optional[Union[str, int]], BeforeValidator(ascii_token)] = None  # compared with `expect`
    department: Optional[str] = None          # 担当部門
    # yen, as the profile gives it
    cost_estimate: Annotated[Optional[int], BeforeValidator(_yen)] = Field(default=None, ge=0, le=MAX_YEN)
    # the estimate was written as approximate (約500万円); set from the text when not given
    cost_approximate: Optional[bool] = None
    source: Optional[str] = None              # where in the municipality's records this comes from
    note: Optional[str] = None

    @model_validator(mode="before")
    @classmethod
    def _approximate_cost(cls, v: Any) -> Any:
        # "約500万円" says the cost is approximate: cost_approximate true unless the profile says
        if isinstance(v, dict) and isinstance(v.get("cost_estimate"), str) and v.get("cost_approximate") is None:
            from .amounts import AmountError, parse_amount

            try:
                if parse_amount(v["cost_estimate"])[1]:
                    v = {**v, "cost_approximate": True}
            except AmountError:
                pass                # reported by the field's own validator
        return v


class AreaDefaults(BaseModel):
    """What every current requirement of the area takes unless its item says otherwise: the
    common case "all 20 systems by 令和7年度末, from the plan" written once."""
    model_config = Strict
    status: Optional[Annotated[ItemStatusValue, BeforeValidator(_status)]] = None
    basis: Optional[BasisValue] = None
    as_of: Optional[Deadline] = None
    in_plan: Optional[bool] = None
    planned: Optional[DateSpan] = None
    department: Optional[str] = None


class AreaState(BaseModel):
    model_config = Strict
    defaults: Optional[AreaDefaults] = None
    # item IDs the municipality's own plan covers (shorthand: in_plan true for these, false for
    # the area's other requirements of the same kind)
    plan_scope: Annotated[Optional[list[str]], BeforeValidator(_tokens)] = None
    facts: Annotated[dict[str, Union[str, int, bool, DateSpan, None]],
                     BeforeValidator(_facts)] = Field(default_factory=dict)
    items: dict[str, ItemStatus] = Field(default_factory=dict)

    @field_validator("items", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # `BS-JUKI: done` is shorthand for `BS-JUKI: {status: done}`; `items:` left empty is {}
        if v is None:
            return {}
        if isinstance(v, dict):
            # `BS-JUKI:` with nothing after it says nothing: unknown
            return {k: ({"status": s} if isinstance(s, str) else ({} if s is None else s))
                    for k, s in v.items()}
        return v


NHI_ALIASES = {"国保税": "tax", "国民健康保険税": "tax", "税": "tax",
               "国保料": "premium", "国民健康保険料": "premium", "料": "premium"}


def _nhi(v: Any) -> Any:
    if isinstance(v, str):
        s = ascii_token(v).strip()
        return NHI_ALIASES.get(s, s)
    return v


class Municipality(BaseModel):
    model_config = Strict
    name: str
    name_en: Optional[str] = None
    code: str                                  # 全国地方公共団体コード (6 digits, with check digit)
    prefecture: str
    # the attributes duties depend on (engine.vocab.MUNICIPALITY_ATTRIBUTES; null: unknown)
    type: Optional[Literal[MUNICIPALITY_TYPES]] = None
    welfare_office: Optional[bool] = None      # 福祉事務所を設置している
    nhi_levy: Annotated[Optional[Literal[NHI_LEVIES]], BeforeValidator(_nhi)] = None
    port: Optional[bool] = None                # 港湾管理者である
    river: Optional[bool] = None               # 河川管理者である（準用河川・普通河川）
    water: Optional[bool] = None               # 水道事業を経営している
    sewerage: Optional[bool] = None            # 下水道事業を経営している
    building_official: Optional[bool] = None   # 建築主事を置く
    industrial_waste_authority: Optional[bool] = None   # 産業廃棄物処理業の許可権限を持つ
    health_center: Optional[bool] = None       # 保健所を設置している

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        return normalise_code(v)

    @model_validator(mode="after")
    def _prefecture_name(self) -> "Municipality":
        # 石川 -> 石川県 when the code says so (whether they agree is checked by profile.value_problems)
        from .prefectures import PREFECTURES

        self.prefecture = self.prefecture.strip()
        full = PREFECTURES.get(self.code[:2]) if isinstance(self.code, str) else None
        if full and full != "北海道" and self.prefecture == full[:-1]:
            self.prefecture = full
        return self


def normalise_code(v: Any) -> Any:
    """A 全国地方公共団体コード as 6 ASCII digits, or BilingualValueError.

    Full-width digits and spaces are read as ASCII, '17365-7' (as Wikipedia writes it) as
    '173657'. A number that lost its leading zero (YAML reads 011002 as a number) and a
    5-digit code without its check digit are refused, with the right spelling in the hint."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        if not 100000 <= v <= 999999:
            raise BilingualValueError(
                f"{v} is not a 6-digit code; a code with a leading 0 must be quoted",
                f"{v} は6桁のコードではありません。0 で始まるコードは引用符で囲んでください",
                'write it in quotes, e.g. code: "011002"', '引用符で囲んでください（例: code: "011002"）')
        v = str(v)
    if isinstance(v, str):
        import unicodedata

        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
        m = re.fullmatch(r"(\d{5})[-‐ー−](\d)", s)
        if m:
            s = m.group(1) + m.group(2)
        if re.fullmatch(r"\d{5}", s):
            full = s + str(local_gov_check_digit(s))
            raise BilingualValueError(
                f"'{v}' has 5 digits; a 全国地方公共団体コード has 6, with the check digit",
                f"'{v}' は5桁です。全国地方公共団体コードは検査数字を含む6桁です",
                f"with its check digit it is '{full}'", f"検査数字を付けると '{full}' です")
        if not re.fullmatch(r"\d{6}", s):
            raise BilingualValueError(
                f"'{v}' is not a 全国地方公共団体コード (6 digits, e.g. '173657')",
                f"'{v}' は全国地方公共団体コード（6桁、例: '173657'）ではありません")
        if local_gov_check_digit(s[:5]) != int(s[5]):
            raise BilingualValueError(
                f"the check digit of {s} is wrong",
                f"{s} の検査数字（6桁目）が正しくありません",
                f"for {s[:5]} the code is {s[:5]}{local_gov_check_digit(s[:5])}; check the code",
                f"{s[:5]} なら {s[:5]}{local_gov_check_digit(s[:5])} です。コードを確認してください")
        return s
    return v


def local_gov_check_digit(first5: str) -> int:
    """The 検査数字 (6th digit) of the 全国地方公共団体コード whose first five digits are given.

    The rule of 総務省's code specification (JIS X 0402 calls the digit 検査数字): multiply the
    five digits by 6, 5, 4, 3 and 2, add the products, divide the sum by 11, and take the last
    digit of 11 minus the remainder. A remainder of 0 gives 11, so 1; a remainder of 1 gives 10,
    so 0. 17203 (小松市) has the sum 55, remainder 0, so 172031.

    Sources: 総務省「全国地方公共団体コード」, https://www.soumu.go.jp/denshijiti/code.html
    (the published code tables); the rule as worded there is quoted in
    https://qiita.com/takahi/items/fefd8ac9d0e514d46a19, and set out with the table of all eleven
    remainders in https://wiki.hgotoh.jp/documents/code/code-014.
    """
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    return (11 - total % 11) % 10


class Successor(BaseModel):
    model_config = Strict
    title: Optional[str] = None
    planned: Optional[DateSpan] = None
    adopted: Optional[bool] = None


class Plan(BaseModel):
    """The municipality's own DX plan (自治体DX推進計画) the profile was taken from."""
    model_config = Strict
    title: str
    published: Optional[DateSpan] = None
    period_start: Optional[DateSpan] = None
    period_end: Optional[DateSpan] = None
    successor: Optional[Successor] = None
    url: Optional[str] = None


PROFILE_VERSIONS = (1, 2)


class Profile(BaseModel):
    model_config = Strict
    profile_version: Literal[PROFILE_VERSIONS] = 1
    id: str
    municipality: Municipality
    as_of: Day
    basis: Optional[BasisValue] = None         # what the profile's facts rest on (default below)
    source: Optional[str] = None
    plan: Optional[Plan] = None
    areas: Annotated[dict[str, AreaState], BeforeValidator(_empty_is_none)] = Field(default_factory=dict)

    @property
    def default_basis(self) -> str:
        """The basis of a fact that names none (nor its area): the profile's `basis`, else
        `plan` when the profile's source names a plan (計画, plan), else `record`."""
        if self.basis:
            return self.basis
        src = (self.source or "").lower()
        return "plan" if ("計画" in src or "plan" in src) else "record"

    @property
    def nhi_levy(self) -> Optional[str]:
        """municipality.nhi_levy, else the version 1 area fact elqr_levies.nhi_levied_as."""
        if self.municipality.nhi_levy:
            return self.municipality.nhi_levy
        st = self.areas.get("elqr_levies")
        v = st.facts.get("nhi_levied_as") if st else None
        return v if v in NHI_LEVIES else None

    @field_validator("id", mode="before")
    @classmethod
    def _id_token(cls, v: Any) -> Any:
        return ascii_token(v)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return check_profile_id(v)


MAX_ID_LENGTH = 64      # the id names the output files (<id>.json): short enough for any file system
# Names Windows reserves for devices, with any extension: <id>.json could not be written there
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)}
                             | {f"lpt{i}" for i in range(1, 10)})


def check_profile_id(v: str) -> str:
    """A profile id, or BilingualValueError: lower-case letters, digits, - and _, at most
    MAX_ID_LENGTH characters, not a device name Windows reserves (con, nul, com1 ...)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", v):
        raise BilingualValueError(
            f"'{v}' is not a profile id: lower-case letters, digits, '-' and '_', e.g. uchinada",
            f"'{v}' はプロファイルIDに使えません。英小文字・数字・'-'・'_' で書いてください（例: uchinada）")
    if len(v) > MAX_ID_LENGTH:
        raise BilingualValueError(
            f"the profile id has {len(v)} characters; at most {MAX_ID_LENGTH} are allowed (it names the output "
            f"files, <id>.json)",
            f"プロファイルIDが {len(v)} 文字あります。{MAX_ID_LENGTH} 文字以内にしてください（出力ファイル名 <id>.json になります）",
            f"shorten it, e.g. to '{v[:MAX_ID_LENGTH].rstrip('-_')}'",
            f"短くしてください（例: '{v[:MAX_ID_LENGTH].rstrip('-_')}'）")
    if v in WINDOWS_RESERVED:
        raise BilingualValueError(
            f"'{v}' cannot be a profile id: Windows reserves the name for a device, so the output {v}.json "
            "could not be written there",
            f"'{v}' はプロファイルIDに使えません。Windows ではデバイス名として予約されているため、出力ファイル "
            f"{v}.json を作れません",
            f"choose another id, e.g. '{v}-town' or the municipality's name in romaji",
            f"別のIDにしてください（例: '{v}-town'、団体名のローマ字）")
    return v


# ---------------------------------------------------------------------------- rules



class Rule(BaseModel):
    """One rule, as written in rules/*.yaml (see docs/RULES.md)."""
    model_config = Strict
    id: str
    catalog: str                                # an area, or "*": every area (common rules)
    fact: Literal["requirement", "profile"] = "requirement"
    requirement: Optional[str] = None           # for profile rules: the requirement they report on
    stage: Literal[RULE_STAGES] = "status"      # applicability rules decide first
    when: list[dict[str, Any]] = Field(min_length=1)
    status: Literal[RULE_STATUSES]
    severity: Literal[RULE_SEVERITIES]
    obligation: Optional[Obligation] = None     # the obligations it is written for (documentation);
    # a finding's obligation is always its requirement's
    title: Text
    message: Text
    remediation: Optional[Text] = None
    references: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    action: Optional[ActionType] = None         # overrides the catalog item's action (budget)
    examples: list[dict[str, Any]] = Field(min_length=2)

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", v):
            raise ValueError("a rule ID is area.name in lower_snake_case, e.g. base_systems.overdue")
        return v


class RuleFile(BaseModel):
    model_config = Strict
    ruleset_version: str
    rules: list[Rule] = Field(min_length=1)
