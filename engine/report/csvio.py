"""The one CSV writer: UTF-8 with BOM and CRLF line ends (Excel in a Japanese locale opens it as
UTF-8), every cell neutralised so that no value can run as a formula in a spreadsheet.

A cell a spreadsheet would take for a formula gets a leading apostrophe: one starting with
= + @ (or their full-width forms), a tab or a carriage return, or - not followed by a number
(so -237 stays a number and -2+3+cmd|' /C calc'!A0 is text). None is an empty cell.
Every CSV gapcheck writes (findings, budget, batch summary) goes through write_csv.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA_START = "=+@\t\r＝＋＠"


def safe_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, str) and v and (v[0] in _FORMULA_START or
                                     (v[0] in "-－" and not _NUMBER.fullmatch(v))):
        return "'" + v
    return v


def write_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_cell(v) for v in header])
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()
