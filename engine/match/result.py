"""What an evaluation produces: findings, and the result of one profile on one day."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..load.profile import LoadedProfile
from .facts import DUE_SOON_DAYS

if TYPE_CHECKING:
    from ..load.catalog import CatalogSet
    from .ruleset import RuleSet



@dataclass
class Finding:
    id: str
    rule: str
    area: str
    requirement: str
    requirement_name: dict[str, str]
    status: str
    severity: str
    obligation: str
    deadline: _dt.date | None
    days_to_deadline: int | None
    fiscal_year: int | None
    deadline_class: str
    title: dict[str, str]
    message: dict[str, str]
    remediation: dict[str, str] | None
    evidence: list[dict[str, Any]]
    references: list[dict[str, Any]]
    department: str | None = None
    action: str | None = None
    cost_estimate: int | None = None
    waiver: dict[str, Any] | None = None
    # what the finding rests on (schema 2.0): the weakest basis among its evidence (engine.vocab
    # BASES), the date of the oldest evidence, its age on the evaluation date, and whether that
    # is older than the freshness window (--max-age)
    basis: str = "none"
    evidence_date: _dt.date | None = None
    data_age_days: int | None = None
    stale: bool = False
    # further aspects of the same requirement: plan coverage (true/false/null), the plan's
    # date and whether it lies after the deadline, why the duty does (not) apply, and the other
    # rules that matched (each with its status; the finding's status is the deciding rule's)
    in_plan: bool | None = None
    planned: str | None = None
    planned_after_deadline: bool | None = None
    applicability: dict[str, Any] | None = None
    also_matched: list[dict[str, Any]] = field(default_factory=list)
    legacy_ids: list[str] = field(default_factory=list)   # the 1.x IDs (profile, rule, requirement)


@dataclass
class Result:
    profile: LoadedProfile
    as_of: _dt.date
    findings: list[Finding]
    ruleset: "RuleSet"
    due_soon_days: int = DUE_SOON_DAYS
    max_age_days: int = 365
    notes: list[dict[str, str]] = field(default_factory=list)
    waivers: dict[str, Any] | None = None     # what engine.match.waivers.apply_waivers did (None: no waiver file)

    @property
    def catalogs(self) -> "CatalogSet":
        return self.ruleset.catalogs

    @property
    def rules_version(self) -> str:
        return self.ruleset.version

    @property
    def rule_files(self) -> tuple[dict[str, str], ...]:
        """[{path, sha256}] of the rule set's files."""
        return self.ruleset.rule_files
