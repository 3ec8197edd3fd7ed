"""CSV for spreadsheets: UTF-8 with BOM and CRLF line ends (Excel in a Japanese locale opens it
as UTF-8), one row per finding, evidence and references flattened into readable cells (one
entry per line inside the cell).

Cells that a spreadsheet would take for a formula (starting with = + @, or - not followed by a
number) get a leading apostrophe, so a value from a profile can never run as a formula.
"""
from __future__ import annotations

import csv as _csv
import io
import re
from typing import Any

from .common import column_headers, finding_cells

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, str) and v and (v[0] in "=+@\t\r" or (v[0] == "-" and not _NUMBER.fullmatch(v))):
        return "'" + v
    return v


def render(d: dict[str, Any], **_: Any) -> str:
    lang = d["lang"]
    buf = io.StringIO()
    w = _csv.writer(buf, lineterminator="\r\n")
    w.writerow(column_headers(lang))
    for f in d["findings"]:
        w.writerow([safe_cell(v) for v in finding_cells(f, lang)])
    return "\ufeff" + buf.getvalue()
