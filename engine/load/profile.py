"""Loading a municipality's profile and checking it against the catalogs.

All problems of one profile are collected and reported together: the model's (missing and
misspelt keys, wrong types, unknown values), the catalog references (areas, requirement IDs,
area facts) and the values that contradict each other (a code and its prefecture, a completion
date after the profile's as_of). The reference and value checks read the raw document, so they
run even when the model finds problems elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from . import jdate
from . import yamlio
from .catalog import CatalogSet
from ..errors import GapcheckError
from .models import Profile, normalise_code
from .validation import InvalidInput, Problem, _suggest, did_you_mean, dotted, problems_from


@dataclass
class LoadedProfile:
    profile: Profile
    document: yamlio.Document
    path: str


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _id_suggestion(rid: str, cat, cs: CatalogSet) -> str | None:
    """An ID for a misspelt or mis-cased ID, or for an item written by its name (住民基本台帳)."""
    ids = [it.id for it in cat.items]
    sug = _suggest(rid, ids)
    if sug:
        return sug
    names = {it.name.ja: it.id for it in cat.items} | {it.name.en.lower(): it.id for it in cat.items}
    if rid in names or rid.lower() in names:
        return names.get(rid) or names[rid.lower()]
    close = _suggest(rid, [it.name.ja for it in cat.items])
    return next((it.id for it in cat.items if it.name.ja == close), None) if close else None


def reference_problems(doc: yamlio.Document, cs: CatalogSet) -> list[Problem]:
    """Areas, requirement IDs (items and plan_scope) and area facts must exist in the catalogs."""
    problems: list[Problem] = []
    areas_known = list(cs.catalogs)
    data = _dict(doc.data)
    for area, state in _dict(data.get("areas")).items():
        base = ("areas", area)
        if area not in cs.catalogs:
            sug = _suggest(str(area), areas_known)
            h_en, h_ja = did_you_mean(sug)
            problems.append(Problem(
                f"unknown area '{area}'", f"分野 '{area}' はカタログにありません",
                file=doc.file, line=doc.line_of(base), column=doc.position(base)[1], path=dotted(base),
                found=area, expected_en=", ".join(areas_known), expected_ja=", ".join(areas_known),
                hint_en=h_en or "the areas are listed by: gapcheck catalogs list",
                hint_ja=h_ja or "分野の一覧: gapcheck catalogs list", code="unknown-area"))
            continue
        if not isinstance(state, dict):
            continue
        cat = cs.catalogs[area]
        ids = cs.ids_of(area)
        # (only the unknown ones are collected: the common case is that every ID is known)
        refs: list[tuple[tuple, Any]] = [(("items", k), k) for k in _dict(state.get("items"))
                                         if not (isinstance(k, str) and k in ids)]
        scope = state.get("plan_scope")
        if isinstance(scope, list):
            refs += [(("plan_scope", i), yamlio.ascii_token(k)) for i, k in enumerate(scope)
                     if not (isinstance(k, str) and k in ids)]
        for sub, rid in refs:
            if not isinstance(rid, str) or rid in ids:
                continue
            path = base + sub
            other = cs.area_of(rid) if rid in cs.items else None
            if other:
                en = f"'{rid}' is a requirement of {other}, not of {area}"
                ja = f"'{rid}' は {area} ではなく {other} の要件です"
                h_en, h_ja = (f"move it under areas.{other}.{sub[0]}",
                              f"areas.{other}.{sub[0]} の下に移してください")
            else:
                en, ja = f"'{rid}' is not a requirement of {area}", f"'{rid}' は {area} の要件ではありません"
                h_en, h_ja = did_you_mean(_id_suggestion(rid, cat, cs))
                h_en = h_en or f"the IDs are listed by: gapcheck catalogs show {area}"
                h_ja = h_ja or f"要件IDの一覧: gapcheck catalogs show {area}"
            problems.append(Problem(
                en, ja, file=doc.file, line=doc.line_of(path), column=doc.position(path)[1],
                path=dotted(path), found=rid, hint_en=h_en, hint_ja=h_ja,
                expected_en=f"a requirement ID of the {area} catalog",
                expected_ja=f"{area} カタログの要件ID", code="unknown-id"))
        for rid, st in _dict(state.get("items")).items():
            reason = _dict(st).get("designation_reason")
            item = cs.items.get(rid, (None, None))[1] if isinstance(rid, str) else None
            reasons = item.extended_deadline.reasons if item is not None and item.extended_deadline else {}
            if reason is None or not reasons or str(reason) in reasons:
                continue
            path = base + ("items", rid, "designation_reason")
            listed = ", ".join(f"{k} ({v.ja})" for k, v in reasons.items())
            problems.append(Problem(
                f"'{reason}' is not a designation reason of the catalog", f"'{reason}' はカタログの事由（特定移行支援）にありません",
                file=doc.file, line=doc.line_of(path), column=doc.position(path)[1], path=dotted(path),
                found=reason, expected_en="one of " + ", ".join(reasons), expected_ja="次のいずれか: " + listed,
                code="not-allowed"))
        for key, val in _dict(state.get("facts")).items():
            path = base + ("facts", key)
            spec = cat.profile_facts.get(key)
            where = dict(file=doc.file, line=doc.line_of(path), column=doc.position(path)[1], path=dotted(path))
            if spec is None:
                allowed = ", ".join(cat.profile_facts) or "-"
                h_en, h_ja = did_you_mean(_suggest(str(key), list(cat.profile_facts)))
                problems.append(Problem(
                    f"'{key}' is not a fact the {area} catalog knows",
                    f"'{key}' は {area} で使える項目ではありません", found=key,
                    expected_en=f"one of: {allowed}" if cat.profile_facts else "no facts (this area declares none)",
                    expected_ja=f"次のいずれか: {allowed}" if cat.profile_facts else "なし（この分野には項目がありません）",
                    hint_en=h_en, hint_ja=h_ja, code="unknown-fact", **where))
                continue
            if val is None:
                continue
            val = yamlio.ascii_token(val)
            ok = {"string": isinstance(val, str),
                  "boolean": isinstance(val, bool),
                  "integer": isinstance(val, int) and not isinstance(val, bool)}.get(spec.type)
            if spec.type == "date":
                try:
                    jdate.parse_span(val)
                    ok = not isinstance(val, bool)
                except jdate.DateParseError:
                    ok = False
            kinds = {"string": ("text", "文字列"), "boolean": ("true or false", "true または false"),
                     "integer": ("a whole number", "整数"), "date": ("a date", "日付")}[spec.type]
            if not ok:
                problems.append(Problem(
                    f"{key} has the wrong type", f"{key} の値の種類が違います", found=val,
                    expected_en=kinds[0], expected_ja=kinds[1], code="type", **where))
            elif spec.one_of and str(val) not in spec.one_of:
                h_en, h_ja = did_you_mean(_suggest(str(val), list(spec.one_of)))
                problems.append(Problem(
                    f"{val!r} is not allowed for {key}", f"{key} に {val!r} は使えません", found=val,
                    expected_en="one of " + ", ".join(spec.one_of),
                    expected_ja="次のいずれか: " + ", ".join(spec.one_of),
                    hint_en=h_en, hint_ja=h_ja, code="not-allowed", **where))
    return problems


_SUFFIXES = ("都", "道", "府", "県")


def _same_prefecture(written: str, name: str) -> bool:
    w = written.strip()
    return w == name or (name.endswith(_SUFFIXES) and name != "北海道" and w == name[:-1])


def value_problems(doc: yamlio.Document) -> list[Problem]:
    """Values that contradict each other: a code and its prefecture, dates after as_of,
    a plan that ends before it starts. Unreadable values are left to the model's checks."""
    from .prefectures import PREFECTURES

    problems: list[Problem] = []
    data = _dict(doc.data)

    def where(path: tuple) -> dict:
        return dict(file=doc.file, line=doc.line_of(path), column=doc.position(path)[1], path=dotted(path))

    muni = _dict(data.get("municipality"))
    try:
        code = normalise_code(muni.get("code"))
    except ValueError:
        code = None
    if isinstance(code, str) and len(code) == 6:
        pref = PREFECTURES.get(code[:2])
        written = muni.get("prefecture")
        if pref is None:
            problems.append(Problem(
                f"the code {code} starts with {code[:2]}, which is no prefecture code",
                f"コード {code} の上2桁 {code[:2]} は都道府県コードではありません", found=muni.get("code"),
                expected_en="a code whose first two digits are 01 to 47 (JIS X 0401)",
                expected_ja="上2桁が 01〜47（JIS X 0401 都道府県コード）のコード",
                code="code-prefecture", **where(("municipality", "code"))))
        elif isinstance(written, str) and not _same_prefecture(yamlio.ascii_token(written), pref):
            problems.append(Problem(
                f"the prefecture does not match the code: {code} is a code of {pref}",
                f"都道府県がコードと合いません: {code} は{pref}のコードです", found=written,
                expected_en=f"{pref} (from the code's first two digits, {code[:2]})",
                expected_ja=f"{pref}（コードの上2桁 {code[:2]} から）",
                hint_en="check both the code and the prefecture", hint_ja="コードと都道府県の両方を確認してください",
                code="code-prefecture", **where(("municipality", "prefecture"))))

    try:
        as_of = jdate.parse_day(data.get("as_of")) if data.get("as_of") is not None else None
    except jdate.DateParseError:
        as_of = None
    if as_of is not None:
        for area, state in _dict(data.get("areas")).items():
            for rid, st in _dict(_dict(state).get("items")).items():
                done = st.get("done_on") if isinstance(st, dict) else None
                if done is None:
                    continue
                path = ("areas", area, "items", rid, "done_on")
                try:
                    span = jdate.parse_span(done)
                except jdate.DateParseError:
                    continue
                if span.start > as_of:
                    problems.append(Problem(
                        f"done_on {span.text or done} is after the profile's as_of ({as_of.isoformat()}): "
                        "a completion date cannot lie in the future of the data",
                        f"done_on {span.text or done} がプロファイルの as_of（{as_of.isoformat()}）より後です。"
                        "完了日はデータ時点より後にはなりません", found=done,
                        expected_en=f"a date on or before {as_of.isoformat()}",
                        expected_ja=f"{as_of.isoformat()} 以前の日付",
                        hint_en=f"if it is a plan, write status: planned and planned: {done}; "
                                "if the data is newer, update as_of",
                        hint_ja=f"予定なら status: planned、planned: {done} と書いてください。"
                                "データが新しいなら as_of を更新してください",
                        code="done-after-as-of", **where(path)))

    plan = _dict(data.get("plan"))
    try:
        start = jdate.parse_span(plan["period_start"]) if plan.get("period_start") is not None else None
        end = jdate.parse_span(plan["period_end"]) if plan.get("period_end") is not None else None
    except jdate.DateParseError:
        start = end = None
    if start and end and end.end < start.start:
        problems.append(Problem(
            "the plan ends before it starts", "計画期間の終わりが始まりより前です", found=plan.get("period_end"),
            expected_en=f"on or after period_start ({start.start.isoformat()})",
            expected_ja=f"period_start（{start.start.isoformat()}）以降", code="plan-period",
            **where(("plan", "period_end"))))
    return problems


def check_against_catalogs(p: Profile | None, doc: yamlio.Document, cs: CatalogSet) -> list[GapcheckError]:
    """IDs and area facts in the profile must exist in the catalogs; values must agree."""
    return sorted(reference_problems(doc, cs) + value_problems(doc), key=_order)


def _order(p: GapcheckError) -> tuple:
    return (p.line or 0, p.column or 0)


def check_document(doc: yamlio.Document, cs: CatalogSet) -> tuple[Profile | None, list[Problem]]:
    """The profile (None when the model rejects it) and every problem found, in line order."""
    prof = None
    problems: list[Problem] = []
    try:
        prof = Profile.model_validate(doc.data)
    except ValidationError as err:
        problems += problems_from(err, doc, Profile)
    seen = {(p.path, p.line) for p in problems}
    for p in reference_problems(doc, cs) + value_problems(doc):
        if (p.path, p.line) not in seen:
            problems.append(p)
    problems.sort(key=_order)
    return prof, problems


def load_profile(path: str, cs: CatalogSet) -> LoadedProfile:
    doc = yamlio.load(path)
    prof, problems = check_document(doc, cs)
    if problems or prof is None:
        raise InvalidInput(problems or [Problem("the profile is not valid", "プロファイルが正しくありません",
                                                file=doc.file)])
    return LoadedProfile(prof, doc, str(path))
