"""`gapcheck workbook`: the survey workbook (調査票) of one municipality, or of many.

The workbook has an instructions sheet (説明), the municipality's attributes (団体), one sheet per
area with a row per current requirement (Catalog.current_items), the area facts (分野の事実) and
the plan (計画); engine/load/workbook_format.py is its layout, engine/load/workbook_import.py reads
it back. Drop-down lists (data validation) and sheet protection without a password keep the
structure: the locked columns (ID, 要件名, 義務の種類, 期限, 出典) and the hidden key row cannot be
changed by accident, and the workbook's structure is protected, so sheets cannot be renamed,
deleted or moved. Written with openpyxl (the one library among those at hand that writes data
validation and protection); every file through engine.report.output.write_atomic.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import GapcheckError
from ..labels import OBLIGATION_NAMES
from ..load import jdate, localgov
from ..load import workbook_format as F
from ..load.amounts import AmountError, parse_amount, yen_text
from ..load.models import BilingualValueError, _status, normalise_code
from ..load.statements import default_basis, municipality as municipality_of, statements

DATE_FORMAT = "yyyy-mm-dd"
_HEAD_FILL = "DDEBF7"
_LOCKED_FILL = "F2F2F2"


@dataclass
class Written:
    path: str
    code: str
    name: str
    prefilled_from: str | None = None
    notes: list[str] = field(default_factory=list)


def _openpyxl():
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise GapcheckError("the workbook commands need openpyxl: pip install openpyxl",
                            "調査票の作成・読込には openpyxl が必要です: pip install openpyxl") from None
    import openpyxl

    return openpyxl


# ---------------------------------------------------------------------------- cell values

def _as_day(v: Any) -> _dt.date | None:
    """A date cell where the text names one day; None where it names a month, a fiscal year..."""
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        span = jdate.parse_span(v)
    except (jdate.DateParseError, ValueError):
        return None
    if span.is_day and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v).strip()):
        return span.start
    return None


def _date_cell(v: Any) -> Any:
    if v is None:
        return None
    d = _as_day(v)
    return d if d is not None else str(v)


def _yesno(v: Any) -> str | None:
    return None if v is None else (F.YES if v else F.NO)


def _cost_cell(yen: Any, approx: Any) -> Any:
    if yen is None:
        return None
    try:
        n, said_approx = parse_amount(yen)
    except AmountError:
        return str(yen)
    return ("約" + yen_text(n)) if (approx or said_approx) and approx is not False else n


def _deadline_text(item) -> str:
    parts = []
    if item.deadline:
        parts.append(jdate.date_label(item.deadline, "ja"))
    elif item.effective_from:
        parts.append(f"{item.effective_from.isoformat()} から")
    if item.extended_deadline:
        parts.append(f"延長: {jdate.date_label(item.extended_deadline.deadline, 'ja')}"
                     f"（{item.extended_deadline.name.ja}）")
    return "\n".join(parts)


def _citation_text(cs, item) -> str:
    return "; ".join(" ".join(x for x in (c["title"], c.get("locator")) if x) for c in cs.citations(item))


# ---------------------------------------------------------------------------- the workbook

def build(cs, data: dict | None, *, as_of: _dt.date, name: str | None = None, code: str | None = None,
          prefecture: str | None = None, profile_id: str | None = None):
    """The workbook (an openpyxl Workbook) for a profile (`data`, as read from YAML) or, with
    data None, an empty one for the municipality `name`/`code`."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.workbook.protection import WorkbookProtection

    if data is not None:
        muni = municipality_of(data)
        st = statements(data, cs, as_of)
        basis = default_basis(data)
        pid = data.get("id")
        p_as_of = data.get("as_of")
        p_source = F.strip_provenance(data.get("source"))
        plan = data.get("plan") or {}
        area_facts = {a: dict((s or {}).get("facts") or {}) for a, s in (data.get("areas") or {}).items()}
    else:
        muni = {"name": name, "name_en": None, "code": code, "prefecture": prefecture,
                **{k: None for k in F.ATTRIBUTE_KEYS}}
        muni["type"] = _type_from_name(code or "", name or "")
        st = {a: {it.id: {} for it in cat.current_items(as_of)} for a, cat in cs.catalogs.items()}
        basis, pid, p_as_of, p_source, plan, area_facts = "survey", profile_id or f"m{code}", None, None, {}, {}

    wb = openpyxl.Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD_FILL)
    locked_fill = PatternFill("solid", fgColor=_LOCKED_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    def protect(ws):
        ws.protection.sheet = True          # no password: the structure is kept, not secret
        ws.protection.formatColumns = False  # widths may be changed
        ws.protection.formatRows = False

    def list_validation(ws, words, ref, title):
        dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=title,
                            error="一覧から選んでください / choose from the list")
        ws.add_data_validation(dv)
        dv.add(ref)

    # --- 説明
    readme = wb.active
    readme.title = F.SHEET_README

    # --- 団体
    ws = wb.create_sheet(F.SHEET_MUNICIPALITY)
    ws.append(["key", "項目 / item", "値 / value", "説明 / note"])
    values = {"profile.id": pid, "profile.as_of": _date_cell(p_as_of), "profile.basis": F.BASIS_WORDS.get(basis),
              "profile.source": p_source}
    for r, (key, ja, en, kind) in enumerate(F.MUNICIPALITY_ROWS, start=F.KV_FIRST_ROW):
        v = values.get(key) if key.startswith("profile.") else muni.get(key)
        if kind == "yesno":
            v = _yesno(v)
        elif kind == "nhi":
            v = F.NHI_WORDS.get(v, v) if v else None
        ws.cell(r, 1, key)
        ws.cell(r, 2, f"{ja} / {en}")
        c = ws.cell(r, F.KV_VALUE_COL, v)
        c.protection = unlocked
        if kind == "date":
            c.number_format = DATE_FORMAT
        note = {"yesno": "はい / いいえ / 不明", "nhi": "国保税 / 国保料 / 不明",
                "type": " / ".join(F.MUNICIPAL_TYPES), "code": "検査数字付き6桁 / 6 digits with the check digit",
                "date": "日付（和暦可）/ a date (和暦 accepted)",
                "basis": "記録 / 調査回答 / 計画"}.get(kind, "")
        ws.cell(r, 4, note)
        ref = f"C{r}"
        if kind == "yesno":
            list_validation(ws, F.YESNO_WORDS, ref, ja)
        elif kind == "nhi":
            list_validation(ws, (*F.NHI_WORDS.values(), F.UNKNOWN), ref, ja)
        elif kind == "type":
            list_validation(ws, F.MUNICIPAL_TYPES, ref, ja)
        elif kind == "basis":
            list_validation(ws, F.BASIS_WORDS.values(), ref, ja)
    _kv_sheet_style(ws, bold, head_fill)
    protect(ws)

    # --- one sheet per area
    meta = {F.FORMAT_NAME: F.FORMAT_VERSION, "gapcheck_version": __version__, "as_of": as_of.isoformat()}
    for area, cat in cs.catalogs.items():
        items = cat.current_items(as_of)
        if not items:
            continue
        meta[f"edition.{area}"] = cat.edition
        meta[f"ids.{area}"] = ",".join(it.id for it in items)
        ws = wb.create_sheet(F.sheet_name(area, cat.name.ja))
        meta[f"sheet.{area}"] = ws.title
        for col, (key, ja, en, kind, width) in enumerate(F.COLUMNS, start=1):
            ws.cell(F.KEY_ROW, col, key)
            h = ws.cell(F.HEAD_JA_ROW, col, ja)
            h.font, h.fill = bold, head_fill
            e = ws.cell(F.HEAD_EN_ROW, col, en)
            e.font, e.fill = Font(italic=True, size=9), head_fill
            ws.column_dimensions[_col_letter(col)].width = width
        ws.row_dimensions[F.KEY_ROW].hidden = True
        ws.freeze_panes = ws.cell(F.FIRST_ROW, 3)
        last = F.FIRST_ROW + len(items) - 1
        for r, it in enumerate(items, start=F.FIRST_ROW):
            s = st.get(area, {}).get(it.id, {})
            note = s.get("note")
            na_reason = None
            if isinstance(note, str) and note.startswith(F.NA_REASON_PREFIX):
                first, _, rest = note.partition("\n")
                na_reason, note = first[len(F.NA_REASON_PREFIX):], (rest or None)
            status = _status(s.get("status")) if s.get("status") is not None else None
            row = {
                "id": it.id, "name": f"{it.name.ja}\n{it.name.en}",
                "obligation": OBLIGATION_NAMES["ja"].get(it.obligation, it.obligation),
                "deadline": _deadline_text(it), "citation": _citation_text(cs, it),
                "status": F.STATUS_WORDS.get(status, status) if status else None,
                "done_on": _date_cell(s.get("done_on")), "planned": _date_cell(s.get("planned")),
                "designated": _yesno(s.get("designated")),
                "designated_until": _date_cell(s.get("designated_until")),
                "designation_reason": s.get("designation_reason"), "value": s.get("value"),
                "in_plan": _yesno(s.get("in_plan")), "basis": F.BASIS_WORDS.get(s.get("basis"), s.get("basis")),
                "as_of": _date_cell(s.get("as_of")), "source": F.strip_provenance(s.get("source")),
                "department": s.get("department"),
                "cost_estimate": _cost_cell(s.get("cost_estimate"), s.get("cost_approximate")),
                "na_reason": na_reason, "note": note,
            }
            for col, (key, _ja, _en, kind, _w) in enumerate(F.COLUMNS, start=1):
                c = ws.cell(r, col, row[key])
                if kind == "locked":
                    c.fill, c.alignment = locked_fill, wrap
                else:
                    c.protection = unlocked
                    if kind == "date":
                        c.number_format = DATE_FORMAT
                    elif kind == "amount":
                        c.number_format = "#,##0"
            if it.expect and it.expect.one_of:
                list_validation(ws, it.expect.one_of, f"{_col_letter(F.COLUMN_KEYS.index('value') + 1)}{r}", "値")
        if last >= F.FIRST_ROW:
            for key, words in (("status", F.STATUS_WORDS.values()), ("designated", F.YESNO_WORDS[:2]),
                               ("in_plan", F.YESNO_WORDS), ("basis", F.BASIS_WORDS.values())):
                letter = _col_letter(F.COLUMN_KEYS.index(key) + 1)
                list_validation(ws, words, f"{letter}{F.FIRST_ROW}:{letter}{last}", key)
        protect(ws)

    # --- 分野の事実
    ws = wb.create_sheet(F.SHEET_FACTS)
    ws.append(["area", "fact", "分野 / area", "事実 / fact", "値 / value", "説明 / description"])
    r = 2
    for area, cat in cs.catalogs.items():
        for key, spec in cat.profile_facts.items():
            if (area, key) in F.FACTS_ON_MUNICIPALITY:
                continue
            v = area_facts.get(area, {}).get(key)
            if spec.type == "boolean":
                v = _yesno(v)
            elif spec.type == "date":
                v = _date_cell(v)
            ws.cell(r, 1, area)
            ws.cell(r, 2, key)
            ws.cell(r, 3, F.sheet_name(area, cat.name.ja))
            ws.cell(r, 4, key)
            c = ws.cell(r, F.FACT_VALUE_COL, v)
            c.protection = unlocked
            if spec.type == "date":
                c.number_format = DATE_FORMAT
            choices = (list(spec.one_of) if spec.one_of else
                       list(F.YESNO_WORDS) if spec.type == "boolean" else None)
            ws.cell(r, 6, f"{spec.description.ja} / {spec.description.en}"
                          + (f"（{' / '.join(choices)}）" if choices else "")).alignment = wrap
            if choices:
                list_validation(ws, choices, f"E{r}", key)
            r += 1
    _kv_sheet_style(ws, bold, head_fill, facts=True)
    protect(ws)

    # --- 計画
    ws = wb.create_sheet(F.SHEET_PLAN)
    ws.append(["key", "項目 / item", "値 / value", "説明 / note"])
    successor = plan.get("successor") or {}
    for r, (key, ja, en, kind) in enumerate(F.PLAN_ROWS, start=F.KV_FIRST_ROW):
        v = successor.get(key.split(".", 1)[1]) if key.startswith("successor.") else plan.get(key)
        if kind == "yesno":
            v = _yesno(v)
        elif kind == "date":
            v = _date_cell(v)
        ws.cell(r, 1, key)
        ws.cell(r, 2, f"{ja} / {en}")
        c = ws.cell(r, F.KV_VALUE_COL, v)
        c.protection = unlocked
        if kind == "date":
            c.number_format = DATE_FORMAT
            ws.cell(r, 4, "日付・月・年度（和暦可）/ a day, month or fiscal year")
        if kind == "yesno":
            list_validation(ws, F.YESNO_WORDS, f"C{r}", ja)
    _kv_sheet_style(ws, bold, head_fill)
    protect(ws)

    # --- hidden meta sheet and the defined name
    ws = wb.create_sheet(F.SHEET_META)
    for k, v in meta.items():
        ws.append([k, v])
    ws.sheet_state = "hidden"
    protect(ws)
    _define_name(wb, F.FORMAT_NAME, f'"{F.FORMAT_VERSION}"')

    _write_readme(readme, cs, muni, pid, as_of, meta, bold, wrap)
    protect(readme)
    wb.security = WorkbookProtection(lockStructure=True)    # no password: sheets stay as they are
    return wb


def _define_name(wb, name: str, text: str) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    dn = DefinedName(name, attr_text=text)
    try:
        wb.defined_names[name] = dn          # openpyxl >= 3.1
    except TypeError:                        # pragma: no cover - older openpyxl
        wb.defined_names.append(dn)


def _col_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def _kv_sheet_style(ws, bold, fill, facts: bool = False) -> None:
    for c in ws[1]:
        c.font, c.fill = bold, fill
    ws.column_dimensions["A"].hidden = True
    if facts:
        ws.column_dimensions["B"].hidden = True
        for col, w in zip("CDEF", (16, 26, 18, 80)):
            ws.column_dimensions[col].width = w
    else:
        for col, w in zip("BCD", (40, 30, 44)):
            ws.column_dimensions[col].width = w


def _type_from_name(code: str, name: str) -> str | None:
    """The 団体区分 where the code and name settle it: a prefecture, a 町, a 村, a 特別区 (a 市 may
    be a 政令市 or 中核市, so it is left for the respondent)."""
    if code.endswith("0006") or (len(code) == 6 and code[2:5] == "000"):
        return "都道府県"
    if code.startswith("131") and name.endswith("区") and " " not in name:
        return "特別区"
    if name.endswith("町"):
        return "町"
    if name.endswith("村"):
        return "村"
    return None


_README_JA = [
    "この調査票の書き方",
    "1. 「団体」シートで団体区分・福祉事務所の設置などの属性を選びます（分からないものは「不明」または空欄）。",
    "2. 分野ごとのシートで、要件ごとに「状態」を一覧から選びます: 完了・実施中・予定・未着手・対象外・不明。",
    "   分からない要件は空欄か「不明」のままにしてください。未評価として報告され、対応済みとはみなされません。",
    "3. 予定は事実ではありません。「令和8年度運用開始」は 状態「予定」、予定日「令和8年度」と書きます。",
    "   日付は日付として入力するか、和暦の文字（令和8年9月、令和7年度末、R8.3.31）で書けます。",
    "4. 概算費用は 5000000、5,000,000、500万円、約500万円（概算として記録）、5,000千円 のいずれでも書けます。",
    "5. 「根拠の種類」は 記録（団体の記録）・調査回答・計画 から選び、「根拠の日付」にその時点を書きます。",
    "6. 灰色の列（ID・要件名・義務の種類・期限・出典）と1行目は変更できません。シートの保護にパスワードはありません",
    "   が、保護を解除して行・列・シートを追加・削除・改名すると読み込めなくなります。",
    "7. 記入後: gapcheck import このファイル.xlsx -o プロファイル.yaml で読み込み、gapcheck run で評価します。",
]
_README_EN = [
    "How to fill in this workbook",
    "1. On the 団体 sheet choose the municipality's attributes (type, welfare office, ...); leave unknown ones blank or 不明.",
    "2. On each area's sheet choose a status (状態) per requirement from the list: 完了 done, 実施中 in progress,",
    "   予定 planned, 未着手 not started, 対象外 not applicable, 不明 unknown. What you do not know, leave blank:",
    "   it is reported as unassessed, never as passed.",
    "3. A plan is not a fact: 'starts in FY2026' is 状態 予定 with 予定日 令和8年度. Dates may be date cells or",
    "   text in 和暦 (令和8年9月, 令和7年度末, R8.3.31).",
    "4. Costs (概算費用) may be written 5000000, 5,000,000, 500万円, 約500万円 (recorded as approximate), 5,000千円.",
    "5. 根拠の種類 (basis): 記録 record, 調査回答 survey answer, 計画 plan; 根拠の日付: the date the statement describes.",
    "6. The grey columns and the first row are locked. The protection has no password, but a workbook whose rows,",
    "   columns or sheets were added, deleted or renamed cannot be read back.",
    "7. Then: gapcheck import THIS.xlsx -o PROFILE.yaml, and gapcheck run PROFILE.yaml.",
]


def _write_readme(ws, cs, muni, pid, as_of, meta, bold, wrap) -> None:
    ws.column_dimensions["A"].width = 120
    rows: list[tuple[str, bool]] = [
        (f"gapcheck 調査票 / survey workbook: {muni.get('name') or ''}（{muni.get('prefecture') or ''}、"
         f"団体コード {muni.get('code') or ''}）", True), ("", False)]
    rows += [(t, i == 0) for i, t in enumerate(_README_JA)] + [("", False)]
    rows += [(t, i == 0) for i, t in enumerate(_README_EN)] + [("", False)]
    rows.append(("団体 / municipality", True))
    for key, ja, en, kind in F.MUNICIPALITY_ROWS[:5]:
        v = pid if key == "profile.id" else muni.get(key)
        rows.append((f"  {ja} / {en}: {v if v is not None else '-'}", False))
    rows += [("", False), ("評価について / the evaluation this feeds", True),
             (f"  要件は {as_of.isoformat()} 時点で現行のもの（都道府県向け・廃止済みを除く）/ the requirements current on "
              f"{as_of.isoformat()} (none for prefectures, none withdrawn)", False)]
    for area, cat in cs.catalogs.items():
        if f"edition.{area}" in meta:
            n = len(meta[f"ids.{area}"].split(","))
            rows.append((f"  {meta[f'sheet.{area}']}: {cat.name.ja} / {cat.name.en} — {n} 件, "
                         f"カタログ版 / edition {cat.edition}", False))
    rows += [("  状態が空欄・不明の要件は「未評価」、対象外は「対象外」、期限を過ぎた未完了は「期限超過」として報告されます。", False),
             ("  A blank or unknown status is reported as unassessed; a deadline passed without 完了 as overdue.", False),
             (f"  書式 / workbook format {F.FORMAT_VERSION}, gapcheck {__version__}", False)]
    for r, (text, strong) in enumerate(rows, start=1):
        c = ws.cell(r, 1, text)
        c.alignment = wrap
        if strong:
            c.font = bold


def to_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------- commands

def _code_arg(code: str) -> str:
    """--code with 5 digits (the check digit is added) or 6."""
    try:
        return localgov.full_code(code)
    except BilingualValueError as e:
        raise GapcheckError("--code: " + e.en, "--code: " + e.ja, hint_en=e.hint_en, hint_ja=e.hint_ja) from None


def left_out(data: dict, cs, as_of: _dt.date) -> list[str]:
    """The requirements a profile states something about that are not in its workbook (withdrawn
    by `as_of`, prefectural, or unknown to the catalogs)."""
    out = []
    for area, st in (data.get("areas") or {}).items():
        cat = cs.catalogs.get(area)
        current = {it.id for it in cat.current_items(as_of)} if cat else set()
        out += [rid for rid in ((st or {}).get("items") or {}) if rid not in current]
    return out


def for_profile(cs, profile_path: str, as_of: _dt.date):
    """The workbook of an existing profile (version 1, or 2 once read: see _read_profile)."""
    data = read_profile_data(profile_path, cs)
    return build(cs, data, as_of=as_of)


def read_profile_data(path: str, cs) -> dict:
    """The profile as read from YAML, checked: a v1 profile by the model; a v2 profile, while
    the model reads version 1 only, by the model after the v2-only keys are folded into v1
    (engine.load.workbook_import.as_v1)."""
    from ..load import yamlio
    from ..load.profile import check_document
    from ..load.validation import InvalidInput, Problem
    from ..load.workbook_import import as_v1, model_reads_v2

    doc = yamlio.load(path)
    data = doc.data
    if isinstance(data, dict) and data.get("profile_version") == 2 and not model_reads_v2():
        import yaml as _yaml

        v1 = as_v1(data)
        doc = yamlio.parse(_yaml.safe_dump(v1, allow_unicode=True, sort_keys=False), path)
    prof, problems = check_document(doc, cs)
    errors = [p for p in problems if not getattr(p, "warning", False)]
    if errors or prof is None:
        raise InvalidInput(errors or [Problem("the profile is not valid", "プロファイルが正しくありません", file=path)])
    return data


def new_workbook(cs, *, code: str, name: str | None, as_of: _dt.date, profile_id: str | None = None):
    code = _code_arg(code)
    known = localgov.lookup(code)
    if not name:
        if known is None:
            raise GapcheckError(
                f"--code {code} is not in the list of local governments ({localgov.SOURCE}): give --name",
                f"--code {code} は地方公共団体の一覧（{localgov.SOURCE}）にありません。--name で団体名を指定してください")
        name = known.name
    from .init import prefecture_for

    pref = known.prefecture if known else prefecture_for(code, None)
    return build(cs, None, as_of=as_of, name=name.strip(), code=code, prefecture=pref, profile_id=profile_id), name


def read_codes(path: str) -> list[tuple[str, str | None]]:
    """(code, name or None) from a CSV: a column 団体コード or code (and optionally 団体名 or name),
    or one code per line. A 5-digit code gets its check digit. UTF-8 (BOM or not) or CP932."""
    from ..load import yamlio

    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise GapcheckError(f"cannot read {path}: {e.strerror}", f"{path} を読めません: {e.strerror}", file=path) from None
    text = yamlio.decode(raw, path).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(x.strip() for x in r)]
    if not rows:
        raise GapcheckError("the code list is empty", "団体コードの一覧が空です", file=path)
    head = [h.strip().lower() for h in rows[0]]
    code_col, name_col, start = 0, None, 0
    for i, h in enumerate(head):
        if h in ("団体コード", "code", "lgcode", "コード"):
            code_col, start = i, 1
        if h in ("団体名", "name", "自治体名", "市区町村名"):
            name_col = i
    out, problems = [], []
    for n, r in enumerate(rows[start:], start=start + 1):
        raw_code = (r[code_col] if code_col < len(r) else "").strip()
        try:
            code = _code_arg(raw_code)
        except GapcheckError as e:
            problems.append(GapcheckError(e.en, e.ja, file=path, line=n, hint_en=e.hint_en, hint_ja=e.hint_ja))
            continue
        name = (r[name_col].strip() if name_col is not None and name_col < len(r) else "") or None
        out.append((code, name))
    if problems:
        from ..load.validation import InvalidInput

        raise InvalidInput(problems)
    return out


def profiles_by_code(folder: str | None) -> dict[str, str]:
    """code -> profile path for the profiles in `folder` (the first, in path order, per code)."""
    if not folder:
        return {}
    from ..load import yamlio
    from ..load.files import expand_profiles

    out: dict[str, str] = {}
    for p in expand_profiles([folder]):
        try:
            data = yamlio.load(p).data
            code = normalise_code(str(((data or {}).get("municipality") or {}).get("code")))
        except (GapcheckError, BilingualValueError, AttributeError):
            continue
        out.setdefault(code, p)
    return out


def file_name(code: str, name: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "municipality"
    return f"{code}_{safe}.xlsx"


def write_batch(cs, codes_csv: str, output_dir: str, as_of: _dt.date, profiles_dir: str | None = None,
                inputs: list[str] = ()) -> list[Written]:
    """One workbook per code of `codes_csv` into `output_dir`, pre-filled from the profile in
    `profiles_dir` with the same code where there is one."""
    from ..report.output import write_atomic

    codes = read_codes(codes_csv)
    existing = profiles_by_code(profiles_dir)
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    out: list[Written] = []
    for code, name in codes:
        src = existing.get(code)
        if src:
            data = read_profile_data(src, cs)
            wb = build(cs, data, as_of=as_of)
            name = (data.get("municipality") or {}).get("name") or name
        else:
            wb, name = new_workbook(cs, code=code, name=name, as_of=as_of)
        path = str(Path(output_dir) / file_name(code, name))
        write_atomic(path, to_bytes(wb), list(inputs) + [codes_csv] + ([src] if src else []))
        out.append(Written(path, code, name, src))
    return out
