"""Reading a filled survey workbook (or one area sheet saved as CSV) back into a profile.

The result is a profile of version 2 (docs/PROFILES.md) as YAML text, written the same way every time
(an unchanged workbook gives a byte-identical profile). Each item's `source` names the file,
sheet and cell it came from ("根拠資料 [調査票.xlsx 基幹業務!F7]"), so findings can cite it. Every
problem is collected and reported at once, each with its sheet and cell, in Japanese and English;
nothing is returned when there is one. The layout is engine/load/workbook_format.py.

Read with openpyxl (data_only: a formula's cached value). python-calamine reads faster but not
the hidden rows and sheets the format relies on; a survey workbook is small.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import GapcheckError, printable
from ..vocab import ITEM_STATUSES
from . import jdate
from . import workbook_format as F
from .amounts import AmountError, parse_amount
from .models import STATUS_ALIASES, BilingualValueError, normalise_code
from .statements import ITEM_FIELDS
from .validation import InvalidInput, Problem


class ImportProblems(InvalidInput):
    """Every problem of one workbook, each with its sheet and cell, shown in both languages."""

    def render(self, lang: str = "en") -> str:
        n = len(self.problems)
        head = (f"{self.file}: 読み込めません（{n}件の問題）/ cannot be imported ({n} problem(s))"
                if lang == "ja" else
                f"{self.file}: cannot be imported ({n} problem(s)) / 読み込めません（{n}件の問題）")
        lines = [printable(head)]
        for p in self.problems:
            first, second = ("ja", "en") if lang == "ja" else ("en", "ja")
            lines.append("  " + _one(p, first))
            lines.append("    " + _one(p, second))
        return "\n".join(lines)


def _one(p: GapcheckError, lang: str) -> str:
    where = printable(p.path) + ": " if p.path else ""
    msg = printable(p.ja if lang == "ja" else p.en)
    hint = p.hint_ja if lang == "ja" else p.hint_en
    return where + msg + (f" → {printable(hint)}" if hint else "")


@dataclass
class Imported:
    file: str
    data: dict
    text: str
    notes: list[Problem] = field(default_factory=list)      # warnings: catalog editions changed

    @property
    def profile_id(self) -> str:
        return self.data["id"]


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.name = Path(file).name
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.cells: dict[str, str] = {}          # a profile path -> the sheet!cell it came from

    def err(self, where: str, en: str, ja: str, hint_en: str | None = None, hint_ja: str | None = None,
            found: Any = None) -> None:
        self.problems.append(Problem(en, ja, file=self.name, path=where, hint_en=hint_en, hint_ja=hint_ja,
                                     **({"found": found} if found is not None else {})))

    def note(self, where: str, en: str, ja: str) -> None:
        self.notes.append(Problem(en, ja, file=self.name, path=where, warning=True))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportProblems(self.problems)


# ---------------------------------------------------------------------------- cell readers

def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (_dt.datetime, _dt.date)):
        return (v.date() if isinstance(v, _dt.datetime) else v).isoformat()
    s = str(v).strip()
    return s or None


_STATUS_FROM_WORD = {w: k for k, w in F.STATUS_WORDS.items()}
_BASIS_FROM_WORD = {w: k for k, w in F.BASIS_WORDS.items()}
_NHI_FROM_WORD = {w: k for k, w in F.NHI_WORDS.items()}
_NHI_FROM_WORD.update({"国民健康保険税": "tax", "国民健康保険料": "premium", "税": "tax", "料": "premium"})


def read_status(v: Any, where: str, c: _Collector) -> str | None:
    s = _text(v)
    if s is None:
        return None
    key = _STATUS_FROM_WORD.get(s) or STATUS_ALIASES.get(s) or (s.lower() if s.lower() in ITEM_STATUSES else None)
    if key is None:
        words = "、".join(F.STATUS_WORDS.values())
        c.err(where, f"状態 (status) {s!r} is not one of the choices ({', '.join(F.STATUS_WORDS.values())})",
              f"状態 {s!r} は選択肢にありません（{words}）",
              "choose from the cell's drop-down list", "セルのドロップダウンから選んでください")
    return key


def read_date(v: Any, where: str, c: _Collector, label: str) -> str | int | None:
    if isinstance(v, (_dt.datetime, _dt.date)):
        return (v.date() if isinstance(v, _dt.datetime) else v).isoformat()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, int) and 1900 <= v <= 2200:
            return v               # a year
        c.err(where, f"{label}: {v!r} is not a date", f"{label}: {v!r} は日付ではありません",
              "type a date, or 和暦 text such as 令和8年9月", "日付、または 令和8年9月 のような和暦で書いてください")
        return None
    s = _text(v)
    if s is None:
        return None
    try:
        jdate.parse_span(s)
    except (jdate.DateParseError, ValueError) as e:
        reason_en = getattr(e, "reason_en", "not a recognised date")
        reason_ja = getattr(e, "reason_ja", "日付として読み取れません")
        c.err(where, f"{label}: {s!r}: {reason_en}", f"{label}: {s!r}: {reason_ja}",
              "accepted: " + jdate.ACCEPTED_FORMS, "書ける形: " + jdate.ACCEPTED_FORMS)
        return None
    return s


def read_yesno(v: Any, where: str, c: _Collector, label: str) -> bool | None:
    if isinstance(v, bool):
        return v
    s = _text(v)
    if s is None or s == F.UNKNOWN:
        return None
    if s.lower() in F.YES_SET:
        return True
    if s.lower() in F.NO_SET:
        return False
    c.err(where, f"{label}: {s!r} is not one of はい, いいえ, 不明", f"{label}: {s!r} は選択肢（はい・いいえ・不明）にありません",
          "choose from the cell's drop-down list", "セルのドロップダウンから選んでください")
    return None


def read_basis(v: Any, where: str, c: _Collector, label: str) -> str | None:
    s = _text(v)
    if s is None:
        return None
    key = _BASIS_FROM_WORD.get(s) or (s.lower() if s.lower() in F.BASIS_WORDS else None)
    if key is None:
        c.err(where, f"{label}: {s!r} is not one of 記録 (record), 調査回答 (survey), 計画 (plan)",
              f"{label}: {s!r} は選択肢（記録・調査回答・計画）にありません",
              "choose from the cell's drop-down list", "セルのドロップダウンから選んでください")
    return key


def read_amount(v: Any, where: str, c: _Collector) -> tuple[int | None, bool | None]:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    try:
        yen, approx = parse_amount(v)
    except AmountError as e:
        c.err(where, f"概算費用 (cost estimate): {e.en}", f"概算費用: {e.ja}", e.hint_en, e.hint_ja)
        return None, None
    return yen, (True if approx else None)


# ---------------------------------------------------------------------------- workbook

def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


MAX_BYTES = 64 * 1024 * 1024            # a workbook or survey file larger than this is refused
MAX_UNPACKED = 512 * 1024 * 1024        # and one that unpacks to more (a ZIP bomb)


def _open(path: str):
    import os
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise GapcheckError("the file does not exist", "ファイルがありません", file=path) from None
    except OSError as e:
        raise GapcheckError(f"cannot read the file: {e.strerror}", f"ファイルを読めません: {e.strerror}", file=path) from None
    if not stat.S_ISREG(st.st_mode):
        raise GapcheckError("not a regular file", "通常のファイルではありません", file=path)
    if st.st_size > MAX_BYTES:
        raise GapcheckError(f"the file is larger than {MAX_BYTES >> 20} MiB", f"ファイルが {MAX_BYTES >> 20} MiB を超えています",
                            file=path)
    _check_unpacked(path)
    try:
        import openpyxl
    except ImportError:
        raise GapcheckError("reading a workbook needs openpyxl: pip install openpyxl",
                            "調査票の読込には openpyxl が必要です: pip install openpyxl") from None
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise GapcheckError("the file does not exist", "ファイルがありません", file=path) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as e:
        raise GapcheckError(f"not an Excel workbook (.xlsx) that can be read: {type(e).__name__}",
                            f"読み込める Excel ブック（.xlsx）ではありません: {type(e).__name__}", file=path,
                            hint_en="save it from Excel as .xlsx (Excel ブック)",
                            hint_ja="Excel で「Excel ブック (*.xlsx)」として保存してください") from None


def _check_unpacked(path: str) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        return                       # openpyxl says what the file is not
    if total > MAX_UNPACKED:
        raise GapcheckError(f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MiB",
                            f"ブックの展開後の大きさが {MAX_UNPACKED >> 20} MiB を超えています", file=path)


def read_workbook(path: str, cs, *, today: _dt.date | None = None) -> Imported:
    """The profile a filled workbook states, or ImportProblems with every problem at once."""
    wb = _open(path)
    c = _Collector(path)
    if F.SHEET_META not in wb.sheetnames:
        raise GapcheckError("not a gapcheck survey workbook (it has no sheet _gapcheck)",
                            "gapcheck の調査票ではありません（_gapcheck シートがありません）", file=path,
                            hint_en="make one with gapcheck workbook", hint_ja="gapcheck workbook で作成してください")
    meta = {str(r[0]): r[1] for r in wb[F.SHEET_META].iter_rows(values_only=True) if r and r[0] is not None}
    if str(meta.get(F.FORMAT_NAME)) != F.FORMAT_VERSION:
        raise GapcheckError(f"workbook format {meta.get(F.FORMAT_NAME)!r}: this gapcheck reads format {F.FORMAT_VERSION}",
                            f"調査票の書式 {meta.get(F.FORMAT_NAME)!r} は読めません（読める書式: {F.FORMAT_VERSION}）",
                            file=path)
    expected_sheets = [F.SHEET_MUNICIPALITY, F.SHEET_FACTS, F.SHEET_PLAN]
    areas = [k.split(".", 1)[1] for k in meta if k.startswith("sheet.")]
    expected_sheets += [str(meta[f"sheet.{a}"]) for a in areas]
    strangers = [s for s in wb.sheetnames if s not in expected_sheets + [F.SHEET_README, F.SHEET_META]]
    for s in expected_sheets:
        if s not in wb.sheetnames:
            c.err(f"{s}!A1", f"the sheet {s!r} is missing" + (f" (renamed to {strangers[0]!r}?)" if strangers else ""),
                  f"シート {s!r} がありません" + (f"（{strangers[0]!r} に名前が変わっていませんか）" if strangers else ""),
                  f"give the sheet its name {s!r} back", f"シート名を {s!r} に戻してください")
    muni, prof = _read_municipality(wb, c)
    plan = _read_plan(wb, c)
    facts = _read_facts(wb, cs, c)
    day = today or _dt.date.today()
    out_areas: dict[str, dict] = {}
    cells = c.cells
    for area in areas:
        sheet = str(meta[f"sheet.{area}"])
        if sheet not in wb.sheetnames:
            continue
        if area not in cs.catalogs:
            c.note(f"{sheet}!A1", f"the area {area} is no longer in the catalogs: its sheet is not read",
                   f"分野 {area} は現在のカタログにありません。このシートは読み込みません")
            continue
        written_ids = [x for x in str(meta.get(f"ids.{area}") or "").split(",") if x]
        items = _read_area(wb[sheet], sheet, area, written_ids, cs, c, cells)
        _edition_notes(c, sheet, area, meta, written_ids, cs, day)
        st: dict[str, Any] = {}
        if facts.get(area):
            st["facts"] = facts[area]
        st["items"] = items
        out_areas[area] = st
    for area, f in facts.items():
        if area not in out_areas:
            out_areas[area] = {"facts": f}
    for area, cat in cs.catalogs.items():
        if f"sheet.{area}" not in meta and cat.current_items(day):
            c.note(f"{F.SHEET_META}!A1", f"the area {area} ({cat.name.en}) was added to the catalogs after this "
                   "workbook was made: it has no sheet, so its requirements are unassessed",
                   f"分野 {cat.name.ja} はこの調査票の作成後にカタログに追加されました。シートがないため、その要件は未評価になります")
    c.raise_if_any()
    data = _assemble(prof, muni, plan, out_areas, cs)
    text = dump(data, Path(path).name, _sha256(path), meta)
    _check(text, data, path, cs, cells, c)
    return Imported(path, data, text, c.notes)


def _kv_rows(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(F.KV_FIRST_ROW, ws.max_row + 1)
            if ws.cell(r, 1).value is not None}


def _read_municipality(wb, c: _Collector) -> tuple[dict, dict]:
    muni: dict[str, Any] = {}
    prof: dict[str, Any] = {}
    if F.SHEET_MUNICIPALITY not in wb.sheetnames:
        return muni, prof
    ws = wb[F.SHEET_MUNICIPALITY]
    rows = _kv_rows(ws)
    for key, ja, en, kind in F.MUNICIPALITY_ROWS:
        r = rows.get(key)
        if r is None:
            c.err(f"{F.SHEET_MUNICIPALITY}!A{F.KV_FIRST_ROW}", f"the row {ja} ({key}) is missing (deleted?)",
                  f"{ja} の行がありません（削除されていませんか）")
            continue
        where = f"{F.SHEET_MUNICIPALITY}!C{r}"
        c.cells[key.split(".", 1)[1] if key.startswith("profile.") else f"municipality.{key}"] = where
        v = ws.cell(r, F.KV_VALUE_COL).value
        if kind == "yesno":
            val = read_yesno(v, where, c, ja)
        elif kind == "nhi":
            s = _text(v)
            val = None if s in (None, F.UNKNOWN) else _NHI_FROM_WORD.get(s, s if s in ("tax", "premium") else None)
            if s not in (None, F.UNKNOWN) and val is None:
                c.err(where, f"{ja}: {s!r} is not one of 国保税, 国保料, 不明",
                      f"{ja}: {s!r} は選択肢（国保税・国保料・不明）にありません")
        elif kind == "type":
            val = _text(v)
            if val is not None and val not in F.MUNICIPAL_TYPES:
                c.err(where, f"{ja}: {val!r} is not one of {', '.join(F.MUNICIPAL_TYPES)}",
                      f"{ja}: {val!r} は選択肢（{'・'.join(F.MUNICIPAL_TYPES)}）にありません")
                val = None
        elif kind == "date":
            val = read_date(v, where, c, ja)
        elif kind == "basis":
            val = read_basis(v, where, c, ja)
        elif kind == "code":
            s = _text(v)
            val = None
            if s is None:
                c.err(where, f"{ja} is empty", f"{ja} が空欄です")
            else:
                try:
                    val = normalise_code(s)
                except BilingualValueError as e:
                    c.err(where, e.en, e.ja, e.hint_en, e.hint_ja)
        else:
            val = _text(v)
        if key.startswith("profile."):
            prof[key.split(".", 1)[1]] = val
        else:
            muni[key] = val
    for key, ja, where_key in (("name", "団体名", "name"), ("prefecture", "都道府県", "prefecture")):
        if not muni.get(key) and where_key in rows:
            c.err(f"{F.SHEET_MUNICIPALITY}!C{rows[where_key]}", f"{ja} ({key}) is empty", f"{ja} が空欄です")
    if not prof.get("as_of") and "profile.as_of" in rows:
        c.err(f"{F.SHEET_MUNICIPALITY}!C{rows['profile.as_of']}", "データ時点 (as_of, the date of the answers) is empty",
              "データ時点（記入日）が空欄です", "write the date the answers describe, e.g. 2026-06-30",
              "回答の時点の日付を書いてください（例: 2026-06-30）")
    if not prof.get("id") and "profile.id" in rows:
        c.err(f"{F.SHEET_MUNICIPALITY}!C{rows['profile.id']}", "プロファイルID (profile id) is empty",
              "プロファイルIDが空欄です", "e.g. uchinada, or m and the code", "例: uchinada、m＋団体コード")
    return muni, prof


def _read_plan(wb, c: _Collector) -> dict:
    if F.SHEET_PLAN not in wb.sheetnames:
        return {}
    ws = wb[F.SHEET_PLAN]
    rows = _kv_rows(ws)
    plan: dict[str, Any] = {}
    successor: dict[str, Any] = {}
    for key, ja, en, kind in F.PLAN_ROWS:
        r = rows.get(key)
        if r is None:
            c.err(f"{F.SHEET_PLAN}!A{F.KV_FIRST_ROW}", f"the row {ja} ({key}) is missing (deleted?)",
                  f"{ja} の行がありません（削除されていませんか）")
            continue
        where = f"{F.SHEET_PLAN}!C{r}"
        c.cells[f"plan.{key}"] = where
        v = ws.cell(r, F.KV_VALUE_COL).value
        val = (read_yesno(v, where, c, ja) if kind == "yesno" else
               read_date(v, where, c, ja) if kind == "date" else _text(v))
        if key.startswith("successor."):
            successor[key.split(".", 1)[1]] = val
        else:
            plan[key] = val
    if any(v is not None for v in successor.values()):
        plan["successor"] = successor
    if not any(v is not None for v in plan.values()):
        return {}
    if not plan.get("title"):
        c.err(f"{F.SHEET_PLAN}!C{rows.get('title', F.KV_FIRST_ROW)}", "the plan has no title (計画の名称)",
              "計画の名称が空欄です", "write the plan's title, or leave the whole sheet empty",
              "計画の名称を書くか、シート全体を空欄にしてください")
    return {k: v for k, v in plan.items() if v is not None}


def _read_facts(wb, cs, c: _Collector) -> dict[str, dict]:
    out: dict[str, dict] = {}
    if F.SHEET_FACTS not in wb.sheetnames:
        return out
    ws = wb[F.SHEET_FACTS]
    for r in range(2, ws.max_row + 1):
        area, key = ws.cell(r, 1).value, ws.cell(r, 2).value
        if area is None and key is None:
            continue
        where = f"{F.SHEET_FACTS}!E{r}"
        c.cells[f"areas.{area}.facts.{key}"] = where
        cat = cs.catalogs.get(str(area))
        spec = cat.profile_facts.get(str(key)) if cat else None
        v = ws.cell(r, F.FACT_VALUE_COL).value
        if spec is None:
            if v is not None:
                c.note(where, f"the fact {area}.{key} is no longer in the catalogs: not read",
                       f"事実 {area}.{key} は現在のカタログにありません。読み込みません")
            continue
        if spec.type == "boolean":
            val = read_yesno(v, where, c, str(key))
        elif spec.type == "date":
            val = read_date(v, where, c, str(key))
        elif spec.type == "integer":
            s = _text(v)
            val = None
            if s is not None:
                if re.fullmatch(r"-?\d+", s):
                    val = int(s)
                else:
                    c.err(where, f"{key}: {s!r} is not a whole number", f"{key}: {s!r} は整数ではありません")
        else:
            val = _text(v)
            if val is not None and spec.one_of and val not in spec.one_of:
                c.err(where, f"{key}: {val!r} is not one of {', '.join(spec.one_of)}",
                      f"{key}: {val!r} は選択肢（{'・'.join(spec.one_of)}）にありません",
                      "choose from the cell's drop-down list", "セルのドロップダウンから選んでください")
        if val is not None:
            out.setdefault(str(area), {})[str(key)] = val
    return out


def _col(key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(F.COLUMN_KEYS.index(key) + 1)


def _read_area(ws, sheet: str, area: str, written_ids: list[str], cs, c: _Collector, cells: dict) -> dict:
    keys = [ws.cell(F.KEY_ROW, i + 1).value for i in range(len(F.COLUMNS))]
    if keys != list(F.COLUMN_KEYS):
        bad = next(i for i, (a, b) in enumerate(zip(keys, F.COLUMN_KEYS)) if a != b)
        from openpyxl.utils import get_column_letter

        c.err(f"{sheet}!{get_column_letter(bad + 1)}{F.KEY_ROW}",
              "the columns of the sheet were changed (a column inserted, deleted or moved)",
              "シートの列が変更されています（列の挿入・削除・移動）",
              "make a new workbook with gapcheck workbook and copy the answers into it",
              "gapcheck workbook で作り直し、回答を写してください")
        return {}
    rows: list[tuple[int, dict]] = []
    for r, vals in enumerate(ws.iter_rows(min_row=F.FIRST_ROW, max_col=len(F.COLUMNS), values_only=True),
                             start=F.FIRST_ROW):
        row = dict(zip(F.COLUMN_KEYS, vals))
        if all(v is None for v in vals):
            continue
        rows.append((r, row))
    return read_rows(rows, sheet, area, written_ids, cs, c, cells, lambda key, r: f"{_col(key)}{r}")


def read_rows(rows, sheet: str, area: str, written_ids: list[str] | None, cs, c: _Collector, cells: dict,
              cell_of) -> dict:
    """Items from the rows of one area ((row number, {column key: value}), in order)."""
    cat = cs.catalogs[area]
    known = cs.ids_of(area)
    items: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for r, row in rows:
        rid = _text(row.get("id"))
        if rid is None:
            if any(row.get(k) is not None for k in F.EDITABLE):
                c.err(f"{sheet}!{cell_of('id', r)}", "a row without an ID (the ID cell was emptied)",
                      "ID のない行があります（ID が消されています）")
            continue
        if rid in seen:
            c.err(f"{sheet}!{cell_of('id', r)}", f"{rid} is listed twice (also row {seen[rid]})",
                  f"{rid} が2回あります（{seen[rid]}行目にも）")
            continue
        seen[rid] = r
        if rid not in known:
            other = cs.items.get(rid)
            c.err(f"{sheet}!{cell_of('id', r)}",
                  f"{rid} is not a requirement of {area}" + (f" (it is in {other[0].area})" if other else ""),
                  f"{rid} は {cat.name.ja} の要件ではありません" + (f"（{other[0].area} の要件です）" if other else ""))
            continue
        item = _read_item(row, r, sheet, area, c, cells, cell_of)
        items[rid] = item
    if written_ids is not None:
        for rid in written_ids:
            if rid not in seen and rid in known:
                c.err(f"{sheet}!A{F.FIRST_ROW + written_ids.index(rid)}",
                      f"the row of {rid} is missing (deleted?)", f"{rid} の行がありません（削除されていませんか）",
                      "make a new workbook with gapcheck workbook, or put the row back",
                      "行を元に戻すか、gapcheck workbook で作り直してください")
    # in the catalog's order, whatever the rows' order
    order = {it.id: i for i, it in enumerate(cat.items)}
    return dict(sorted(items.items(), key=lambda kv: order.get(kv[0], 1 << 30)))


def _read_item(row: dict, r: int, sheet: str, area: str, c: _Collector, cells: dict, cell_of) -> Any:
    rid = _text(row["id"])
    w = lambda key: f"{sheet}!{cell_of(key, r)}"  # noqa: E731
    heads = {k: ja for k, ja, *_ in F.COLUMNS}
    it: dict[str, Any] = {}
    it["status"] = read_status(row.get("status"), w("status"), c)
    it["basis"] = read_basis(row.get("basis"), w("basis"), c, heads["basis"])
    it["as_of"] = read_date(row.get("as_of"), w("as_of"), c, heads["as_of"])
    it["in_plan"] = read_yesno(row.get("in_plan"), w("in_plan"), c, heads["in_plan"])
    it["planned"] = read_date(row.get("planned"), w("planned"), c, heads["planned"])
    it["done_on"] = read_date(row.get("done_on"), w("done_on"), c, heads["done_on"])
    it["designated"] = read_yesno(row.get("designated"), w("designated"), c, heads["designated"])
    it["designated_until"] = read_date(row.get("designated_until"), w("designated_until"), c,
                                       heads["designated_until"])
    it["designation_reason"] = _text(row.get("designation_reason"))
    v = row.get("value")
    it["value"] = int(v) if isinstance(v, float) and v.is_integer() else (v if isinstance(v, int)
                                                                           and not isinstance(v, bool) else _text(v))
    it["department"] = _text(row.get("department"))
    it["cost_estimate"], it["cost_approximate"] = read_amount(row.get("cost_estimate"), w("cost_estimate"), c)
    src = _text(row.get("source"))
    na = _text(row.get("na_reason"))
    note = _text(row.get("note"))
    if na:
        note = F.NA_REASON_PREFIX + na + ("\n" + note if note else "")
    it["note"] = note
    said = {k: v for k, v in it.items() if v is not None}
    base = f"areas.{area}.items.{rid}"
    cells[base] = w("status")
    for k in said:
        cells[f"{base}.{k}"] = w({"cost_approximate": "cost_estimate"}.get(k, k))
    if not said and not src:
        return "unknown"
    prov = f"{c.name} {w('status')}"
    said["source"] = f"{src} [{prov}]" if src else prov
    said.setdefault("status", "unknown")
    return {k: said[k] for k in ITEM_FIELDS if k in said}


def _edition_notes(c: _Collector, sheet: str, area: str, meta: dict, written_ids: list[str], cs,
                   day: _dt.date) -> None:
    cat = cs.catalogs[area]
    then = str(meta.get(f"edition.{area}"))
    current = [it.id for it in cat.current_items(day)]
    added = [i for i in current if i not in written_ids]
    gone = [i for i in written_ids if i not in current]
    if then != cat.edition or added or gone:
        en = f"written for the {area} catalog of edition {then}; the catalog is now edition {cat.edition}"
        ja = f"この調査票は {cat.name.ja} のカタログ {then} 版で作成されました（現在は {cat.edition} 版）"
        if added:
            en += f"; added since (not in the workbook, so unassessed): {', '.join(added)}"
            ja += f"。その後に追加された要件（調査票になく未評価になります）: {'、'.join(added)}"
        if gone:
            en += f"; withdrawn or removed since: {', '.join(gone)}"
            ja += f"。その後に廃止・削除された要件: {'、'.join(gone)}"
        c.note(f"{sheet}!A1", en, ja)


def _assemble(prof: dict, muni: dict, plan: dict, areas: dict, cs) -> dict:
    m = {"name": muni.get("name")}
    if muni.get("name_en"):
        m["name_en"] = muni["name_en"]
    m["code"] = muni.get("code")
    m["prefecture"] = muni.get("prefecture")
    for k in F.ATTRIBUTE_KEYS:
        m[k] = muni.get(k)
    data: dict[str, Any] = {"profile_version": 2, "id": prof.get("id"), "municipality": m,
                            "as_of": prof.get("as_of"), "basis": prof.get("basis") or "survey",
                            "source": prof.get("source")}
    if plan:
        data["plan"] = plan
    data["areas"] = {a: areas[a] for a in cs.catalogs if a in areas}
    return data


# ---------------------------------------------------------------------------- the YAML written

class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, s: str):
    style = "|" if "\n" in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict, file_name: str, sha256: str, meta: dict | None = None) -> str:
    """The profile's YAML: the same data always gives the same text."""
    head = [
        "# yaml-language-server: $schema=../docs/schema/profile.schema.json",
        f"# gapcheck import: {file_name} (sha256 {sha256})",
        "# 調査票から読み込んだプロファイル / a profile read from a survey workbook: each item's source names",
        "# the sheet and cell it came from / 各要件の source は読み込んだシートとセルです",
    ]
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=4096)
    return "\n".join(head) + "\n" + body


@lru_cache(maxsize=1)
def model_reads_v2() -> bool:
    """Whether the profile model (engine/load/models.py) reads profile_version 2 yet."""
    from pydantic import ValidationError

    from .models import Profile

    try:
        Profile.model_validate({"profile_version": 2, "id": "x", "as_of": "2026-01-01",
                                "municipality": {"name": "x", "code": "173657", "prefecture": "石川県"}})
    except ValidationError:
        return False
    return True


V2_ITEM_ONLY = ("basis", "as_of", "in_plan", "designated_until", "designation_reason")


def as_v1(data: dict) -> dict:
    """A v2 profile folded into version 1 (which the model reads today): the municipality's
    attributes dropped but nhi_levy (v1's elqr_levies fact nhi_levied_as), the basis and dates
    of statements dropped, each area's defaults spelt out on its items, in_plan turned into
    plan_scope (the items with in_plan true, where any item of the area says in_plan)."""
    out = {k: v for k, v in data.items() if k not in ("profile_version", "basis")}
    m = dict(data.get("municipality") or {})
    out["municipality"] = {k: m[k] for k in ("name", "name_en", "code", "prefecture") if k in m}
    areas = {}
    for area, st in (data.get("areas") or {}).items():
        st = dict(st or {})
        defaults = dict(st.pop("defaults", None) or {})
        items = {}
        scope = list(st.get("plan_scope") or []) if st.get("plan_scope") is not None else None
        any_in_plan = False
        for rid, it in (st.get("items") or {}).items():
            it = {"status": it} if isinstance(it, str) else dict(it or {})
            it = {**defaults, **it}
            if it.get("in_plan") is not None:
                any_in_plan = True
                if it["in_plan"] and (scope is None or rid not in scope):
                    scope = (scope or []) + [rid]
            items[rid] = {k: v for k, v in it.items() if k not in V2_ITEM_ONLY and v is not None}
        if any_in_plan and scope is None:
            scope = []
        new = {}
        if scope is not None:
            new["plan_scope"] = scope
        if st.get("facts"):
            new["facts"] = dict(st["facts"])
        new["items"] = items
        areas[area] = new
    if m.get("nhi_levy") and "elqr_levies" in areas:
        areas["elqr_levies"].setdefault("facts", {})["nhi_levied_as"] = m["nhi_levy"]
    elif m.get("nhi_levy"):
        areas["elqr_levies"] = {"facts": {"nhi_levied_as": m["nhi_levy"]}}
    out["areas"] = areas
    return out


def v1_text(data: dict, file_name: str, sha256: str) -> str:
    return dump(as_v1(data), file_name, sha256).replace(
        "# gapcheck import:", "# gapcheck import (profile version 1):", 1)


def _check(text: str, data: dict, path: str, cs, cells: dict, c: _Collector) -> None:
    """The profile as gapcheck will read it: every problem the model and the catalogs find,
    named by the cell it came from."""
    from . import yamlio
    from .profile import check_document

    check_text = text
    if not model_reads_v2():
        check_text = dump(as_v1(data), "", "")
    doc = yamlio.parse(check_text, Path(path).name)
    _prof, problems = check_document(doc, cs)
    problems = yamlio.control_char_problems(doc) + problems
    for p in problems:
        if getattr(p, "warning", False):
            continue
        where = _cell_for(p.path or "", cells) or ""
        c.err(where, p.en, p.ja, p.hint_en, p.hint_ja)
    c.raise_if_any()


def _cell_for(path: str, cells: dict) -> str | None:
    parts = path.split(".")
    while parts:
        hit = cells.get(".".join(parts))
        if hit:
            return hit
        parts.pop()
    return None


# ---------------------------------------------------------------------------- CSV

_HEAD_TO_KEY = {}
for _k, _ja, _en, _kind, _w in F.COLUMNS:
    _HEAD_TO_KEY[_ja] = _HEAD_TO_KEY[_en.lower()] = _HEAD_TO_KEY[_k] = _k


def read_csv(path: str, cs, *, code: str, as_of: str, name: str | None = None, profile_id: str | None = None,
             basis: str = "survey", today: _dt.date | None = None) -> Imported:
    """One area sheet's columns saved as CSV (UTF-8 with or without BOM, or CP932), header row
    first (the Japanese headings, the English ones or the keys). The municipality is named by
    its code (and the shipped list), the date of the answers by as_of."""
    from . import localgov, yamlio

    c = _Collector(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise GapcheckError(f"cannot read the file: {e.strerror}", f"ファイルを読めません: {e.strerror}", file=path) from None
    text = yamlio.decode(raw, path).lstrip("\ufeff")
    table = [r for r in csv.reader(io.StringIO(text))]
    if not table:
        raise GapcheckError("the CSV file is empty", "CSV ファイルが空です", file=path)
    head = [_HEAD_TO_KEY.get(h.strip().split(" / ")[0].strip().lower()) or _HEAD_TO_KEY.get(h.strip()) for h in table[0]]
    sheet = Path(path).stem
    if "id" not in head:
        raise GapcheckError("the CSV has no ID column in its header row", "CSV の見出し行に ID の列がありません",
                            file=path, hint_en="the first row names the columns: ID, 要件名, 状態, ...",
                            hint_ja="1行目は列の見出し（ID、要件名、状態 …）です")
    from openpyxl.utils import get_column_letter

    col_of = {k: i for i, k in enumerate(head) if k}
    rows = []
    for n, r in enumerate(table[1:], start=2):
        if not any(x.strip() for x in r):
            continue
        if all(not (x or "").strip() for x in r[: len(head)]) and len(r) <= len(head):
            continue
        # the heading rows saved with the sheet (Japanese, English): skip them
        if (r[col_of["id"]] if col_of["id"] < len(r) else "").strip() == "ID":
            continue
        rows.append((n, {k: ((r[i].strip() or None) if i < len(r) else None) for k, i in col_of.items()}))
    ids = [row["id"] for _n, row in rows if row.get("id")]
    areas = {cs.area_of(i) for i in ids if i in cs.items}
    if len(areas) != 1:
        raise GapcheckError("the CSV's IDs do not belong to one area" if areas else "the CSV has no known requirement ID",
                            "CSV の ID が1つの分野のものではありません" if areas else "CSV に既知の要件 ID がありません",
                            file=path, hint_en="save one area sheet of the workbook as CSV",
                            hint_ja="調査票の分野のシートを1枚ずつ CSV で保存してください")
    area = areas.pop()
    sheet = F.sheet_name(area, cs.catalogs[area].name.ja)
    cells: dict[str, str] = {}
    items = read_rows(rows, sheet, area, None, cs, c, cells,
                      lambda key, r: f"{get_column_letter(col_of[key] + 1) if key in col_of else 'A'}{r}")
    c.raise_if_any()
    try:
        code_n = localgov.full_code(code)
    except BilingualValueError as e:
        raise GapcheckError("--code: " + e.en, "--code: " + e.ja, hint_en=e.hint_en, hint_ja=e.hint_ja) from None
    known = localgov.lookup(code_n)
    if not name and known is None:
        raise GapcheckError(f"--code {code_n} is not in the list of local governments: give --name",
                            f"--code {code_n} は地方公共団体の一覧にありません。--name で団体名を指定してください")
    from ..commands.init import prefecture_for

    muni = {"name": name or known.name, "code": code_n,
            "prefecture": known.prefecture if known else prefecture_for(code_n, None)}
    prof = {"id": profile_id or f"m{code_n}", "as_of": as_of, "basis": basis, "source": None}
    data = _assemble(prof, muni, {}, {area: {"items": items}}, cs)
    text = dump(data, Path(path).name, _sha256(path))
    _check(text, data, path, cs, cells, c)
    return Imported(path, data, text, c.notes)
