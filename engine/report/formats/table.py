"""The terminal table (tabulate): a header with the run's identity, one row per finding, notes."""
from __future__ import annotations

from typing import Any

from .common import date_label, header_lines, labels, severity_name, status_name, waiver_notes
from .wrap import wrap
from ...errors import printable

MESSAGE_WIDTH = 60       # display columns; longer messages wrap inside their cell
REQUIREMENT_WIDTH = 36   # likewise for "ID requirement name"


def _days(n: int | None) -> str:
    return "" if n is None else str(n)


def render(d: dict[str, Any], style: str = "simple", **_: Any) -> str:
    from tabulate import tabulate

    lang = d["lang"]
    L = labels(lang)
    rows = []
    for f in d["findings"]:
        status = status_name(f["status"], lang)
        if f["waiver"] and f["waiver"]["expired"]:
            status += " *"
        rows.append([
            f["id"], f["rule"], f["area"], wrap(f"{f['requirement']} {f['requirement_name']}", REQUIREMENT_WIDTH),
            status, severity_name(f["severity"], lang), date_label(f["deadline"], lang),
            _days(f["days_to_deadline"]), f["fiscal_year_label"] or "", wrap(f["message"], MESSAGE_WIDTH),
        ])
    headers = [L[k] for k in ("id", "rule", "area", "requirement", "status", "severity", "deadline",
                              "days", "fy", "message")]
    body = (tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True)
            if rows else L["none"])
    notes = [printable(n) for n in waiver_notes(d)]          # they name the waiver file
    if any(f["waiver"] and f["waiver"]["expired"] for f in d["findings"]):
        notes.append("* " + ("免除の有効期限が切れているため、本来の状態で表示しています" if lang == "ja" else
                             "the waiver has expired, so the finding keeps its real status"))
    return "\n".join(header_lines(d)) + "\n\n" + body + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "")
