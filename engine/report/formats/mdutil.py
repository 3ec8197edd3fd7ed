"""Markdown text helpers (no imports beyond the standard library: also used by `gapcheck diff`)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ...errors import escape_controls

# Backslash-escaped, so that text from a profile, a waiver or a file name can never become a
# link, an image or code: [x](javascript:…), ![](http://tracker), `code` (a link or an image
# needs its brackets; parentheses and ! alone are plain text, as in dates). The backslash too,
# so that text cannot undo an escape.
_MD_SPECIAL = re.compile(r"([\\`\[\]])")
# GitHub's autolinks (http://…, https://…, ftp://…, www.…) are cut by an escape that does not show.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-]):(?=//)|(?<![a-z0-9])(www)\.")


def esc(v: Any) -> str:
    """Text as markdown shows it, never markup: HTML-significant characters as entities (no raw
    HTML gets in), link, image and code syntax escaped, autolinks cut, control characters as
    \\x1b, line breaks as <br>."""
    if v is None:
        return ""
    s = str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _AUTOLINK.sub(lambda m: m.group(1) + "\\." if m.group(1) else "\\:", s)
    s = escape_controls(s)      # only a file name can still carry one
    return s.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def link(text: Any, url: str | None) -> str:
    """A link gapcheck itself makes (a catalog source's URL): only http(s), the URL written as a
    destination in angle brackets with the characters that would end it percent-encoded;
    anything else is shown as text."""
    if url and re.match(r"(?i)https?://[^\s<>\x00-\x1f\x7f]+\Z", url):
        return f"[{esc(text)}](<{quote(url, safe=':/?#[]@!$&*+,;=%~.-_')}>)"
    return esc(f"{text} <{url}>" if url else text)


def cell(v: Any) -> str:
    """One table cell: escaped, pipes escaped, line breaks as <br>."""
    return esc(v).replace("|", "\\|")


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(cell(h) for h in headers) + " |",
           "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return out
