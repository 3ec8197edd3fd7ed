"""Markdown text helpers (no imports: also used by `gapcheck diff`)."""
from __future__ import annotations

from typing import Any


def esc(v: Any) -> str:
    """Text as markdown shows it: HTML-significant characters as entities (no raw HTML gets in)."""
    return "" if v is None else str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(v: Any) -> str:
    """One table cell: escaped, pipes escaped, line breaks as <br>."""
    s = esc(v).replace("\\", "\\\\").replace("|", "\\|")
    return s.replace("\r\n", "<br>").replace("\n", "<br>")


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(cell(h) for h in headers) + " |",
           "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return out
