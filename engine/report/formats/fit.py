"""Tables that fit the terminal: the one width rule of every terminal table gapcheck prints.

The width is the terminal's (``shutil.get_terminal_size``, which reads ``COLUMNS`` first); when
the output is not a terminal and ``COLUMNS`` is unset, 100 columns. No line of a table is wider
than that: widths are display widths (wcwidth: a full-width character counts 2), the columns
that may wrap are narrowed, widest first, and their cells wrapped with Japanese line-breaking
rules (engine.report.formats.wrap). Where even that cannot make a table fit (too many columns
for a very narrow terminal), each row is printed as ``heading: value`` lines instead.

`fit_table` is used by the findings table and by `catalogs`, `rules`, `budget` and `diff`.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from .wrap import _width, display, wrap

DEFAULT_WIDTH = 100      # not a terminal and COLUMNS unset
MIN_WIDTH = 20


def terminal_width(default: int = DEFAULT_WIDTH) -> int:
    """The width to print in: COLUMNS, else the terminal's, else `default`."""
    import shutil

    cols = shutil.get_terminal_size((default, 24)).columns
    return max(cols if cols > 0 else default, MIN_WIDTH)


def text_width(text: str) -> int:
    """The display width of the widest line of `text`."""
    return max((_width(ln) for ln in display(text).split("\n")), default=0)


def wrap_to(text: str, width: int, indent: str = "") -> list[str]:
    """`text` wrapped to `width` display columns, every line starting with `indent`."""
    inner = max(width - _width(indent), 1)
    return [indent + ln for ln in wrap(text, inner).split("\n")]


def fit_text(text: str, width: int) -> str:
    """Every line wider than `width` wrapped (its continuation indented like it): for the prose
    around the tables, which fit_table has already sized."""
    out = []
    for ln in text.split("\n"):
        if _width(ln) <= width:
            out.append(ln)
            continue
        indent = " " * min(len(ln) - len(ln.lstrip(" ")), width // 2)
        first, *rest = wrap_to(ln.strip(" "), width, indent)
        out.append(first)
        out += wrap_to(" ".join(r.strip() for r in rest), width, indent + "  ") if rest else []
    return "\n".join(out)


def _cell(v: Any) -> str:
    return "" if v is None else display(str(v))


def _records(rows: list[list[str]], headers: Sequence[str], width: int) -> str:
    """The fallback layout: every row as `heading: value` lines, rows separated by a blank line."""
    out: list[str] = []
    for row in rows:
        if out:
            out.append("")
        for h, v in zip(headers, row):
            if v == "":
                continue
            label = f"{h}: " if h else ""
            lines = wrap(v.replace("\n", " "), max(width - _width(label), 1)).split("\n")
            if _width(label) + max(map(_width, lines)) > width:       # a heading wider than the line
                out += wrap_to(label.strip(), width)
                out += wrap_to(v.replace("\n", " "), width, "  ")
                continue
            out.append(label + lines[0])
            out += [" " * _width(label) + ln for ln in lines[1:]]
    return "\n".join(out)


def fit_table(rows: Iterable[Sequence[Any]], headers: Sequence[str], width: int, *,
              style: str = "simple", wrap_min: dict[int, int] | None = None, colalign=None) -> str:
    """tabulate(rows, headers) with no line wider than `width`.

    `wrap_min` maps the index of each column that may wrap to its narrowest width (default:
    every column, 4 columns at least); the widest of them is narrowed first."""
    import tabulate as _tabulate

    padding = _tabulate.MIN_PADDING
    _tabulate.MIN_PADDING = 0          # a column is as wide as its widest line, header included
    try:
        return _fit(_tabulate.tabulate, rows, headers, width, style, wrap_min, colalign)
    finally:
        _tabulate.MIN_PADDING = padding


def _fit(tabulate, rows, headers, width, style, wrap_min, colalign) -> str:
    rows = [[_cell(v) for v in r] for r in rows]
    headers = [_cell(h) for h in headers]
    n = len(headers)
    if wrap_min is None:
        wrap_min = {j: 4 for j in range(n)}
    widths = [max([text_width(headers[j])] + [text_width(r[j]) for r in rows]) for j in range(n)]
    kw = {"tablefmt": style, "disable_numparse": True}
    if colalign:
        kw["colalign"] = colalign
    for _ in range(60):
        cells = [[wrap(r[j], widths[j]) if j in wrap_min else r[j] for j in range(n)] for r in rows]
        heads = [wrap(headers[j], widths[j]) if j in wrap_min else headers[j] for j in range(n)]
        text = tabulate(cells, headers=heads, **kw)
        excess = text_width(text) - width
        if excess <= 0:
            return text
        # narrow the widest wrappable columns by the excess, one column at a time
        while excess > 0:
            shrinkable = [j for j in wrap_min if widths[j] > wrap_min[j]]
            if not shrinkable:
                return _records(rows, headers, width)
            j = max(shrinkable, key=lambda k: widths[k])
            widths[j] -= 1
            excess -= 1
    return _records(rows, headers, width)
