"""The data model: catalogs (national requirements), profiles (a municipality's state) and
rules (what to match). Pydantic v2, ``extra="forbid"`` everywhere: a misspelt key is an error.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from . import jdate

Strict = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


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


Day = Annotated[_dt.date, BeforeValidator(_day)]
"""A single day: ISO or 和暦 (令和8年3月31日)."""
Deadline = Annotated[_dt.date, BeforeValidator(_deadline)]
"""A deadline: a month or fiscal year means its last day (令和7年度末 -> 2026-03-31)."""
DateSpan = Annotated[jdate.Span, BeforeValidator(_span)]
"""Any accepted date form, kept as the span of days it names (令和8年度 -> FY2026)."""


class Text(BaseModel):
    """A text in Japanese and English."""
    model_config = Strict
    ja: str
    en: str

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES = ("critical", "high", "medium", "low", "info")
FindingStatus = Literal["overdue", "gap", "due_soon", "unassessed", "waived", "ok"]
FINDING_STATUSES = ("overdue", "due_soon", "gap", "unassessed", "waived", "ok")
Obligation = Literal["legal", "target", "recommendation", "optional"]
"""legal: a duty in law; target: a national target or request with a date;
recommendation: asked for, not required; optional: at the municipality's choice."""
OBLIGATIONS = ("legal", "target", "recommendation", "optional")
ActionType = Literal["system", "contract", "policy", "training", "survey", "other"]


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
    deadline: Deadline
    name: Text
    citation: list[Citation] = Field(default_factory=list)


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
    citation: list[Citation] = Field(min_length=1)
    note: Optional[str] = None
    superseded_by: Optional[str] = None
    withdrawn: Optional[Day] = None

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
    items: list[Item] = Field(min_length=1)

    @field_validator("area")
    @classmethod
    def _area_form(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("an area is lower_snake_case, e.g. base_systems")
        return v


# ---------------------------------------------------------------------------- profiles

ITEM_STATUSES = ("done", "in_progress", "planned", "not_started", "not_applicable", "unknown")
ItemStatusValue = Literal["done", "in_progress", "planned", "not_started", "not_applicable", "unknown"]
STATUS_ALIASES = {
    "完了": "done", "実施済": "done", "済": "done", "対応済": "done", "移行済": "done",
    "実施中": "in_progress", "対応中": "in_progress", "移行中": "in_progress",
    "予定": "planned", "計画": "planned", "計画中": "planned",
    "未着手": "not_started", "未実施": "not_started", "未対応": "not_started",
    "対象外": "not_applicable", "該当なし": "not_applicable",
    "不明": "unknown", "未確認": "unknown",
}


def _status(v: Any) -> Any:
    if isinstance(v, str):
        s = v.strip()
        return STATUS_ALIASES.get(s, s)
    return v


class ItemStatus(BaseModel):
    """The profile's statement about one requirement."""
    model_config = Strict
    status: Annotated[ItemStatusValue, BeforeValidator(_status)] = "unknown"
    done_on: Optional[DateSpan] = None        # when it was done (a fact)
    planned: Optional[DateSpan] = None        # when the plan says it will be done (a plan)
    designated: Optional[bool] = None         # designated for the catalog's extended deadline
    value: Optional[Union[str, int]] = None   # compared with the catalog item's `expect`
    department: Optional[str] = None          # 担当部門
    cost_estimate: Optional[int] = Field(default=None, ge=0)   # yen, as the profile gives it
    source: Optional[str] = None              # where in the municipality's records this comes from
    note: Optional[str] = None


class AreaState(BaseModel):
    model_config = Strict
    plan_scope: Optional[list[str]] = None    # item IDs the municipality's own plan covers
    facts: dict[str, Union[str, int, bool, DateSpan, None]] = Field(default_factory=dict)
    items: dict[str, ItemStatus] = Field(default_factory=dict)

    @field_validator("items", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # `BS-JUKI: done` is shorthand for `BS-JUKI: {status: done}`
        if isinstance(v, dict):
            return {k: ({"status": s} if isinstance(s, str) else s) for k, s in v.items()}
        return v


class Municipality(BaseModel):
    model_config = Strict
    name: str
    name_en: Optional[str] = None
    code: str                                  # 全国地方公共団体コード (6 digits, with check digit)
    prefecture: str

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        if isinstance(v, int):
            v = f"{v:06d}"
        if isinstance(v, str):
            import unicodedata
            v = unicodedata.normalize("NFKC", v).strip()
            if not re.fullmatch(r"\d{6}", v):
                raise ValueError("a 全国地方公共団体コード has 6 digits, e.g. '173657'")
            if local_gov_check_digit(v[:5]) != int(v[5]):
                raise ValueError(
                    f"check digit of {v} is wrong: expected {v[:5]}{local_gov_check_digit(v[:5])}")
        return v


def local_gov_check_digit(first5: str) -> int:
    """Check digit of a 全国地方公共団体コード (総務省 rule: weights 6,5,4,3,2; mod 11)."""
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2)))
    r = total % 11
    return (11 - r) % 10 if r else 0


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


class Profile(BaseModel):
    model_config = Strict
    profile_version: Literal[1] = 1
    id: str
    municipality: Municipality
    as_of: Day
    source: Optional[str] = None
    plan: Optional[Plan] = None
    areas: dict[str, AreaState] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", v):
            raise ValueError("a profile id is lower-case letters, digits, '-' and '_', e.g. uchinada")
        return v


# ---------------------------------------------------------------------------- rules

Scalar = Union[str, int, bool, None]


class Rule(BaseModel):
    """One rule, as written in rules/*.yaml (see docs/RULES.md)."""
    model_config = Strict
    id: str
    catalog: str
    fact: Literal["requirement", "profile"] = "requirement"
    requirement: Optional[str] = None           # for profile rules: the requirement they report on
    when: list[dict[str, Any]] = Field(min_length=1)
    status: Literal["overdue", "gap", "due_soon", "unassessed", "ok", "by_deadline"]
    severity: Severity
    obligation: Obligation
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
