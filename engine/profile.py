"""Loading a municipality's profile and checking it against the catalogs."""
from __future__ import annotations

from dataclasses import dataclass

from . import yamlio
from .catalog import CatalogSet
from .errors import GapcheckError
from .models import Profile
from .validation import InvalidInput, Problem, _suggest, validate


@dataclass
class LoadedProfile:
    profile: Profile
    document: yamlio.Document
    path: str


def check_against_catalogs(p: Profile, doc: yamlio.Document, cs: CatalogSet) -> list[GapcheckError]:
    """IDs and area facts in the profile must exist in the catalogs."""
    problems: list[GapcheckError] = []
    areas = list(cs.catalogs)
    for area, state in p.areas.items():
        base = ("areas", area)
        if area not in cs.catalogs:
            sug = _suggest(area, areas)
            problems.append(Problem(
                f"unknown area '{area}'", f"分野 '{area}' はカタログにありません",
                file=doc.file, line=doc.line_of(base), path=f"areas.{area}",
                hint_en=f"did you mean '{sug}'?" if sug else "areas: " + ", ".join(areas),
                hint_ja=f"'{sug}' の誤りではありませんか？" if sug else "分野: " + ", ".join(areas)))
            continue
        cat = cs.catalogs[area]
        ids = [it.id for it in cat.items]
        refs = [(("items", k), k) for k in state.items]
        refs += [(("plan_scope", i), k) for i, k in enumerate(state.plan_scope or [])]
        for sub, rid in refs:
            if rid not in ids:
                sug = _suggest(rid, ids)
                where = "elsewhere: " + cs.area_of(rid) if rid in cs.items else None
                problems.append(Problem(
                    f"'{rid}' is not a requirement of {area}" + (f" (it belongs to {cs.area_of(rid)})" if where else ""),
                    f"'{rid}' は {area} の要件ではありません" + (f"（{cs.area_of(rid)} の要件です）" if where else ""),
                    file=doc.file, line=doc.line_of(base + sub), path=f"areas.{area}.{sub[0]}",
                    hint_en=f"did you mean '{sug}'?" if sug else "see: gapcheck catalogs show " + area,
                    hint_ja=f"'{sug}' の誤りではありませんか？" if sug else "一覧: gapcheck catalogs show " + area))
        for key, val in state.facts.items():
            spec = cat.profile_facts.get(key)
            line = doc.line_of(base + ("facts", key))
            if spec is None:
                sug = _suggest(key, list(cat.profile_facts))
                problems.append(Problem(
                    f"'{key}' is not a fact the {area} catalog knows",
                    f"'{key}' は {area} で使える項目ではありません",
                    file=doc.file, line=line, path=f"areas.{area}.facts.{key}",
                    hint_en=(f"did you mean '{sug}'?" if sug else "allowed: " + (", ".join(cat.profile_facts) or "none")),
                    hint_ja=(f"'{sug}' の誤りではありませんか？" if sug else "使える項目: " + (", ".join(cat.profile_facts) or "なし"))))
            elif val is not None and spec.one_of and val not in spec.one_of:
                problems.append(Problem(
                    f"'{val}' is not allowed for {key}", f"{key} に '{val}' は使えません",
                    file=doc.file, line=line, path=f"areas.{area}.facts.{key}",
                    hint_en="expected one of " + ", ".join(spec.one_of),
                    hint_ja="次のいずれか: " + ", ".join(spec.one_of)))
    return problems


def load_profile(path: str, cs: CatalogSet) -> LoadedProfile:
    doc = yamlio.load(path)
    prof = validate(Profile, doc)
    problems = check_against_catalogs(prof, doc, cs)
    if problems:
        raise InvalidInput(problems)
    return LoadedProfile(prof, doc, str(path))
