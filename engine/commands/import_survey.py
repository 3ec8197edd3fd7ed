"""`gapcheck import-survey KIND FILE --edition E --output-dir DIR [--profiles EXISTING]`.

Writes one profile per municipality of the survey: a new profile, or a new copy of the existing
profile of the same code (from --profiles) with the survey's facts merged. Inputs are never
modified. Each imported statement has basis `survey`, the survey's reference date as its `as_of`
and a `source` naming the file, sheet, cell and the file's sha256. Every fact that changes a
profile is reported; a statement of the municipality's own records (basis record) dated on or
after the survey is kept, and reported as kept.
"""
from __future__ import annotations

import copy
import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GapcheckError
from ..load import localgov, surveys
from ..load import workbook_import as I
from ..load.statements import default_basis
from ..load.workbook_format import ATTRIBUTE_KEYS


@dataclass
class Change:
    profile: str
    requirement: str
    field: str
    old: Any
    new: Any
    cell: str
    kept: bool = False       # the profile's own record is as new: not changed

    def text(self, lang: str = "ja") -> str:
        show = lambda v: "不明" if v is None and lang == "ja" else ("unknown" if v is None else str(v).lower())  # noqa: E731
        if self.kept:
            return (f"{self.profile} {self.requirement} {self.field}: {show(self.old)} のまま（団体の記録の方が新しい; "
                    f"調査は {show(self.new)}, {self.cell}）" if lang == "ja" else
                    f"{self.profile} {self.requirement} {self.field}: kept {show(self.old)} (the profile's record is as "
                    f"new; the survey says {show(self.new)}, {self.cell})")
        return f"{self.profile} {self.requirement} {self.field}: {show(self.old)} → {show(self.new)} ({self.cell})"


@dataclass
class Report:
    survey: surveys.Survey
    written: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _as_date(v: Any) -> _dt.date | None:
    from ..load import jdate

    if v is None:
        return None
    try:
        return jdate.parse_span(v.isoformat() if isinstance(v, _dt.date) else v).end
    except (jdate.DateParseError, ValueError):
        return None


def to_v2(data: dict) -> dict:
    """A copy of a profile as version 2: the basis said, nhi_levied_as as municipality.nhi_levy."""
    d = copy.deepcopy(data)
    if d.get("profile_version") == 2:
        return d
    out: dict[str, Any] = {"profile_version": 2}
    for k, v in d.items():
        if k == "profile_version":
            continue
        out[k] = v
        if k == "as_of":
            out["basis"] = default_basis(d)
    m = dict(out.get("municipality") or {})
    facts = ((out.get("areas") or {}).get("elqr_levies") or {}).get("facts") or {}
    if "nhi_levied_as" in facts:
        m.setdefault("nhi_levy", facts.pop("nhi_levied_as"))
    for k in ATTRIBUTE_KEYS:
        m.setdefault(k, None)
    out["municipality"] = m
    return out


def _new_profile(code: str, survey: surveys.Survey) -> dict:
    from .init import prefecture_for

    known = localgov.lookup(code)
    pref = known.prefecture if known else prefecture_for(code, None)
    name = known.name if known else survey.names.get(code, "").removeprefix(pref) or code
    m = {"name": name, "code": code, "prefecture": pref, **{k: None for k in ATTRIBUTE_KEYS}}
    if code.endswith("0006") or code[2:5] == "000":
        m["type"] = "都道府県"
    return {"profile_version": 2, "id": f"m{code}", "municipality": m, "as_of": _iso(survey.as_of),
            "basis": "survey", "source": f"{survey.title} ({Path(survey.file).name}, sha256 {survey.sha256})",
            "areas": {}}


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, _dt.date) else str(v)


def merge(data: dict, facts: list[surveys.Fact], survey: surveys.Survey, pid: str) -> list[Change]:
    """Merge the survey's facts into `data` (a v2 profile dict, changed in place)."""
    changes = []
    area = data.setdefault("areas", {}).setdefault(survey.catalog, {}) or {}
    data["areas"][survey.catalog] = area
    items = area.setdefault("items", {}) or {}
    area["items"] = items
    p_basis, p_as_of = data.get("basis") or default_basis(data), _as_date(data.get("as_of"))
    s_as_of = _as_date(survey.as_of)
    name = Path(survey.file).name + (f"!{survey.member}" if survey.member else "")
    for f in facts:
        it = items.get(f.requirement)
        it = {"status": it} if isinstance(it, str) else dict(it or {})
        old = it.get(f.field)
        if f.field == "status" and old is not None:
            from ..load.models import _status

            old = _status(old)
        if old == f.value:
            continue
        basis = it.get("basis") or p_basis
        said_on = _as_date(it.get("as_of")) or p_as_of
        if old is not None and basis == "record" and said_on and s_as_of and said_on >= s_as_of:
            changes.append(Change(pid, f.requirement, f.field, old, f.value, f.cell, kept=True))
            continue
        src = f"{survey.title}: {name} {f.cell} (sha256 {survey.sha256})"
        said = {k: v for k, v in it.items() if k not in ("source", "note") and v is not None}
        it[f.field] = f.value
        if f.field == "status" or not said or said.get("status") in (None, "unknown"):
            # the whole statement is the survey's
            it.setdefault("status", "unknown")
            it["basis"], it["as_of"], it["source"] = "survey", _iso(survey.as_of), src
        else:
            # one aspect (designated) of a statement made elsewhere: the item keeps the weaker
            # basis and the older date of the two (a finding rests on its weakest, oldest evidence)
            from ..vocab import BASIS_RANK

            it["basis"] = max((basis, "survey"), key=lambda b: BASIS_RANK.get(b, 3))
            older = min(d for d in (said_on, s_as_of) if d) if (said_on or s_as_of) else None
            it["as_of"] = older.isoformat() if older else _iso(survey.as_of)
            it["source"] = f"{it['source']}; {f.field}: {src}" if it.get("source") else src
        items[f.requirement] = {k: it[k] for k in _order(it)}
        changes.append(Change(pid, f.requirement, f.field, old, f.value, f.cell))
    return changes


def _order(it: dict) -> list[str]:
    from ..load.statements import ITEM_FIELDS

    return [k for k in ITEM_FIELDS if k in it] + [k for k in it if k not in ITEM_FIELDS]


def run(kind: str, file: str, edition: str, cs, *, output_dir: str, profiles_dir: str | None = None,
        profile_version: int = 2) -> Report:
    from ..load.profile import check_document
    from ..load import yamlio
    from ..load.validation import InvalidInput
    from ..report.output import write_atomic
    from .workbook import profiles_by_code, read_profile_data

    survey = surveys.read_survey(kind, file, edition, cs)
    report = Report(survey)
    existing = profiles_by_code(profiles_dir)
    inputs = [file] + list(existing.values())
    out_dir = Path(output_dir)
    pending: list[tuple[str, str]] = []
    problems = []
    for code, facts in sorted(survey.by_code().items()):
        src = existing.get(code)
        data = to_v2(read_profile_data(src, cs)) if src else _new_profile(code, survey)
        pid = data["id"]
        report.changes += merge(data, facts, survey, pid)
        head = [f"# gapcheck import-survey {kind} --edition {edition}: {Path(file).name} (sha256 {survey.sha256})",
                f"# {survey.title}" + (f"; merged into a copy of {src}" if src else "; a new profile")]
        text = _dump(I.as_v1(data) if profile_version == 1 else data, head)
        check = text if (profile_version == 1 or I.model_reads_v2()) else _dump(I.as_v1(data), head)
        _p, probs = check_document(yamlio.parse(check, f"{pid}.yaml"), cs)
        errs = [p for p in probs if not getattr(p, "warning", False)]
        if errs:
            problems += errs
            continue
        pending.append((str(out_dir / f"{pid}.yaml"), text))
    if problems:
        raise InvalidInput(problems)
    from ..report.output import identities

    taken = identities(inputs)
    clash = [t for t, _ in pending if identities([t]) & taken]
    if clash:
        raise GapcheckError(
            f"--output-dir {output_dir} holds the input profiles ({', '.join(Path(c).name for c in clash)}): "
            "an input is never modified", f"--output-dir {output_dir} に入力のプロファイル（"
            f"{'、'.join(Path(c).name for c in clash)}）があります。入力は変更しません", file=clash[0],
            hint_en="write the new copies into another folder, e.g. --output-dir profiles-survey/",
            hint_ja="別のフォルダに書いてください（例: --output-dir profiles-survey/）")
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, text in pending:
        write_atomic(target, text, inputs)
        report.written.append(target)
    if not survey.facts:
        raise GapcheckError("the survey file states nothing gapcheck reads (no ● / 済 / 未 found)",
                            "調査ファイルから読み取れる記載がありません（●・済・未 が見つかりません）", file=file,
                            hint_en="check --edition and the file", hint_ja="--edition（版）とファイルを確認してください")
    return report


def _dump(data: dict, head: list[str]) -> str:
    import yaml

    body = yaml.dump(data, Dumper=I._Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=4096)
    return "\n".join(head) + "\n" + body
