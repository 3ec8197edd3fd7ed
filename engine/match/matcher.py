"""The Matcher protocol: which rules hold on which facts.

    match(facts, label) -> [(rule id, fact id), ...]

Three implementations, all reading the one condition table (engine.match.conditions):

- DurableMatcher (engine.match.compiler): durable_rules' engine core, the production matcher;
- HostMatcher (engine.match.compiler): the same ruleset through durable_rules' Python Host,
  the reference the tests compare the production matcher with;
- PythonMatcher (here): plain Python predicates, the benchmark floor and a second opinion.
"""
from __future__ import annotations

from typing import Protocol, Sequence

from ..load.models import Rule
from . import conditions


class Matcher(Protocol):
    def match(self, facts: list, label: str) -> list[tuple[str, int]]:
        """The (rule id, fact id) pairs of every rule that holds on a fact; raises EngineError
        when matching failed (never a shorter list)."""


class PythonMatcher:
    """Rules as Python predicates, indexed by (fact kind, area)."""

    def __init__(self, rules: Sequence[Rule]):
        self.index: dict[tuple, list[tuple[str, conditions.Pred]]] = {}
        for rule in rules:
            key = (rule.fact, rule.catalog if rule.fact == "requirement" else None)
            self.index.setdefault(key, []).append((rule.id, conditions.predicate(rule.when)))
        common = self.index.pop(("requirement", "*"), [])
        self.common = common

    def match(self, facts: list, label: str = "") -> list[tuple[str, int]]:
        fired = []
        index = self.index
        for f in facts:
            d = f.data
            key = (d["kind"], d.get("area") if d["kind"] == "requirement" else None)
            for rule_id, pred in index.get(key, ()):
                if pred(d):
                    fired.append((rule_id, d["fid"]))
            if key[0] == "requirement":
                for rule_id, pred in self.common:
                    if pred(d):
                        fired.append((rule_id, d["fid"]))
        return fired
