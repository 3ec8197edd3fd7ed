"""Reading national survey workbooks into facts per municipality, by the layouts of
engine/load/survey_layouts.yaml (one entry per edition: sheets, header row, first data row,
columns). Two kinds:

- designated: デジタル庁「特定移行支援システムの該当見込み」: a ● under a 業務 → designated: true
  for that base system;
- online: 総務省「自治体DX・情報化推進概要」オンライン利用状況: per procedure 済 → done, 未 →
  not_started (有 says the procedure applies; an explicit 無 → not_applicable).

Rows are joined on the 団体コード, written with 5 or 6 digits (5: the check digit is added). A
blank cell stays unknown: nothing is imported from it. Every fact records the file, sheet and
cell it came from; the caller adds the file's sha256 (engine/commands/import_survey.py).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import GapcheckError
from . import localgov
from .models import BilingualValueError
from .validation import Problem

LAYOUTS_FILE = Path(__file__).with_name("survey_layouts.yaml")


@lru_cache(maxsize=1)
def layouts() -> dict:
    with open(LAYOUTS_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class Fact:
    code: str
    requirement: str
    field: str            # designated | status
    value: Any
    cell: str             # sheet!A1


@dataclass
class Survey:
    kind: str
    edition: str
    file: str
    sha256: str
    as_of: Any
    title: str
    catalog: str
    facts: list[Fact] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)     # code -> the name as the file writes it
    notes: list[Problem] = field(default_factory=list)
    member: str | None = None                                # the workbook's name inside a ZIP

    def by_code(self) -> dict[str, list[Fact]]:
        out: dict[str, list[Fact]] = {}
        for f in self.facts:
            out.setdefault(f.code, []).append(f)
        return out


def norm(text: Any) -> str:
    """A heading as compared: NFKC, no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def edition_of(kind: str, edition: str) -> dict:
    kinds = layouts()
    if kind not in kinds:
        raise GapcheckError(f"unknown survey kind {kind!r}: one of {', '.join(kinds)}",
                            f"調査の種類 {kind!r} はありません（{'、'.join(kinds)}）")
    eds = kinds[kind]["editions"]
    if edition not in eds:
        raise GapcheckError(f"{kind}: no layout for the edition {edition!r}; known editions: {', '.join(eds)}",
                            f"{kind}: 版 {edition!r} のレイアウトがありません（既知の版: {'、'.join(eds)}）",
                            hint_en=f"a new edition is a new entry in {LAYOUTS_FILE.name}",
                            hint_ja=f"新しい版は {LAYOUTS_FILE.name} に1項目追加すれば読めます")
    return eds[edition]


def _sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_survey(kind: str, path: str, edition: str, cs) -> Survey:
    """Every fact the file states, or GapcheckError (a missing sheet, a heading not found)."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    from .workbook_import import _open

    lay = edition_of(kind, edition)
    spec = layouts()[kind]
    member = None
    if Path(path).suffix.lower() == ".zip":
        member, data = zip_member(path, lay.get("member"))
        wb = _open_bytes(data, f"{path}!{member}")
    else:
        wb = _open(path)
    s = Survey(kind, edition, path, _sha256(path), lay["as_of"], lay["title"], spec["catalog"])
    s.member = member
    cat = cs.catalogs[spec["catalog"]]
    by_name = {norm(it.name.ja): it.id for it in cat.items}
    name = Path(path).name + (f"!{member}" if member else "")
    missing = [sh for sh in lay["sheets"] if sh not in wb.sheetnames]
    if missing:
        raise GapcheckError(
            f"{kind} {edition}: the sheet(s) {', '.join(missing)} are missing (the file has {', '.join(wb.sheetnames)})",
            f"{kind} {edition}: シート {'、'.join(missing)} がありません（このファイルのシート: {'、'.join(wb.sheetnames)}）",
            file=path, hint_en="check --edition: each edition has its own layout", hint_ja="--edition（版）を確認してください")
    hr, first = int(lay["header_row"]), int(lay["first_row"])
    for sheet in lay["sheets"]:
        ws = wb[sheet]
        heads = {c: norm(ws.cell(hr, c).value) for c in range(1, ws.max_column + 1)}

        def column(where: dict, what: str) -> int:
            if "column" in where:
                return column_index_from_string(where["column"])
            want = norm(where["header"])
            for c, h in heads.items():
                if h == want:
                    return c
            raise GapcheckError(f"{sheet}!{hr}: no column headed {where['header']!r} ({what}) in row {hr}",
                                f"{sheet}!{hr}: {hr}行目に見出し {where['header']!r}（{what}）の列がありません",
                                file=path, hint_en="check --edition", hint_ja="--edition（版）を確認してください")

        code_col = column(lay["code"], "団体コード")
        name_col = column(lay["name"], "団体名")
        if kind == "designated":
            targets = _designated_columns(lay, heads, by_name, code_col, name_col, lay.get("kind"), s, sheet, hr, name)
        else:
            targets = _online_blocks(lay, ws, hr, by_name, s, sheet, name)
        for r in range(first, ws.max_row + 1):
            raw = ws.cell(r, code_col).value
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                try:
                    code = localgov.full_code(raw, lay.get("code_digits") if isinstance(raw, (int, float)) else None)
                except BilingualValueError:
                    code = localgov.full_code(raw)      # 5 digits where the layout says 6, or the reverse
            except BilingualValueError as e:
                if isinstance(raw, str) and not re.search(r"\d", raw):
                    continue                   # a total or a note row (合計, ※ ...)
                s.notes.append(Problem(e.en + " (row skipped)", e.ja + "（この行は読み込みません）", file=name,
                                       path=f"{sheet}!{get_column_letter(code_col)}{r}", warning=True))
                continue
            s.names.setdefault(code, str(ws.cell(r, name_col).value or "").strip())
            for t in targets:
                fact = t(ws, r, code)
                if fact is not None:
                    s.facts.append(fact)
    return s


def zip_name(info) -> str:
    """A ZIP member's name: UTF-8 where the flag says so, else CP932 bytes that zipfile decoded
    as CP437 (how Japanese Windows writes them)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp932")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def zip_member(path: str, pattern: str | None) -> tuple[str, bytes]:
    """The workbook in a ZIP (as 総務省 publishes the 個別資料) whose name contains `pattern`."""
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise GapcheckError(f"not a ZIP file that can be read: {type(e).__name__}",
                            f"読み込める ZIP ファイルではありません: {type(e).__name__}", file=path) from None
    with zf:
        books = [(zip_name(i), i) for i in zf.infolist() if zip_name(i).lower().endswith((".xlsx", ".xlsm"))]
        hits = [(n, i) for n, i in books if not pattern or norm(pattern) in norm(n)]
        if len(hits) != 1:
            listed = ", ".join(n for n, _ in books) or "-"
            raise GapcheckError(
                f"the ZIP holds {len(hits)} workbooks named like {pattern!r} (it has: {listed})",
                f"ZIP に {pattern!r} を名前に含むブックが {len(hits)} 件あります（収録: {listed}）", file=path,
                hint_en="extract the workbook and import it", hint_ja="ブックを取り出して読み込んでください")
        from .workbook_import import MAX_BYTES

        n, info = hits[0]
        if info.file_size > MAX_BYTES:
            raise GapcheckError(f"{n} is larger than {MAX_BYTES >> 20} MiB", f"{n} が {MAX_BYTES >> 20} MiB を超えています",
                                file=path)
        return n, zf.read(info)


def _open_bytes(data: bytes, label: str):
    import io
    import zipfile

    import openpyxl

    from .workbook_import import MAX_UNPACKED

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            if sum(i.file_size for i in inner.infolist()) > MAX_UNPACKED:
                raise GapcheckError(f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MiB",
                                    f"ブックの展開後の大きさが {MAX_UNPACKED >> 20} MiB を超えています", file=label)
    except zipfile.BadZipFile:
        pass

    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise GapcheckError(f"not an Excel workbook that can be read: {type(e).__name__}",
                            f"読み込める Excel ブックではありません: {type(e).__name__}", file=label) from None


def _designated_columns(lay, heads, by_name, code_col, name_col, kind_spec, s: Survey, sheet, hr, name):
    from openpyxl.utils import get_column_letter

    aliases = {norm(k): v for k, v in (lay.get("aliases") or {}).items()}
    skip = {code_col, name_col}
    if kind_spec:
        skip |= {c for c, h in heads.items() if h == norm(kind_spec["header"])}
    mark = lay.get("mark", "●")
    targets = []
    for c, h in heads.items():
        if c in skip or not h:
            continue
        rid = aliases[h] if h in aliases else by_name.get(h)
        if rid is None:
            if h not in aliases:
                s.notes.append(Problem(f"the column {h!r} matches no requirement of {s.catalog}: not read",
                                       f"列 {h!r} は {s.catalog} の要件に対応しません。読み込みません",
                                       file=name, path=f"{sheet}!{get_column_letter(c)}{hr}", warning=True))
            continue

        def read(ws, r, code, c=c, rid=rid):
            v = ws.cell(r, c).value
            if v is None or not str(v).strip():
                return None                     # blank: unknown
            if str(v).strip() == mark:
                return Fact(code, rid, "designated", True, f"{sheet}!{get_column_letter(c)}{r}")
            s.notes.append(Problem(f"{v!r} is not {mark}: left unknown", f"{v!r} は {mark} ではありません。不明のままにします",
                                   file=name, path=f"{sheet}!{get_column_letter(c)}{r}", warning=True))
            return None

        targets.append(read)
    return targets


_DONE, _NOT_YET = frozenset({"済", "済み", "○"}), frozenset({"未", "未済", "×"})
_APPLIES, _NOT_APPLIES = frozenset({"有", "あり", "○"}), frozenset({"無", "なし", "-", "－", "―", "対象外"})


def _online_blocks(lay, ws, hr, by_name, s: Survey, sheet, name):
    from openpyxl.utils import column_index_from_string, get_column_letter

    b = lay["block"]
    start, width = column_index_from_string(b["first"]), int(b["width"])
    table = {norm(k): v for k, v in (lay.get("procedures") or {}).items()}
    targets = []
    c = start
    while c <= ws.max_column:
        h = norm(ws.cell(hr, c).value)
        if h:
            rid = table[h] if h in table else by_name.get(h)
            if rid is None:
                if h not in table:
                    s.notes.append(Problem(f"the procedure {h!r} matches no requirement of {s.catalog}: not read",
                                           f"手続 {h!r} は {s.catalog} の要件に対応しません。読み込みません",
                                           file=name, path=f"{sheet}!{get_column_letter(c)}{hr}", warning=True))
            else:
                ac, sc = c + int(b["applies"]), c + int(b["status"])

                def read(ws, r, code, ac=ac, sc=sc, rid=rid):
                    a = str(ws.cell(r, ac).value or "").strip()
                    st = str(ws.cell(r, sc).value or "").strip()
                    where = f"{sheet}!{get_column_letter(sc)}{r}"
                    if a in _NOT_APPLIES:
                        return Fact(code, rid, "status", "not_applicable", f"{sheet}!{get_column_letter(ac)}{r}")
                    if st in _DONE:
                        return Fact(code, rid, "status", "done", where)
                    if st in _NOT_YET:
                        return Fact(code, rid, "status", "not_started", where)
                    if st:
                        s.notes.append(Problem(f"{st!r} is neither 済 nor 未: left unknown",
                                               f"{st!r} は 済・未 のどちらでもありません。不明のままにします",
                                               file=name, path=where, warning=True))
                    return None              # blank: unknown

                targets.append(read)
        c += width
    return targets
