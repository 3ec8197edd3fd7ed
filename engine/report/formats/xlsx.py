"""Excel workbook (openpyxl, imported only when this format is asked for).

Sheets: the findings (one row per finding, autofilter, frozen header row), a summary (the run's
identity, counts by area and status, open findings by severity), the sources (input files with
their sha256, catalog editions, the rule set, every source the findings cite) and, when a waiver
file was given, the waivers.

Text is always stored as text (never as a formula).  The file is byte-identical for the same
inputs: document properties and the zip entries carry the evaluation date, not the clock.
"""
from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from typing import Any

from .common import (area_label, column_headers, cited_sources, finding_cells, labels, severity_name,
                     status_name, waiver_target)
from ...errors import escape_controls

# Approximate column widths (characters) of the findings sheet, by column key.
WIDTHS = {"id": 17, "status": 11, "severity": 9, "area": 18, "requirement_id": 16, "requirement_name": 26,
          "rule": 30, "obligation": 14, "deadline": 11, "days_to_deadline": 8, "fiscal_year": 11, "basis": 16,
          "finding_title": 30, "message": 60, "remediation": 40, "department": 14, "action": 16, "cost": 12,
          "evidence": 50, "references": 60, "waiver": 40}
WRAP = {"requirement_name", "finding_title", "message", "remediation", "evidence", "references", "waiver",
        "area", "basis"}
DATE_FORMAT = "yyyy-mm-dd"
URL = re.compile(r"<(https?://[^\s<>]+)>")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed timestamp (so the bytes do not depend on the clock)."""

    date_time = (1980, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zi = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.date_time)
            zi.compress_type = self.compression
            zi.external_attr = 0o600 << 16
            zinfo_or_arcname = zi
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes worksheets from temporary files: ZipFile.write would stamp the file's
        # mtime (the clock) into the archive; store them like writestr instead
        with open(filename, "rb") as fh:
            data = fh.read()
        return self.writestr(arcname or filename, data, compress_type, compresslevel)


def _put(ws, row: int, col: int, value: Any, bold: bool = False, wrap: bool = False):
    from openpyxl.styles import Alignment, Font

    c = ws.cell(row=row, column=col)
    if isinstance(value, str):
        # a control character (only a file name can still carry one: profile values cannot, see
        # yamlio.CONTROL_CHARS) is shown escaped, as in error messages; openpyxl refuses them
        c.value = escape_controls(value)
        c.data_type = "s"          # never a formula, whatever the text starts with
    else:
        c.value = value
        if isinstance(value, _dt.date):
            c.number_format = DATE_FORMAT
    if bold:
        c.font = Font(bold=True)
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return c


def _header(ws, row: int, headers: list[str]) -> None:
    from openpyxl.styles import PatternFill

    fill = PatternFill("solid", fgColor="DDE3EC")
    for j, h in enumerate(headers, 1):
        _put(ws, row, j, h, bold=True).fill = fill


def _widths(ws, widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _http(url) -> bool:
    return isinstance(url, str) and url.startswith(("https://", "http://"))


def _day(v):
    """An ISO date as a date cell (other text as it is)."""
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def _link(cell, url) -> None:
    """Make the cell a hyperlink to `url` (http and https only, as every format)."""
    from openpyxl.styles import Font

    if _http(url):
        cell.hyperlink = url
        cell.font = Font(color="0563C1", underline="single")


def _print_setup(ws, header: str, title_rows: str | None = None) -> None:
    """A4 landscape, fit to the page width (as many pages down as needed), the heading row on
    every page, the municipality and the evaluation date in the page header, page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = header.replace("&", "&&")
    ws.oddFooter.center.text = "&P / &N"
    ws.print_options.gridLines = False


def _require_openpyxl() -> None:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        from ...errors import GapcheckError

        raise GapcheckError("--format xlsx needs the openpyxl package, which is not installed",
                            "--format xlsx には openpyxl パッケージが必要ですが、インストールされていません",
                            hint_en="openpyxl is one of gapcheck's requirements: reinstall gapcheck with its "
                                    "requirements (pip install gapcheck, or pip install . in a checkout), "
                                    "or install it alone: pip install 'openpyxl>=3.1'",
                            hint_ja="openpyxl は gapcheck の必須パッケージです。依存パッケージごとインストールし直すか"
                                    "（pip install gapcheck、ソースからは pip install .）、単独で "
                                    "pip install 'openpyxl>=3.1' を実行してください") from None


def render(d: dict[str, Any], **_: Any) -> bytes:
    _require_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    from .common import COLUMNS

    lang = d["lang"]
    L = labels(lang)
    p = d["profile"]
    s = d["summary"]
    wb = Workbook()

    # findings
    ws = wb.active
    ws.title = L["findings"]
    headers = column_headers(lang)
    _header(ws, 1, headers)
    keys = [k for k, _ in COLUMNS]
    top = Alignment(vertical="top")
    for i, f in enumerate(d["findings"], 2):
        for j, (k, v) in enumerate(zip(keys, finding_cells(f, lang, d)), 1):
            if k == "deadline" and v:
                v = _dt.date.fromisoformat(v)          # a date cell, not text
            c = _put(ws, i, j, v, wrap=k in WRAP)
            if k not in WRAP:
                c.alignment = top
            if k == "references":
                _link(c, next((r["url"] for r in f["references"] if _http(r.get("url"))), None))
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(d['findings']) + 1)}"
    ws.freeze_panes = "A2"
    _widths(ws, [WIDTHS.get(k, 14) for k in keys])
    _print_setup(ws, f"{L['findings']}: {p['name']}  {L['evaluated']} {d['as_of']}", title_rows="1:1")

    # summary
    sm = wb.create_sheet(L["summary_sheet"])
    rows = [(L["profile"], f"{p['name']}" + (f" ({p['name_en']})" if p.get("name_en") else "")),
            (L["profile_id"], p["id"]), (L["code"], p["code"]), (L["prefecture"], p["prefecture"]),
            (L["evaluated"], _dt.date.fromisoformat(d["as_of"])),
            (L["data_as_of"], _dt.date.fromisoformat(p["as_of"])),
            (L["rules_version"], d["rules_version"]), (L["due_soon_days"], d["due_soon_days"]),
            (L["tool"], f"{d['tool']['name']} {d['tool']['version']} (schema {d['schema_version']})")]
    if d.get("selection"):              # --status/--severity/--area: shown of total
        from .common import filter_line

        sel = d["selection"]
        rows.append((L["filter"], filter_line(d).split(": ", 1)[1]))
        rows.append((L["shown"], f"{sel['shown']} / {sel['total']}"))
    for r, (k, v) in enumerate(rows, 1):
        _put(sm, r, 1, k, bold=True)
        _put(sm, r, 2, v)
    r = len(rows) + 2
    _put(sm, r, 1, L["by_area"], bold=True)
    statuses = list(s["by_status"])
    _header(sm, r + 1, [L["area"]] + [status_name(x, lang) for x in statuses] + [L["total"]])
    r += 2
    for area, counts in s["by_area"].items():
        _put(sm, r, 1, area_label(d, area, lang), wrap=True)
        for j, x in enumerate(statuses, 2):
            _put(sm, r, j, counts[x])
        _put(sm, r, len(statuses) + 2, sum(counts.values()))
        r += 1
    _put(sm, r, 1, L["total"], bold=True)
    for j, x in enumerate(statuses, 2):
        _put(sm, r, j, s["by_status"][x], bold=True)
    _put(sm, r, len(statuses) + 2, s["total"], bold=True)
    r += 2
    _put(sm, r, 1, L["by_severity"], bold=True)
    _header(sm, r + 1, [severity_name(x, lang) for x in s["by_severity"]])
    for j, n in enumerate(s["by_severity"].values(), 1):
        _put(sm, r + 2, j, n)
    _widths(sm, [40] + [12] * (len(statuses) + 1))
    _print_setup(sm, f"{L['summary_sheet']}: {p['name']}  {L['evaluated']} {d['as_of']}")

    # sources
    so = wb.create_sheet(L["sources_sheet"])
    r = 1
    _put(so, r, 1, L["inputs"], bold=True)
    _header(so, r + 1, [L["kind"], L["path"], "sha256"])
    r += 2
    for i in d["inputs"]:
        for j, v in enumerate((i["kind"], i["path"], i["sha256"]), 1):
            _put(so, r, j, v)
        r += 1
    r += 1
    _put(so, r, 1, L["catalogs"], bold=True)
    _header(so, r + 1, [L["area"], L["edition"], L["catalog_as_of"], L["path"], "sha256"])
    r += 2
    for a, c in d["catalogs"].items():
        for j, v in enumerate((area_label(d, a, lang), c["edition"], c["as_of"], c["file"], c["sha256"]), 1):
            _put(so, r, j, v, wrap=j == 1)
        r += 1
    r += 1
    _put(so, r, 1, L["rules_version"], bold=True)
    _put(so, r, 2, d["rules_version"])
    r += 2
    _put(so, r, 1, L["citations"], bold=True)
    _header(so, r + 1, [L["source"], L["references"], L["locator"], L["date"], L["url"]])
    r += 2
    for c in cited_sources(d):
        for j, v in enumerate((c.get("source"), c.get("title"), c.get("locator"), c.get("date"), c.get("url")), 1):
            cell = _put(so, r, j, (_day(v) if j == 4 else v) or "", wrap=j == 2)
            if j == 5:
                _link(cell, c.get("url"))
        r += 1
    _widths(so, [22, 60, 66, 12, 50])
    _print_setup(so, f"{L['sources_sheet']}: {p['name']}  {L['evaluated']} {d['as_of']}")

    # waivers
    ws_ = d.get("waivers")
    if ws_:
        wv = wb.create_sheet(L["waivers_sheet"])
        _put(wv, 1, 1, ws_["file"], bold=True)
        _put(wv, 1, 2, ws_["sha256"])
        heads = ["", "ID", L["waiver"], L["justification"], L["approved_by"], L["approved_on"], L["expires"],
                 L["findings_label"], L["line"]]
        _header(wv, 2, heads)
        r = 3
        for kind in ("applied", "expired", "unmatched", "other_profiles"):
            for w in ws_[kind]:
                vals = (L[kind], w.get("id") or "", waiver_target(w), w["justification"], w["approved_by"],
                        _day(w.get("approved_on")) or "", _day(w["expires"]), "\n".join(w["findings"]),
                        w.get("line"))
                for j, v in enumerate(vals, 1):
                    _put(wv, r, j, v, wrap=j in (4, 8))
                r += 1
        wv.freeze_panes = "A3"
        _widths(wv, [12, 14, 40, 50, 18, 12, 12, 18, 6])
        _print_setup(wv, f"{L['waivers_sheet']}: {p['name']}", title_rows="2:2")

    return reproducible_bytes(wb, f"{L['title']}: {p['name']} {d['as_of']}", d["as_of"], lang, d["tool"]["name"])


def reproducible_bytes(wb, title: str, as_of: str, lang: str, creator: str = "gapcheck") -> bytes:
    """The workbook's bytes with no clock time anywhere: its properties and every zip entry are
    dated `as_of` (the evaluation date), so the same inputs give the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = _dt.datetime.fromisoformat(as_of)
    wb.properties.creator = creator
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.language = lang
    buf = io.BytesIO()
    archive = _FixedTimeZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    # a zip stores years 1980..2107 only
    archive.date_time = (min(max(stamp.year, 1980), 2107), stamp.month, stamp.day, 0, 0, 0)
    ExcelWriter(wb, archive).save()
    return buf.getvalue()
