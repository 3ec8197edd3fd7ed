"""The terminal view: the run's identity and summary, the findings grouped by area, the summary
again at the end. Sized to the terminal (engine.report.formats.fit): no line is wider than
`width` display columns.

Two layouts. Where the terminal is wide enough for the key columns and a message column of at
least MESSAGE_MIN columns, one table per area with the message as its last column. Otherwise
(80 or 120 columns) the narrow layout: per finding one line of key columns (ID, status,
severity, deadline, days left, action FY, basis), then the requirement and the message on
lines of their own below it, indented.

Unassessed findings are folded into one line per area (their requirement IDs) unless
`show_all`. This is the terminal view only: the machine formats (JSON, CSV, xlsx) keep every
finding in the documented order.
"""
from __future__ import annotations

from typing import Any

from .common import area_label, basis_label, date_label, header_lines, labels, severity_name, status_name, \
    summary_line, waiver_notes
from .fit import DEFAULT_WIDTH, fit_table, text_width, wrap_to
from .wrap import wrap
from ...errors import printable

MESSAGE_MIN = 40         # narrowest message column of the wide layout
REQUIREMENT_MAX = 36     # "ID requirement name" wraps beyond this in the wide layout
FOLDED = ("unassessed",)


def _days(n: int | None) -> str:
    return "" if n is None else str(n)


def _status(f: dict[str, Any], lang: str) -> str:
    s = status_name(f["status"], lang)
    return s + " *" if f["waiver"] and f["waiver"]["expired"] else s


def _groups(d: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The findings by area, areas in catalog order (unknown areas after), documented order inside."""
    by: dict[str, list] = {}
    for f in d["findings"]:
        by.setdefault(f["area"], []).append(f)
    order = [a for a in d["catalogs"] if a in by] + [a for a in by if a not in d["catalogs"]]
    return [(a, by[a]) for a in order]


def _area_heading(d, area: str, fs: list[dict[str, Any]], lang: str) -> str:
    counts: dict[str, int] = {}
    for f in fs:
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    from ...vocab import FINDING_STATUSES

    parts = [f"{status_name(s, lang)} {counts[s]}" for s in FINDING_STATUSES if counts.get(s)]
    n = f"{len(fs)}件" if lang == "ja" else f"{len(fs)} finding" + ("s" if len(fs) != 1 else "")
    ed = (d["catalogs"].get(area) or {}).get("edition")
    L = labels(lang)
    ed = f"  {L['edition']} {ed}" if ed else ""
    return f"■ {area_label(d, area, lang)}{ed} — {n}: {'、'.join(parts)}" if lang == "ja" else \
        f"■ {area_label(d, area, lang)}{ed} — {n}: {', '.join(parts)}"


def _fold_line(fs: list[dict[str, Any]], lang: str, width: int) -> list[str]:
    ids = ", ".join(f["requirement"] for f in fs)
    text = (f"{status_name('unassessed', lang)} {len(fs)}件（一覧は --all）: {ids}" if lang == "ja" else
            f"{len(fs)} {status_name('unassessed', lang)} (list them with --all): {ids}")
    return wrap_to(text, width, "  ")


def _has_basis(d: dict[str, Any]) -> bool:
    return any(f.get("basis") for f in d["findings"])


def _key_cells(f: dict[str, Any], lang: str, basis: bool, short_deadline: bool) -> list[str]:
    dl = (f["deadline"] or "") if short_deadline else date_label(f["deadline"], lang)
    cells = [f["id"], _status(f, lang), severity_name(f["severity"], lang), dl,
             _days(f["days_to_deadline"]), f["fiscal_year_label"] or ""]
    if basis:
        cells.append(basis_label(f, lang))
    return cells


def _key_headers(L: dict, basis: bool) -> list[str]:
    out = [L[k] for k in ("id", "status", "severity", "deadline", "days", "fy")]
    if basis:
        out.append(L["basis"])
    return out


def _wide(fs, L, lang, width, style, basis) -> str | None:
    """One table with the message as its last column, or None when it would not fit."""
    rows = []
    for f in fs:
        k = _key_cells(f, lang, basis, short_deadline=False)
        rows.append(k[:1] + [wrap(f"{f['requirement']} {f['requirement_name']}", REQUIREMENT_MAX)] + k[1:]
                    + [f["message"]])
    headers = _key_headers(L, basis)
    headers = headers[:1] + [L["requirement"]] + headers[1:] + [L["message"]]
    n = len(headers)
    req_w = min(REQUIREMENT_MAX, max(text_width(r[1]) for r in rows))
    key_w = sum(max(text_width(h), *(text_width(r[j]) for r in rows)) for j, h in enumerate(headers[:-1])
                if j != 1) + req_w
    sep = 2 if style in ("simple", "plain") else 3
    if width - key_w - sep * (n - 1) - (4 if sep == 3 else 0) < MESSAGE_MIN:
        return None
    text = fit_table(rows, headers, width, style=style, wrap_min={1: 16, n - 1: MESSAGE_MIN, 4: 10})
    if text_width(text) > width or "\n\n" in text:        # did not fit as a table
        return None
    return text


def _narrow(fs, L, lang, width, basis) -> list[str]:
    """Key columns on one line (aligned within the area), requirement and message below."""
    headers = _key_headers(L, basis)
    rows = [_key_cells(f, lang, basis, short_deadline=True) for f in fs]
    widths = [max(text_width(h), *(text_width(r[j]) for r in rows)) for j, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        parts = [c + " " * (w - text_width(c)) for c, w in zip(cells, widths)]
        return "  ".join(parts).rstrip()

    out = []
    for ln in wrap_to(line(headers), width):
        out.append(ln)
    out.append("-" * min(text_width(line(headers)), width))
    for f, r in zip(fs, rows):
        out += wrap_to(line(r), width)
        out += wrap_to(f"{f['requirement']} {f['requirement_name']}", width, "  ")
        out += wrap_to(f["message"], width, "    ")
    return out


def render(d: dict[str, Any], style: str = "simple", width: int | None = None, show_all: bool = False,
           **_: Any) -> str:
    lang = d["lang"]
    L = labels(lang)
    width = width or DEFAULT_WIDTH
    basis = _has_basis(d)
    head = [ln for h in header_lines(d, editions=False) for ln in wrap_to(h, width)]
    out: list[str] = head + [""]
    if not d["findings"]:
        out.append(L["none"])
    for area, fs in _groups(d):
        shown = fs if show_all else [f for f in fs if f["status"] not in FOLDED]
        folded = [] if show_all else [f for f in fs if f["status"] in FOLDED]
        out += wrap_to(_area_heading(d, area, fs, lang), width)
        if shown:
            table = _wide(shown, L, lang, width, style, basis)
            out += table.split("\n") if table is not None else _narrow(shown, L, lang, width, basis)
        if folded:
            out += _fold_line(folded, lang, width)
        out.append("")
    if d["findings"]:
        out += wrap_to(summary_line(d), width)
    notes = [printable(n) for n in waiver_notes(d)]          # they name the waiver file
    if any(f["waiver"] and f["waiver"]["expired"] for f in d["findings"]):
        notes.append("* " + ("免除の有効期限が切れているため、本来の状態で表示しています" if lang == "ja" else
                             "the waiver has expired, so the finding keeps its real status"))
    if any(f.get("stale") for f in d["findings"]):
        days = d.get("max_age_days")
        notes.append((f"（古い）: 根拠のデータが{days}日より古い指摘" if lang == "ja" else
                      f"(stale): the finding rests on data older than {days} days") if days else L["stale_note"])
    if notes:
        out.append("")
        for n in notes:          # a waiver's line under the file's, indented as it is
            lead = " " * (len(n) - len(n.lstrip(" ")))
            out += wrap_to(n.strip(), width, lead)
    return "\n".join(out).rstrip("\n") + "\n"
