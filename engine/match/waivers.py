"""Waivers: an approved, dated decision to accept a finding for now.

A waiver file (YAML) lists waivers; each names a rule (optionally narrowed to one requirement
and/or one profile) or one finding ID, with a justification, who approved it and when it
expires.  ``apply_waivers`` is a library step between evaluate and report:

    result = evaluate(...)
    result = apply_waivers(result, load_waivers("w.yaml", catalogs, rules), result.as_of)

- A waiver in force (expiry on or after the evaluation date) turns the open findings it matches
  into status ``waived``; each keeps its place in the list and carries the waiver, with the
  status it would otherwise have (``original_status``).
- An expired waiver (expiry before the evaluation date) no longer applies: the finding keeps its
  real status and carries the waiver with ``expired: true``.
- A waiver that matches no open finding is reported as unmatched; one narrowed to another
  profile is listed under ``other_profiles`` (a waiver file may serve several municipalities).

Passed findings (status ok) are never waived.  Waived findings never count toward --fail-on.

Schema 2.0 (one finding per requirement):
- A rule waiver matches the finding of a requirement when that rule decided it or is among
  the rules that also matched it; narrowed to one requirement, it also follows that requirement
  when another rule decides it now with a status at least as grave (so a finding that became
  worse is reported as outgrown, never dropped silently). A rule of the 1.x rule set that no longer exists
  (RETIRED_RULES) is accepted and reported as unmatched, with the reason.
- A finding waiver matches by the 2.0 ID (profile, requirement) or by a 1.x ID (profile, rule,
  requirement) of any rule of the requirement's area, or of a retired rule of it; the output
  says it was matched by an old ID (`matched_by: legacy_id`).
- A waiver covers only the status it was granted for (`status:`; without it, the status of the
  rule it names, or due_soon for a rule whose status follows the deadline). A finding that has
  become worse (e.g. due_soon -> overdue) is not hidden: it keeps its status and carries the
  waiver marked `outgrown`, and the waiver is listed under `outgrown`.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from pydantic import BaseModel, Field, field_validator, model_validator

from ..load import yamlio
from ..errors import GapcheckError
from .result import Result
from ..load.models import Day, Deadline, Strict
from ..vocab import FINDING_STATUSES
from ..load.validation import InvalidInput, Problem, _suggest, did_you_mean, dotted, validate

FINDING_ID = re.compile(r"GC-[0-9a-f]{12}")
GRANTABLE = ("overdue", "unverified", "due_soon", "gap", "unassessed")
# rules of the 1.x rule set that no longer exist (plan coverage and a claimed 対象外 are now
# attributes of the one finding, or decided by rules/common.yaml), with the status they gave
RETIRED_RULES = {
    "base_systems.not_in_plan": "gap", "base_systems.not_applicable_claimed": "gap",
    "elqr_levies.nhi_other_route": "ok", "elqr_levies.declared_not_applicable": "gap",
    "elqr_levies.not_in_plan": "gap", "online_procedures.not_in_plan": "gap",
    "online_procedures.declared_not_applicable": "gap", "security.unassessed_legal": "unassessed",
}
_ORDER = {s: i for i, s in enumerate(FINDING_STATUSES)}


class Waiver(BaseModel):
    """One waiver, as written in a waiver file."""
    model_config = Strict
    id: Optional[str] = None                 # the organisation's own reference, e.g. W-2026-003
    rule: Optional[str] = None               # a rule ID, e.g. base_systems.not_in_plan
    finding: Optional[str] = None            # or one finding ID (GC- + 12 hex digits)
    requirement: Optional[str] = None        # narrows a rule waiver to one requirement
    profile: Optional[str] = None            # narrows a rule waiver to one profile id
    status: Optional[Literal[GRANTABLE]] = None   # the finding status it was granted for
    justification: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    approved_on: Optional[Day] = None
    expires: Deadline                        # any accepted date form; 令和8年度末 -> 2027-03-31
    note: Optional[str] = None

    @field_validator("finding")
    @classmethod
    def _finding_form(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not FINDING_ID.fullmatch(v):
            raise ValueError("a finding ID is GC- and 12 hex digits, e.g. GC-7be826fe2dda "
                             "(the ID column of gapcheck run)")
        return v

    @field_validator("justification", "approved_by")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @model_validator(mode="after")
    def _target(self) -> "Waiver":
        if (self.rule is None) == (self.finding is None):
            raise ValueError("a waiver names either a rule (rule:) or one finding (finding:), not both")
        if self.finding is not None and (self.requirement or self.profile):
            raise ValueError("requirement: and profile: narrow a rule waiver; a finding ID is already "
                             "specific to one profile, rule and requirement")
        return self


class WaiverFile(BaseModel):
    model_config = Strict
    waivers: list[dict[str, Any]] = Field(default_factory=list)   # each checked as a Waiver


@dataclass
class Waivers:
    """A loaded waiver file: the waivers, with the line each starts on."""

    file: str
    sha256: str
    items: list[Waiver] = field(default_factory=list)
    lines: list[int | None] = field(default_factory=list)


# Japanese for the model's own checks (pydantic gives the English text)
_JA = {
    "a waiver names either a rule": "waiver には rule:（ルール）か finding:（指摘ID）のどちらか一方を指定してください",
    "requirement: and profile: narrow a rule waiver":
        "requirement: と profile: は rule: の waiver を絞り込むためのものです（指摘IDは既に1件を特定しています）",
    "a finding ID is GC- and 12 hex digits": "指摘IDは GC- と16進12桁です（例: GC-7be826fe2dda。gapcheck run の ID 列）",
    "must not be blank": "空欄にはできません",
}


def load_waivers(path: str, catalogs=None, rules=None) -> Waivers:
    """Read and check a waiver file; with catalogs and rules, IDs are checked against them."""
    doc = yamlio.load(str(path), expect_mapping=False)
    if isinstance(doc.data, list):          # a bare list of waivers is accepted too
        entries, prefix = doc.data, ()
    elif isinstance(doc.data, dict):
        entries, prefix = validate(WaiverFile, doc).waivers, ("waivers",)
    else:
        raise GapcheckError("a waiver file holds `waivers:` followed by a list of waivers",
                            "waiver ファイルには `waivers:` とその下に waiver のリストを記述してください",
                            file=doc.file, line=1,
                            hint_en="see profiles/waivers/uchinada.waivers.yaml",
                            hint_ja="例: profiles/waivers/uchinada.waivers.yaml")
    problems: list[GapcheckError] = []
    items: list[Waiver] = []
    lines: list[int | None] = []
    rule_ids = [r.id for r in rules.rules] + list(RETIRED_RULES) if rules is not None else None
    req_ids = list(catalogs.items) if catalogs is not None else None
    for i, raw in enumerate(entries):
        base = prefix + (i,)
        if not isinstance(raw, dict):
            problems.append(Problem("a waiver is a mapping (rule:, justification:, approved_by:, expires: ...)",
                                    "waiver は「キー: 値」の形式で記述してください（rule:, justification:, approved_by:, expires: など）",
                                    file=doc.file, line=doc.line_of(base), path=dotted(base)))
            continue
        try:
            w = validate(Waiver, doc, data=raw, base=base)
        except InvalidInput as e:
            for p in e.problems:
                p.ja = next((ja for en, ja in _JA.items() if p.en.startswith(en)), p.ja)
            problems += e.problems
            continue
        checks = (("rule", w.rule, rule_ids, "rule", "ルール", "gapcheck rules list", "gapcheck rules list"),
                  ("requirement", w.requirement, req_ids, "requirement", "要件",
                   "gapcheck catalogs show AREA", "gapcheck catalogs show 分野"))
        for key, value, known, what_en, what_ja, see_en, see_ja in checks:
            if known is None or value is None or value in known:
                continue
            hint_en, hint_ja = did_you_mean(_suggest(value, known), "see: " + see_en, "一覧: " + see_ja)
            problems.append(Problem(
                f"unknown {what_en} '{value}'", f"{what_ja} '{value}' はありません",
                file=doc.file, line=doc.line_of(base + (key,)), path=dotted(base + (key,)),
                hint_en=hint_en, hint_ja=hint_ja))
        items.append(w)
        lines.append(doc.line_of(base))
    if problems:
        raise InvalidInput(problems)
    return Waivers(file=str(path), sha256=doc.sha256, items=items, lines=lines)


def _describe(w: Waiver, line: int | None, file: str, as_of: _dt.date) -> dict[str, Any]:
    return {
        "ref": f"{file}:{line}" if line else file,
        "line": line,
        "id": w.id,
        "rule": w.rule,
        "finding": w.finding,
        "requirement": w.requirement,
        "profile": w.profile,
        "justification": w.justification,
        "approved_by": w.approved_by,
        "approved_on": w.approved_on.isoformat() if w.approved_on else None,
        "expires": w.expires.isoformat(),
        "expired": w.expires < as_of,
        "note": w.note,
    }


def _matches(w: Waiver, f, profile_id: str, legacy: set[str]) -> str | None:
    """How the waiver matches the finding: "id", "legacy_id", "rule", or None."""
    if w.finding is not None:
        if f.id == w.finding:
            return "id"
        return "legacy_id" if w.finding in legacy else None
    if w.profile is not None and w.profile != profile_id:
        return None
    rules = {f.rule} | {a["rule"] for a in f.also_matched}
    if w.rule in rules and (w.requirement is None or f.requirement == w.requirement):
        return "rule"
    if w.requirement is not None and f.requirement == w.requirement:
        # narrowed to one requirement that another rule decides now: followed, so that a finding
        # that became worse is seen (outgrown), never silently dropped
        return "requirement"
    return None


def granted_status(w: Waiver, rule_status: dict[str, str], legacy_rule: str | None = None) -> str:
    """The status a waiver was granted for: its own `status:`, else its rule's (due_soon for a
    rule whose status follows the deadline)."""
    if w.status:
        return w.status
    rule = w.rule or legacy_rule
    st = rule_status.get(rule) or RETIRED_RULES.get(rule) if rule else None
    return st if st in GRANTABLE else "due_soon"


def apply_waivers(result: Result, waivers: Waivers | None, as_of: _dt.date | None = None) -> Result:
    """A new Result with the waivers applied (the input is not changed).

    Each open finding takes the first waiver in force that matches it (file order); when only
    expired waivers match, it keeps its status and carries the first of them, marked expired.
    """
    if waivers is None:
        return result
    from .evaluate import legacy_id

    as_of = as_of or result.as_of
    profile_id = result.profile.profile.id
    rule_status = {r.id: r.status for r in result.ruleset.book.rules}
    descs = [_describe(w, ln, waivers.file, as_of) for w, ln in zip(waivers.items, waivers.lines)]
    matched: list[list[str]] = [[] for _ in waivers.items]
    outgrown: list[list[str]] = [[] for _ in waivers.items]
    by_legacy: list[bool] = [False] * len(waivers.items)
    retired_by_area: dict[str, list[str]] = {}
    for r in RETIRED_RULES:
        retired_by_area.setdefault(r.split(".")[0], []).append(r)
    wants_ids = any(w.finding is not None for w in waivers.items)
    area_rules: dict[str, list[str]] = {}
    for r in result.ruleset.book.rules:
        for a in ([r.catalog] if r.catalog != "*" else list(result.ruleset.catalogs.catalogs)):
            area_rules.setdefault(a, []).append(r.id)
    findings = []
    for f in result.findings:
        chosen, how_chosen = None, None
        if f.status not in ("ok", "not_applicable"):
            legacy: dict[str, str] = {}
            if wants_ids:
                # a 1.x ID names (profile, rule, requirement): any rule of the area may have given it
                rules = area_rules.get(f.area, []) + retired_by_area.get(f.area, [])
                legacy = {legacy_id(profile_id, r, f.requirement): r for r in rules}
            for i, w in enumerate(waivers.items):
                how = _matches(w, f, profile_id, set(legacy))
                if how is None:
                    continue
                granted = granted_status(w, rule_status, legacy.get(w.finding) if how == "legacy_id" else None)
                if how == "requirement" and _ORDER[f.status] > _ORDER[granted]:
                    continue       # another rule, a milder status: not what the waiver was about
                if how == "requirement":
                    how = "rule"
                if _ORDER[f.status] < _ORDER[granted] and not descs[i]["expired"]:
                    outgrown[i].append(f.id)       # worse than what was accepted: not hidden
                    if chosen is None:
                        chosen, how_chosen = i, ("outgrown", granted, how)
                    continue
                matched[i].append(f.id)
                by_legacy[i] = by_legacy[i] or how == "legacy_id"
                if (chosen is None or how_chosen[0] == "outgrown"
                        or (descs[chosen]["expired"] and not descs[i]["expired"])):
                    chosen, how_chosen = i, ("covers", granted, how)
        if chosen is None:
            findings.append(f)
            continue
        kind, granted, how = how_chosen
        d = dict(descs[chosen], original_status=f.status, granted_status=granted, matched_by=how,
                 outgrown=kind == "outgrown")
        hide = kind == "covers" and not d["expired"]
        findings.append(dataclasses.replace(f, waiver=d, status="waived" if hide else f.status))
    report: dict[str, Any] = {"file": waivers.file, "sha256": waivers.sha256, "count": len(waivers.items),
                              "applied": [], "expired": [], "outgrown": [], "unmatched": [], "other_profiles": []}
    for i, w in enumerate(waivers.items):
        entry = dict(descs[i], findings=matched[i], matched_by_legacy_id=by_legacy[i])
        if outgrown[i]:
            report["outgrown"].append(dict(entry, findings=outgrown[i]))
        if w.profile is not None and w.profile != profile_id:
            report["other_profiles"].append(entry)
        elif not matched[i]:
            if not outgrown[i]:
                if w.rule in RETIRED_RULES:
                    entry["reason"] = "retired_rule"
                report["unmatched"].append(entry)
        elif descs[i]["expired"]:
            report["expired"].append(entry)
        else:
            report["applied"].append(entry)
    return dataclasses.replace(result, findings=findings, waivers=report)
