"""gapcheck's library: a pipeline whose folders are its stages.

    load/      files -> checked catalogs, profiles and rules (yamlio, jdate, models, catalog, profile, rules)
    match/     compile(catalogs, rules) -> RuleSet; evaluate(ruleset, profile, day) -> Result
               (conditions, compiler, matcher, facts, evaluate)
    report/    Result -> the result model -> table, json, csv, markdown, html, xlsx
    commands/  batch, budget, diff, validate, init, explain, schema, verify: over the stages

api.py is the front door (``from gapcheck import api``); vocab.py lists every enumeration and
labels.py every word shown, in Japanese and English; errors.py the errors and exit codes.
"""
__version__ = "0.1.0"
TOOL_NAME = "gapcheck"
