"""Reports: one result model, many formats. Every format is rendered from `to_dict(result)`."""
from __future__ import annotations

from collections import Counter
from typing import Any

from .. import TOOL_NAME, __version__
from ..load import jdate
from ..match.result import Finding, Result
from ..labels import LABELS  # noqa: F401  (report.LABELS: the labels every format uses)
from ..load.models import FINDING_STATUSES, SEVERITIES

SCHEMA_VERSION = "2.0"   # 1.1: inputs and waivers; 2.0: one finding per requirement, basis and age
# (docs/OUTPUTS.md "Schema 2.0")


def summary(findings: list[Finding]) -> dict[str, Any]:
    by_status = Counter(f.status for f in findings)
    by_sev = Counter(f.severity for f in findings if f.status not in ("ok", "waived"))
    by_area: dict[str, dict[str, int]] = {}
    for f in findings:
        by_area.setdefault(f.area, {s: 0 for s in FINDING_STATUSES})[f.status] += 1
    return {
        "total": len(findings),
        "by_status": {s: by_status.get(s, 0) for s in FINDING_STATUSES},
        "by_severity": {s: by_sev.get(s, 0) for s in SEVERITIES},
        "by_area": dict(sorted(by_area.items())),
    }


def fails_on(open_by_severity: dict[str, int], threshold: str) -> bool:
    """--fail-on: an open finding (by_severity of `summary`: neither ok nor waived) at or above
    `threshold` exists. The one test of --fail-on, for a run and a batch alike."""
    limit = SEVERITIES.index(threshold)
    return any(n and SEVERITIES.index(sev) <= limit for sev, n in open_by_severity.items())


def finding_dict(f: Finding, lang: str) -> dict[str, Any]:
    return {
        "id": f.id,
        "rule": f.rule,
        "area": f.area,
        "requirement": f.requirement,
        "requirement_name": f.requirement_name[lang],
        "requirement_name_ja": f.requirement_name["ja"],
        "status": f.status,
        "severity": f.severity,
        "obligation": f.obligation,
        "deadline": f.deadline.isoformat() if f.deadline else None,
        "days_to_deadline": f.days_to_deadline,
        "fiscal_year": f.fiscal_year,
        "fiscal_year_label": jdate.fy_label(f.fiscal_year, lang) if f.fiscal_year else None,
        "deadline_class": f.deadline_class,
        "title": f.title[lang],
        "message": f.message[lang],
        "remediation": f.remediation[lang] if f.remediation else None,
        "department": f.department,
        "action": f.action,
        "cost_estimate": f.cost_estimate,
        "evidence": f.evidence,
        "references": f.references,
        "waiver": f.waiver,
        "basis": f.basis,
        "evidence_date": f.evidence_date.isoformat() if f.evidence_date else None,
        "data_age_days": f.data_age_days,
        "stale": f.stale,
        "in_plan": f.in_plan,
        "planned": f.planned,
        "planned_after_deadline": f.planned_after_deadline,
        "applicability": None if f.applicability is None else {
            "applies": f.applicability["applies"], "requires": f.applicability["requires"],
            "missing": f.applicability["missing"], "reason": f.applicability["reason"].get(lang)},
        "also_matched": f.also_matched,
        "legacy_ids": f.legacy_ids,
    }


def area_names(result: Result, lang: str) -> dict[str, str]:
    """area -> the catalog's name of it in `lang` (the area ID where a catalog has none)."""
    out = {}
    for a, cat in result.ruleset.catalogs.catalogs.items():
        name = getattr(cat, "name", None)
        out[a] = (name.get(lang) if isinstance(name, dict) else getattr(name, lang, None)) or a
    return out


def inputs(result: Result) -> list[dict[str, Any]]:
    """Every input file of the run with its sha256: profile, catalogs, rule files, waiver file."""
    lp = result.profile
    out = [{"kind": "profile", "path": lp.path, "sha256": lp.document.sha256}]
    out += [dict(c) for c in result.ruleset.catalog_files]
    out += [{"kind": "rules", "path": r["path"], "sha256": r["sha256"]} for r in result.rule_files]
    if result.waivers is not None:
        out.append({"kind": "waivers", "path": result.waivers["file"], "sha256": result.waivers["sha256"]})
    return out


def select(findings: list[Finding], status=None, severity=None, area=None) -> list[Finding]:
    """The findings a filter shows (--status, --severity, --area: each a list of allowed values,
    empty or None: any). --fail-on never looks at this: it reads every finding."""
    status, severity, area = set(status or ()), set(severity or ()), set(area or ())
    return [f for f in findings
            if (not status or f.status in status) and (not severity or f.severity in severity)
            and (not area or f.area in area)]


def _selection(sel: dict | None) -> dict[str, list[str]] | None:
    sel = {k: sorted(v) for k, v in (sel or {}).items() if v}
    return sel or None


def to_dict(result: Result, lang: str = "ja", selection: dict | None = None) -> dict[str, Any]:
    """The one result model every format renders from (its JSON form is the `json` format;
    docs/schema/findings.schema.json describes it).

    `selection` ({"status": [...], "severity": [...], "area": [...]}, from --status, --severity,
    --area) keeps only the findings it allows: `findings` and `summary` are those shown, and
    `selection` records the filter with the total counts of the run."""
    lp = result.profile
    p = lp.profile
    sel = _selection(selection)
    findings = select(result.findings, **sel) if sel else result.findings
    names = {a: c.name for a, c in result.ruleset.catalogs.catalogs.items()}
    out = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "lang": lang,
        "as_of": result.as_of.isoformat(),
        "due_soon_days": result.due_soon_days,
        "max_age_days": result.max_age_days,
        "profile": {
            "id": p.id, "name": p.municipality.name, "name_en": p.municipality.name_en,
            "code": p.municipality.code, "prefecture": p.municipality.prefecture,
            "path": lp.path, "as_of": p.as_of.isoformat(), "sha256": lp.document.sha256,
            "profile_version": p.profile_version, "basis": p.default_basis,
            "data_age_days": (result.as_of - p.as_of).days,
            "stale": (result.as_of - p.as_of).days > result.max_age_days,
        },
        "catalogs": {a: {**e, "name": {"ja": names[a].ja, "en": names[a].en}} if a in names else dict(e)
                     for a, e in result.ruleset.editions.items()},
        # each area's name as its catalog gives it, in the report's language (headings, HTML)
        "area_names": area_names(result, lang),
        "rules_version": result.rules_version,
        "inputs": inputs(result),
        "summary": summary(findings),
        "waivers": result.waivers,
        "findings": [finding_dict(f, lang) for f in findings],
    }
    if sel:
        total = summary(result.findings)
        out["selection"] = {**sel, "shown": len(findings), "total": total["total"],
                            "total_by_status": total["by_status"]}
    return out


def render_json(result: Result, lang: str = "ja") -> str:
    from .formats import render_dict

    return render_dict(to_dict(result, lang), "json")


def render_table(result: Result, lang: str = "ja", style: str = "simple") -> str:
    from .formats import render_dict

    return render_dict(to_dict(result, lang), "table", style=style)


def render(result: Result, fmt: str = "table", lang: str = "ja", selection: dict | None = None,
           **opts) -> str | bytes:
    """Render a result in one of engine.report.formats.FORMATS (xlsx gives bytes, the others text);
    `selection`: see to_dict."""
    from .formats import render_dict

    return render_dict(to_dict(result, lang, selection), fmt, **opts)
