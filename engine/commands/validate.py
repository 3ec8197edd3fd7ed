"""`gapcheck validate`: every problem of a profile at once, and warnings that do not stop a run.

Errors (the profile cannot be evaluated): what the loader finds — the file itself (encoding,
YAML syntax, duplicate keys), the model (missing and misspelt keys, wrong types, unknown values),
the catalog references (areas, requirement IDs, area facts) and contradicting values (a code and
its prefecture, a completion date after as_of), and an as_of after the evaluation date (which
`run` refuses). Warnings (the profile can be evaluated, but look again): stale data, current requirements the profile leaves out (they
are reported as unassessed), statements about requirements that are not assessed (prefectural or
withdrawn), done_on without status done, keys written in full-width characters.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..errors import GapcheckError, printable
from ..load import jdate, yamlio
from ..load.catalog import CatalogSet
from ..load.models import ITEM_STATUSES, Profile, _status
from ..load.profile import check_document
from ..load.validation import InvalidInput, Problem, as_problem, dotted
from ..vocab import MAX_AGE_DAYS


def year_before(d: _dt.date) -> _dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:          # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass
class FileReport:
    file: str
    problems: list[Problem] = field(default_factory=list)     # errors and warnings, in line order
    profile: Profile | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def valid(self) -> bool:
        return not self.errors and self.profile is not None


def _warn(doc: yamlio.Document, path: tuple, en: str, ja: str, code: str, **kw: Any) -> Problem:
    line, col = doc.position(path) if path else (None, None)
    return Problem(en, ja, file=doc.file, line=line, column=col, path=dotted(path) or None,
                   code=code, warning=True, **kw)


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _code_warnings(doc: yamlio.Document, muni: dict) -> list[Problem]:
    """A valid 団体コード that the list of local governments (engine/load/localgov.py) holds under
    another name: a typing error to check (a warning: the list may be older than a merger). A
    code the list does not hold is not reported (an example, or a newer code)."""
    from ..load import localgov
    from ..load.models import normalise_code

    try:
        code = normalise_code(muni.get("code"))
    except ValueError:
        return []                   # the model reports a malformed code
    if not isinstance(code, str):
        return []
    gov = localgov.lookup(code)
    name = muni.get("name")
    if gov is not None and isinstance(name, str) and name.strip() not in (gov.name, gov.name.split(" ")[-1]):
        return [_warn(doc, ("municipality", "name"),
                      f"the list of local governments ({localgov.SOURCE}) names {code} {gov.name}, not {name}",
                      f"地方公共団体の一覧（{localgov.SOURCE}）では {code} は{gov.name}です（{name} ではありません）",
                      "code-name",
                      found=name, expected_en=gov.name, expected_ja=gov.name,
                      hint_en="check the name and the code", hint_ja="団体名とコードを確認してください")]
    return []


def warnings_for(doc: yamlio.Document, cs: CatalogSet, as_of: _dt.date,
                 max_age: int = MAX_AGE_DAYS) -> list[Problem]:
    out: list[Problem] = []
    data = _dict(doc.data)

    for line, col, path, written, read in doc.notes:
        out.append(Problem(
            f"the key {written!r} is written with full-width characters or spaces; read as {read!r}",
            f"キー {written!r} に全角文字または空白があります。{read!r} として読みました", file=doc.file,
            line=line, column=col, path=path, code="normalised", warning=True,
            hint_en="write it in half-width (ASCII) characters, without spaces",
            hint_ja="半角英数字で、空白を入れずに書いてください"))

    out += _code_warnings(doc, _dict(data.get("municipality")))

    try:
        data_as_of = jdate.parse_day(data.get("as_of"))
    except (jdate.DateParseError, TypeError):
        data_as_of = None
    if data_as_of is not None:
        days = (as_of - data_as_of).days
        oldest = as_of - _dt.timedelta(days=max_age)
        if days > max_age:
            out.append(_warn(
                doc, ("as_of",),
                f"the data is from {data_as_of.isoformat()}, {days} days before {as_of.isoformat()}: "
                f"older than the freshness window ({max_age} days, --max-age), so the findings rest on old "
                "statements and unverified plans (reported as stale)",
                f"データ時点 {data_as_of.isoformat()} は {as_of.isoformat()} の {days} 日前です（鮮度の期間 "
                f"{max_age} 日超、--max-age）。古い記述と未検証の予定に基づく結果になります（「古い」と表示されます）", "stale",
                found=data.get("as_of"), expected_en=f"on or after {oldest.isoformat()}",
                expected_ja=f"{oldest.isoformat()} 以降",
                hint_en="ask the departments for the current state and update the statuses and as_of",
                hint_ja="各課に現況を照会し、状態と as_of を更新してください"))
        elif data_as_of > as_of:
            # an error, as in `gapcheck run` (evaluate refuses it with the same words): the
            # profile's "done" would be facts from after the evaluation date
            p = _warn(
                doc, ("as_of",),
                f"the evaluation date {as_of.isoformat()} is before the profile's as_of {data_as_of.isoformat()}",
                f"評価基準日 {as_of.isoformat()} がプロファイルのデータ時点 {data_as_of.isoformat()} より前です",
                "as-of-future", found=data.get("as_of"),
                expected_en=f"on or before the evaluation date {as_of.isoformat()}",
                expected_ja=f"評価基準日 {as_of.isoformat()} 以前",
                hint_en="use an --as-of on or after the profile's as_of (gapcheck run refuses it too), or check as_of",
                hint_ja="--as-of にはデータ時点以降の日付を指定してください（gapcheck run も実行しません）。"
                        "または as_of を確認してください")
            p.warning = False
            out.append(p)

    areas = _dict(data.get("areas"))
    for area, cat in cs.catalogs.items():
        live = cat.current_items(as_of)
        state = _dict(areas.get(area))
        items = _dict(state.get("items"))
        # an area default status speaks for the items the profile does not list
        covered = _dict(state.get("defaults")).get("status") not in (None, "unknown", "不明")
        missing = [] if covered else [it for it in live if it.id not in items]
        if missing:
            details_en = [f"{it.id}  {it.name.en}" for it in missing]
            details_ja = [f"{it.id}  {it.name.ja}" for it in missing]
            path = ("areas", area) if area in areas else (("areas",) if "areas" in data else ())
            if area in areas:
                en = (f"{len(missing)} of the {len(live)} current requirements of {area} are not in the "
                      "profile; they will be reported as unassessed")
                ja = (f"{area} の現行要件 {len(live)} 件のうち {len(missing)} 件がプロファイルにありません"
                      "（未評価として報告されます）")
            else:
                en = (f"the profile has no areas.{area}: its {len(live)} current requirements will be "
                      "reported as unassessed")
                ja = f"areas.{area} がありません。現行要件 {len(live)} 件はすべて未評価として報告されます"
            p = _warn(doc, path, en, ja, "missing-items",
                      hint_en="list them with --verbose; gapcheck init writes a profile with all of them",
                      hint_ja="--verbose で一覧を表示します。gapcheck init で全要件入りのプロファイルを作れます")
            p.details = details_en
            p.details_ja = details_ja          # type: ignore[attr-defined]
            out.append(p)
        for rid, st in items.items():
            if rid not in cs.items or cs.area_of(rid) != area:
                continue
            it = cs.item(rid)
            path = ("areas", area, "items", rid)
            if it.level == "prefectural":
                out.append(_warn(doc, path, f"{rid} is a prefectural requirement: it is not assessed for a "
                                            "municipality",
                                 f"{rid} は都道府県の要件です。市区町村のプロファイルでは評価しません",
                                 "not-assessed"))
            elif it.withdrawn and it.withdrawn <= as_of:
                by = f" (superseded by {it.superseded_by})" if it.superseded_by else ""
                by_ja = f"（後継: {it.superseded_by}）" if it.superseded_by else ""
                out.append(_warn(doc, path, f"{rid} was withdrawn on {it.withdrawn.isoformat()}{by}: it is "
                                            "not assessed",
                                 f"{rid} は {it.withdrawn.isoformat()} に廃止されました{by_ja}。評価しません",
                                 "not-assessed"))
            st = _dict(st)
            status = _status(st.get("status"))
            if st.get("done_on") is not None and status in ITEM_STATUSES and status != "done":
                out.append(_warn(doc, path + ("done_on",),
                                 f"done_on is given but the status is {status!r}, not done",
                                 f"done_on がありますが、状態が done ではなく {status!r} です", "done-on-status",
                                 found=status, expected_en="status: done", expected_ja="status: done"))
        scope = state.get("plan_scope")
        if isinstance(scope, list):
            seen: set = set()
            for i, rid in enumerate(scope):
                tok = yamlio.ascii_token(rid)
                if tok in seen:
                    out.append(_warn(doc, ("areas", area, "plan_scope", i), f"{tok} is listed twice",
                                     f"{tok} が2回書かれています", "duplicate"))
                seen.add(tok)
    return out


def validate_document(doc: yamlio.Document, cs: CatalogSet, as_of: _dt.date,
                      max_age: int = MAX_AGE_DAYS) -> FileReport:
    prof, problems = check_document(doc, cs)
    problems = list(problems) + warnings_for(doc, cs, as_of, max_age)
    problems.sort(key=lambda p: (p.warning, p.line or 0, p.column or 0))     # errors first
    return FileReport(doc.file, problems, prof)


def validate_profile(path: str, cs: CatalogSet, as_of: _dt.date | None = None,
                     max_age: int = MAX_AGE_DAYS) -> FileReport:
    """Every problem and warning of one profile file. Never raises for bad input."""
    as_of = as_of or _dt.date.today()
    try:
        doc = yamlio.load(str(path))
    except InvalidInput as e:          # e.g. every value with a control character
        return FileReport(str(path), [as_problem(p) for p in e.problems], None)
    except GapcheckError as e:
        return FileReport(str(path), [as_problem(e)], None)
    return validate_document(doc, cs, as_of, max_age)


def validate_files(paths: Iterable[str], cs: CatalogSet, as_of: _dt.date | None = None,
                   max_age: int = MAX_AGE_DAYS) -> list[FileReport]:
    import gc

    gc.enable()         # the work grows with the number of files (the command starts without it)
    return [validate_profile(p, cs, as_of, max_age) for p in paths]


# ---------------------------------------------------------------------------- rendering

def _details(p: Problem, lang: str) -> list[str]:
    return getattr(p, "details_ja", p.details) if lang == "ja" else p.details


def render_text(reports: list[FileReport], lang: str = "ja", verbose: bool = False) -> str:
    ja = lang == "ja"
    lines: list[str] = []
    for r in reports:
        ne, nw = len(r.errors), len(r.warnings)
        file = printable(r.file)
        if r.valid:
            head = (f"{file}: 妥当です（警告 {nw}件）" if ja else
                    f"{file}: valid ({nw} warning{'s' if nw != 1 else ''})")
        else:
            head = (f"{file}: 不正です（エラー {ne}件、警告 {nw}件）" if ja else
                    f"{file}: INVALID ({ne} error{'s' if ne != 1 else ''}, {nw} warning{'s' if nw != 1 else ''})")
        lines.append(head)
        for p in r.problems:
            word = ("警告" if ja else "warning") if p.warning else ("エラー" if ja else "error")
            body = p.render(lang, verbose=False)
            lines.append(f"  {word}: " + body.replace("\n", "\n  "))
            if verbose:
                lines += ["        " + d for d in _details(p, lang)]
    valid = sum(1 for r in reports if r.valid)
    if len(reports) > 1:
        lines.append(f"{len(reports)}ファイル: 妥当 {valid}、不正 {len(reports) - valid}" if ja else
                     f"{len(reports)} files: {valid} valid, {len(reports) - valid} invalid")
    return "\n".join(lines) + "\n"


def render_json(reports: list[FileReport], lang: str = "ja", as_of: _dt.date | None = None) -> str:
    out = {
        "as_of": as_of.isoformat() if as_of else None,
        "valid": all(r.valid for r in reports),
        "files": [{
            "file": r.file, "valid": r.valid, "errors": len(r.errors), "warnings": len(r.warnings),
            "problems": [dict(p.to_dict(lang), details=_details(p, lang)) for p in r.problems],
        } for r in reports],
    }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
