"""The rule-author documentation lists every fact field and placeholder the compiler accepts."""
from gapcheck.engine.match.facts import PROFILE_FIELDS, REQUIREMENT_FIELDS
from gapcheck.engine.load.rules import MESSAGE_PLACEHOLDERS
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")


def test_every_fact_field_is_documented():
    missing = [f for f in list(REQUIREMENT_FIELDS) + list(PROFILE_FIELDS) if f"`{f}`" not in DOC]
    assert not missing


def test_every_placeholder_is_documented():
    assert not [p for p in MESSAGE_PLACEHOLDERS if "{" + p + "}" not in DOC]


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    cmd = "pip install '.[test]' && python -m pytest tests"
    assert cmd in readme.split("```")[1] and cmd in ci
