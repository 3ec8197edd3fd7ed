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
BUDGET_FORMATS = ("table", "json", "csv")
VIEW_FORMATS = ("table", "json")                         # catalogs, rules
DIFF_FORMATS = ("table", "json", "markdown")
VALIDATE_FORMATS = ("text", "json")
SCHEMA_KINDS = ("profile", "waivers", "findings")
# gapcheck import: the profile version written (2, CONTRACT.md; 1 for an engine that reads only 1)
IMPORT_PROFILE_VERSIONS = ("2", "1")
# gapcheck import-survey KIND: designated = デジタル庁 特定移行支援システムの該当見込み,
# online = 総務省 オンライン利用状況 (engine/load/survey_layouts.yaml describes their editions)
SURVEY_KINDS = ("designated", "online")
