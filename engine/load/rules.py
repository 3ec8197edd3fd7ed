"""Loading and checking rule files (rules/*.yaml).

A rule is data: which facts it matches (`when`), the finding it produces (status, severity,
message templates in ja and en), its obligation class, references and examples.  See
docs/RULES.md for the format.  Everything is checked here, before compilation, so a typo in a
rule file is an error with its line, not a rule that silently never fires.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from . import yamlio
from .catalog import CatalogSet
from ..errors import GapcheckError
from ..match.facts import PROFILE_FIELDS, REQUIREMENT_FIELDS
from .models import Rule, RuleFile
from .validation import InvalidInput, Problem, _suggest, validate
from ..match.conditions import OPERATORS, iter_conditions
from ..vocab import BINDING_SEVERITY, SEVERITY_BY_OBLIGATION


# Placeholders every message may use, besides the fact's own fields.
MESSAGE_PLACEHOLDERS = {
    "requirement_id", "requirement_name", "municipality", "deadline", "original_deadline",
    "extended_deadline", "days_left", "days_overdue", "planned", "value", "expected",
    "plan_count", "catalog_count", "plan_end", "profile_as_of", "department", "as_of",
    "fiscal_year", "rule_id", "plan_title", "applicability_reason", "applicability_keys", "designated_until", "statement_as_of",
    "basis",
}
COMMON = "*"      # a rule of every area (rules/common.yaml): its ID starts with "common."


@dataclass
class RuleBook:
    """All rules of one run, in a stable order, with the digest of their source files."""

    rules: list[Rule] = field(default_factory=list)
    documents: dict[str, yamlio.Document] = field(default_factory=dict)   # file -> doc
    rule_files: dict[str, str] = field(default_factory=dict)              # rule id -> file
    version: str = ""
    digest: str = ""

    def by_id(self, rid: str) -> Rule:
        for r in self.rules:
            if r.id == rid:
                return r
        raise KeyError(rid)


def allowed_fields(rule: Rule, cs: CatalogSet) -> set[str]:
    if rule.fact == "profile":
        return set(PROFILE_FIELDS)
    out = set(REQUIREMENT_FIELDS)
    if rule.catalog == COMMON:
        return out
    cat = cs.catalogs.get(rule.catalog)
    if cat:
        for it in cat.items:
            out.update("attr_" + k for k in it.attrs)
        out.update("area_" + k for k in cat.profile_facts)
        out.update("area_" + k for k in cat.derived_facts)
    return out


def _check_rule(rule: Rule, idx: int, doc: yamlio.Document, cs: CatalogSet) -> list[GapcheckError]:
    probs: list[GapcheckError] = []
    base = ("rules", idx)

    def err(en, ja, sub=(), hint_en=None, hint_ja=None):
        probs.append(Problem(en, ja, file=doc.file, line=doc.line_of(base + sub),
                             path=f"rules[{idx}] {rule.id}", hint_en=hint_en, hint_ja=hint_ja))

    if rule.catalog == COMMON:
        if rule.fact != "requirement":
            err("a common rule (catalog: \"*\") is a requirement rule", "共通ルール（catalog: \"*\"）は requirement ルールです",
                ("fact",))
        if rule.id.split(".")[0] != "common":
            err("a common rule's ID starts with 'common.'", "共通ルールのIDは 'common.' で始めてください", ("id",))
    elif rule.catalog not in cs.catalogs:
        err(f"catalog '{rule.catalog}' does not exist", f"カタログ '{rule.catalog}' がありません", ("catalog",),
            "catalogs: " + ", ".join(cs.catalogs), "カタログ: " + ", ".join(cs.catalogs))
        return probs
    elif rule.id.split(".")[0] != rule.catalog:
        err(f"rule ID must start with its catalog's area '{rule.catalog}.'",
            f"ルールIDは分野名 '{rule.catalog}.' で始めてください", ("id",))
    if rule.fact == "profile":
        if not rule.requirement:
            err("a profile rule must name the requirement it reports on (requirement:)",
                "profile ルールには報告対象の要件（requirement:）が必要です", ("fact",))
        elif rule.catalog in cs.catalogs and rule.requirement not in [i.id for i in cs.catalogs[rule.catalog].items]:
            err(f"requirement '{rule.requirement}' is not in catalog {rule.catalog}",
                f"要件 '{rule.requirement}' はカタログ {rule.catalog} にありません", ("requirement",))
    elif rule.requirement:
        err("only profile rules name a requirement; requirement rules report on each matching one",
            "requirement: は profile ルールでのみ使えます", ("requirement",))
    if rule.status in BINDING_SEVERITY and rule.severity != "by_obligation":
        want = SEVERITY_BY_OBLIGATION[rule.status].get(rule.obligation) if rule.obligation else None
        if rule.status == "unassessed" or want != rule.severity:
            err(f"a rule of status {rule.status} takes its severity from the table (severity: by_obligation)"
                + (f"; for {rule.obligation} it is {want}" if want and rule.status != "unassessed" else ""),
                f"状態 {rule.status} のルールの重大度は表で決まります（severity: by_obligation）"
                + (f"。{rule.obligation} なら {want} です" if want and rule.status != "unassessed" else ""),
                ("severity",), "docs/RULES.md, Severity", "docs/RULES.md「重大度」を参照してください")
    fields = allowed_fields(rule, cs)
    for fld, op, arg, p in iter_conditions(rule.when, ("when",)):
        if fld is None or op is None:
            err("a condition is one `field: value`, `field: {op: value}`, `any: [...]` or `all: [...]`",
                "条件は `項目: 値`、`項目: {演算子: 値}`、`any: [...]`、`all: [...]` のいずれかです", p)
            continue
        if fld not in fields:
            sug = _suggest(fld, sorted(fields))
            err(f"unknown fact field '{fld}'", f"事実の項目 '{fld}' はありません", p,
                f"did you mean '{sug}'?" if sug else "see docs/RULES.md for the fields",
                f"'{sug}' の誤りではありませんか？" if sug else "docs/RULES.md の項目一覧を参照してください")
        spec = OPERATORS.get(op)
        if spec is None:
            err(f"unknown operator '{op}'", f"演算子 '{op}' はありません", p,
                "operators: " + ", ".join(OPERATORS), "演算子: " + ", ".join(OPERATORS))
        elif not spec.arg_ok(arg):
            err(f"'{op}' takes {spec.arg_en}", f"'{op}' には{spec.arg_ja}が必要です", p)
    allowed_ph = MESSAGE_PLACEHOLDERS | fields
    for name in ("title", "message", "remediation"):
        txt = getattr(rule, name)
        if txt is None:
            continue
        for lang in ("ja", "en"):
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(getattr(txt, lang)) if f]
            except ValueError as e:
                err(f"{name}.{lang}: bad placeholder syntax ({e})", f"{name}.{lang}: 差し込み記法の誤り（{e}）", (name, lang))
                continue
            for ph in names:
                if ph not in allowed_ph:
                    sug = _suggest(ph, sorted(allowed_ph))
                    err(f"{name}.{lang}: unknown placeholder {{{ph}}}", f"{name}.{lang}: 差し込み項目 {{{ph}}} はありません",
                        (name, lang), f"did you mean {{{sug}}}?" if sug else None,
                        f"{{{sug}}} の誤りではありませんか？" if sug else None)
    expects = {str(e.get("expect")) for e in rule.examples if isinstance(e, dict)}
    if not {"fire", "no_fire"} <= expects:
        err("a rule needs at least one example that fires and one that does not",
            "ルールには発火する例と発火しない例が最低1つずつ必要です", ("examples",))
    return probs


def load_rules(cs: CatalogSet, directory: str | Path | None = None) -> RuleBook:
    directory = Path(directory) if directory else paths.rules_dir()
    files = paths.yaml_files(directory, "rule", "ルール")
    book = RuleBook()
    problems: list[GapcheckError] = []
    h = hashlib.sha256()
    versions = set()
    for f in files:
        doc = yamlio.load(str(f))
        h.update(f.name.encode() + b"\0" + doc.sha256.encode() + b"\0")
        rf = validate(RuleFile, doc)
        versions.add(rf.ruleset_version)
        book.documents[doc.file] = doc
        for i, rule in enumerate(rf.rules):
            problems += _check_rule(rule, i, doc, cs)
            if rule.id in book.rule_files:
                problems.append(Problem(f"rule ID {rule.id} is used twice (also in {book.rule_files[rule.id]})",
                                        f"ルールID {rule.id} が重複しています（{book.rule_files[rule.id]}）",
                                        file=doc.file, line=doc.line_of(("rules", i, "id"))))
            book.rule_files[rule.id] = doc.file
            book.rules.append(rule)
    if problems:
        raise InvalidInput(problems)
    book.digest = h.hexdigest()
    book.version = "+".join(sorted(versions)) + "-" + book.digest[:8]
    return book


def rule_line(book: RuleBook, rule: Rule) -> tuple[str, int | None]:
    """File and line where a rule is defined (for explain and verify)."""
    f = book.rule_files[rule.id]
    doc = book.documents[f]
    for i, r in enumerate(doc.data.get("rules", [])):
        if isinstance(r, dict) and r.get("id") == rule.id:
            return f, doc.line_of(("rules", i))
    return f, None

