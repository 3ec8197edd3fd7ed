"""The compiled rule set: everything derived once from the catalogs and rules.

    ruleset = compile(catalogs, rules)          # once per process (or per batch worker)
    result = evaluate(ruleset, profile, day)    # engine.match.evaluate, any number of times

A RuleSet holds, per rule, the fields its conditions test, its references and its budget
action; per requirement, its name, citations and position; the catalog and rule files with
their digests and editions; the matcher (durable_rules by default); and every rule's conditions
as a Python predicate, which the safety net asks before it calls a requirement unassessed. Its one memo is the
catalog part of the facts for an evaluation date (the same for every profile evaluated on that
day), and rendered message texts (formatted once per distinct values).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..load.catalog import CatalogSet, cite
from ..load.models import Item, Rule
from ..load.rules import RuleBook
from . import conditions
from .matcher import Matcher

UNMATCHED_RULE = "gapcheck.unmatched"
EVERY_AREA = "*"        # a rule's catalog: the common rules, which apply to every area


@dataclass(frozen=True)
class CompiledRule:
    """One rule with what is derived from it alone."""

    rule: Rule
    fields: tuple[str, ...]          # the fact fields its conditions test (evidence), in order
    refs: tuple[dict[str, Any], ...]  # its own references, as findings cite them
    action: str | None               # its budget action, if it overrides the requirement's


@dataclass(frozen=True)
class CompiledRequirement:
    """One catalog requirement with what findings take from it."""

    item: Item
    area: str
    name: dict[str, str]
    citations: tuple[dict[str, Any], ...]
    extended_citations: tuple[dict[str, Any], ...]    # cited when its extended deadline applies
    order: int


def _unique(seq) -> tuple:
    return tuple(dict.fromkeys(seq))


class RuleSet:
    """Compiled catalogs and rules (see the module docstring). Treat it as immutable."""

    def __init__(self, catalogs: CatalogSet, book: RuleBook,
                 matcher: Callable[[list[Rule]], Matcher] | None = None):
        if matcher is None:
            from .compiler import DurableMatcher

            matcher = DurableMatcher
        self.catalogs = catalogs
        self.book = book
        self.version = book.version
        self.rules: dict[str, CompiledRule] = {r.id: self._compile_rule(r) for r in book.rules}
        self.requirements: dict[str, CompiledRequirement] = {}
        for i, (req_id, (cat, item)) in enumerate(catalogs.items.items()):
            self.requirements[req_id] = CompiledRequirement(
                item=item, area=cat.area, name={"ja": item.name.ja, "en": item.name.en},
                citations=tuple(cite(cat, item.citation)),
                extended_citations=tuple(cite(cat, item.extended_deadline.citation))
                if item.extended_deadline else (), order=i)
        self.area_order = {a: i for i, a in enumerate(catalogs.catalogs)}
        # the safety net's rule per area (a requirement no rule spoke about)
        self.unmatched = {cat.area: self._compile_rule(_unmatched_rule(cat.area))
                          for cat in catalogs.catalogs.values()}
        self.rule_files = tuple(
            {"path": f"{Path(f).parent.name}/{Path(f).name}", "sha256": d.sha256}
            for f, d in sorted(book.documents.items(), key=lambda kv: Path(kv[0]).name))
        self.catalog_files = tuple(sorted(
            ({"kind": "catalog", "path": f"{Path(doc.file).parent.name}/{Path(doc.file).name}",
              "sha256": doc.sha256} for doc in catalogs.documents.values()), key=lambda i: i["path"]))
        self.editions = catalogs.editions()
        # the files read to build this rule set: no output may ever replace one of them
        self.input_paths = tuple(sorted({d.file for d in catalogs.documents.values()} |
                                        set(book.documents)))
        # every rule's conditions as a Python predicate (the condition table's), compiled once:
        # the safety net's cross-check (engine.match.evaluate) asks them whether a rule holds on
        # a requirement before calling it unassessed. Requirement rules by area, profile rules
        # by the requirement they report on.
        self.predicates: dict[str, tuple[tuple[str, conditions.Pred], ...]] = {}
        self.profile_predicates: dict[str, tuple[tuple[str, conditions.Pred], ...]] = {}
        for r in book.rules:
            table, key = ((self.predicates, r.catalog) if r.fact == "requirement"
                          else (self.profile_predicates, r.requirement))
            table[key] = table.get(key, ()) + ((r.id, conditions.predicate(r.when)),)
        self._area_predicates = {a: self.predicates.get(a, ()) + self.predicates.get(EVERY_AREA, ())
                                 for a in catalogs.catalogs}
        self.matcher: Matcher = matcher(book.rules)
        self._day: tuple[tuple, Any] | None = None
        self.messages: dict[tuple, str] = {}

    def _compile_rule(self, rule: Rule) -> CompiledRule:
        refs = tuple({"source": "rule", "title": r, "locator": None, "date": None,
                      "url": r if r.startswith("http") else None} for r in rule.references)
        return CompiledRule(rule=rule, fields=_unique(conditions.fields(rule.when)), refs=refs,
                            action=rule.action or ("survey" if rule.status == "unassessed" else None))

    def predicates_for(self, area: str) -> tuple[tuple[str, conditions.Pred], ...]:
        """The requirement rules of an area as predicates: its own and the common ones ("*")."""
        return self._area_predicates.get(area, ())

    def with_matcher(self, matcher: Callable[[list[Rule]], Matcher]) -> "RuleSet":
        """The same catalogs and rules with another matcher (tests, the benchmark floor)."""
        return RuleSet(self.catalogs, self.book, matcher)

    def day_plans(self, as_of: _dt.date, window: int, build: Callable[[], Any]) -> Any:
        """The catalog part of the facts for one evaluation date and due-soon window: built by
        `build()` once, kept for the next profile evaluated on the same day."""
        key = (as_of, window)
        if self._day is None or self._day[0] != key:
            self._day = (key, build())
        return self._day[1]


def _unmatched_rule(area: str) -> Rule:
    """The safety net's rule: constant and valid (a test validates it), so it is built without
    validation, which would build the Rule validator on every run for nine constant rules."""
    from ..load.models import Text

    return Rule.model_construct(
        id=UNMATCHED_RULE, catalog=area, fact="requirement", requirement=None, stage="status",
        when=[{"stated": True}], status="unassessed", severity="by_obligation", obligation=None,
        title=Text.model_construct(ja="判定するルールがない要件", en="No rule assessed this requirement"),
        message=Text.model_construct(
            ja="{requirement_name}: プロファイルの状態（{status}）を判定するルールがないため未評価です",
            en="{requirement_name}: no rule assesses the profile's status ({status}), so it is unassessed"),
        remediation=None, references=[], tags=[], action=None,
        examples=[{"expect": "fire"}, {"expect": "no_fire"}])


def compile(catalogs: CatalogSet, rules: RuleBook,
            matcher: Callable[[list[Rule]], Matcher] | None = None) -> RuleSet:
    """Compile catalogs and rules into a RuleSet (matching with durable_rules by default)."""
    return RuleSet(catalogs, rules, matcher)
