"""Every rule's fire / no-fire examples, run by one generic test (like semgrep's rule tests)."""
import pytest

from gapcheck.engine.api import default_engine
from gapcheck.engine.commands.verify import run_examples

_engine = default_engine()
_results = run_examples(_engine)


def test_every_rule_has_fire_and_no_fire_examples():
    for rule in _engine.rules.rules:
        kinds = {ex.get("expect") for ex in rule.examples}
        assert {"fire", "no_fire"} <= kinds, rule.id


@pytest.mark.parametrize("res", _results, ids=[f"{r.rule}#{r.index}-{r.expect}" for r in _results])
def test_rule_example(res):
    assert res.passed, f"{res.file}:{res.line}: {res.detail}"


def test_examples_can_fail(engine):
    """The harness really checks: an example expecting the opposite outcome fails."""
    from gapcheck.engine.commands.verify import run_examples as run

    rule = engine.rules.by_id("base_systems.overdue")
    saved = rule.examples
    try:
        rule.examples = [dict(saved[0], expect="no_fire")]
        [r] = run(engine, "base_systems.overdue")
        assert not r.passed
        assert "fired for BS-JUKI" in r.detail
    finally:
        rule.examples = saved
