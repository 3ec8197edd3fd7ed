"""CSV for spreadsheets (engine.report.csvio: UTF-8 with BOM, CRLF, formulas neutralised), one
row per finding, evidence and references flattened into readable cells (one entry per line
inside the cell)."""
from __future__ import annotations

from typing import Any

from ..csvio import write_csv
from .common import column_headers, finding_cells


def render(d: dict[str, Any], **_: Any) -> str:
    lang = d["lang"]
    return write_csv(column_headers(lang), (finding_cells(f, lang, d) for f in d["findings"]))
