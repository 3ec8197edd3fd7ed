"""Every enumeration gapcheck knows, in one place (no imports: the CLI builds its choices from
these without loading the engine).

A new finding status, severity, obligation, output format or table style is one entry here
(and its words in engine.labels); the models, the formats and the CLI read these tuples.
"""
from __future__ import annotations

LANGS = ("ja", "en")

# finding statuses, worst first (the order of tables, summaries and the heat map)
# overdue: the evidence shows the deadline was missed; unverified: the deadline passed after the
# evidence was dated and nothing later says whether it was met; not_applicable: the municipality's
# attributes show the duty does not apply. Definitions: docs/RULES.md "Statuses".
FINDING_STATUSES = ("overdue", "unverified", "due_soon", "gap", "unassessed", "waived", "not_applicable", "ok")
# what a rule may decide: a finding status, or by_deadline (overdue, due_soon or gap by the
# deadline's distance); waived is applied after matching, never by a rule
RULE_STATUSES = ("overdue", "unverified", "gap", "due_soon", "unassessed", "not_applicable", "ok", "by_deadline")
SEVERITIES = ("critical", "high", "medium", "low", "info")
RULE_SEVERITIES = SEVERITIES + ("by_obligation",)
# legal: a duty in law; target: a national target or request with a date; recommendation: asked
# for, not required; optional: at the municipality's choice
# effort: a duty in law to endeavour (努力義務), weaker than legal, stronger than a target
OBLIGATIONS = ("legal", "effort", "target", "recommendation", "optional")
# what a fact rests on, strongest first: the municipality's own records, what the nation
# provides for everyone (the catalog's source), a survey answer, an intention in a plan, nothing
BASES = ("record", "national", "survey", "plan", "none")
BASIS_RANK = {"record": 0, "national": 0, "survey": 1, "plan": 2, "none": 3}   # higher: weaker
PROFILE_BASES = ("record", "survey", "plan")     # what a profile may say a fact rests on
MAX_AGE_DAYS = 365       # evidence older than this is stale (--max-age)
# what a municipality's profile says about itself, on which duties depend (catalog applies_if):
# attribute -> its allowed values (booleans: true / false; null is unknown)
MUNICIPALITY_TYPES = ("都道府県", "政令市", "中核市", "市", "町", "村", "特別区")
NHI_LEVIES = ("tax", "premium")        # 国民健康保険税 / 国民健康保険料
MUNICIPALITY_ATTRIBUTES = {
    "type": MUNICIPALITY_TYPES, "welfare_office": (True, False), "nhi_levy": NHI_LEVIES,
    "port": (True, False), "river": (True, False), "water": (True, False), "sewerage": (True, False),
    "building_official": (True, False), "industrial_waste_authority": (True, False),
    "health_center": (True, False),
}
# severity by finding status and the requirement's obligation (a rule's `severity: by_obligation`).
# Binding for overdue, unverified and unassessed: a rule of those statuses says by_obligation
# or the table's value (checked when rules are loaded). unverified is one step below overdue;
# unassessed is graver once the deadline has passed (its second table).
SEVERITY_BY_OBLIGATION = {
    "overdue": {"legal": "critical", "effort": "high", "target": "high", "recommendation": "medium",
                "optional": "low"},
    "unverified": {"legal": "high", "effort": "medium", "target": "medium", "recommendation": "low",
                   "optional": "info"},
    "due_soon": {"legal": "high", "effort": "medium", "target": "medium", "recommendation": "low",
                 "optional": "info"},
    "gap": {"legal": "high", "effort": "medium", "target": "medium", "recommendation": "low", "optional": "info"},
    "unassessed": {"legal": "medium", "effort": "medium", "target": "low", "recommendation": "low",
                   "optional": "info"},
    "not_applicable": {o: "info" for o in OBLIGATIONS},
    "ok": {o: "info" for o in OBLIGATIONS},
}
UNASSESSED_PAST_DUE = {"legal": "high", "effort": "medium", "target": "medium", "recommendation": "low",
                       "optional": "info"}
BINDING_SEVERITY = ("overdue", "unverified", "unassessed")
RULE_STAGES = ("applicability", "status")   # applicability rules decide before status rules
ACTIONS = ("system", "contract", "policy", "training", "survey", "other")
# what a profile may say about a requirement
ITEM_STATUSES = ("done", "in_progress", "planned", "not_started", "not_applicable", "unknown")

# output formats of `run` (engine.report.formats renders each); BINARY ones need --output
FORMATS = ("table", "json", "csv", "markdown", "html", "xlsx")
BINARY_FORMATS = frozenset({"xlsx"})
EXTENSIONS = {"table": ".txt", "json": ".json", "csv": ".csv", "markdown": ".md", "html": ".html",
              "xlsx": ".xlsx"}
TABLE_STYLES = ("simple", "grid", "github", "plain")
SUMMARY_FORMATS = ("table", "csv", "html", "json")       # the batch summary (engine.commands.rollup)
BUDGET_FORMATS = ("table", "json", "csv", "xlsx")
VIEW_FORMATS = ("table", "json")                         # catalogs, rules
DIFF_FORMATS = ("table", "json", "markdown")
VALIDATE_FORMATS = ("text", "json")
SCHEMA_KINDS = ("profile", "waivers", "findings")
# gapcheck import: the profile version written (2, docs/PROFILES.md; 1 for an engine that reads only 1)
IMPORT_PROFILE_VERSIONS = ("2", "1")
# gapcheck import-survey KIND: designated = デジタル庁 特定移行支援システムの該当見込み,
# online = 総務省 オンライン利用状況 (engine/load/survey_layouts.yaml describes their editions)
SURVEY_KINDS = ("designated", "online")
