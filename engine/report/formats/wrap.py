"""Wrapping table cells to a display width, with Japanese line-breaking rules.

The terminal tables (tabulate) get their long cells already wrapped here. Japanese text has no
spaces, so a wrapper that breaks only at spaces cuts it at arbitrary points and leaves "(" at the
end of a line or "、" at the start of one. Here a line may break at a space or between two
full-width characters; a run of narrow characters (an English word, an ISO date, a code) and a
和暦 date (令和7年度末) stay whole when they fit on a line; and the basic 禁則 rules hold
where a break allows it: closing brackets and punctuation (、。）」 and the like) do not start a
line, opening brackets do not end one. Spaces are dropped only at a break and at either end of
a paragraph that is wrapped. Widths are wcwidth's, the measure tabulate aligns the columns with,
so a line is never wider than asked, except for a single character wider than the whole line.

The text is shown, not stored: tabs become spaces and other control characters (a terminal
escape sequence in a profile value, say) become U+FFFD, so they cannot upset the table or the
terminal. The JSON and the other formats keep the text as it is.

It is also much quicker than tabulate's own wrapping (textwrap with a width function; the
figures are in benchmarks/README.md).
"""
from __future__ import annotations

import re
from functools import lru_cache

from wcwidth import wcswidth

# zero-width characters that belong to the character before them: combining marks, variation
# selectors, ZWJ, skin tones, tags
_ZW = r"\u0300-\u036f\u20d0-\u20ff\u3099\u309a\ufe00-\ufe0f\u200b-\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
# printable narrow characters: ASCII, Latin, Greek, Cyrillic (below U+1100), Vietnamese
# letters, dashes and quotes, half-width katakana with its sound marks
_NARROW = r"!-~\xa1-\u10ff\u1e00-\u1eff\u2010-\u2027\uff61-\uff9f"
# a token: a 和暦 date, a run of spaces, a run of narrow characters (a no-break space joins
# two), a flag (two regional indicators), or one other character with its zero-width followers
# (and, after a ZWJ, the character it joins)
_TOKEN = re.compile(
    r"(?:令和|平成|昭和)(?:[0-9]{1,2}|元)年(?:度末|度|[0-9]{1,2}月(?:[0-9]{1,2}日|末)?)?"
    r"| +"
    rf"|(?:[{_NARROW}]|[{_ZW}])+(?:\xa0(?:[{_NARROW}]|[{_ZW}])+)*"
    r"|[\U0001f1e6-\U0001f1ff]{2}"
    rf"|.(?:[{_ZW}]|(?<=\u200d)[^ ])*", re.S)
_UNIT = re.compile(rf".[{_ZW}\uff9e\uff9f]*", re.S)     # with zero-width marks and ﾞﾟ
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NO_START = set("、。，．,.)）」』】〕〉》］｝!！?？:：;；・ー…‥ゝゞヽヾ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
               "%％｡､｣ｰｧｨｩｪｫｬｭｮｯ”’")
NO_END = set("(（「『【〔〈《［｛｢“‘")
LOOK_BACK = 6        # tokens a break may move back to satisfy 禁則


def display(text: str) -> str:
    """The text as a table shows it: CRLF as a newline, tabs as spaces, other control
    characters as U+FFFD."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", "\n").replace("\t", " "))


@lru_cache(maxsize=4096)
def _width(token: str) -> int:
    return max(wcswidth(token), 0)


def _tokens(text: str, width: int) -> list[tuple[str, int]]:
    """Tokens and their widths, with narrow runs longer than a line cut into line-sized pieces."""
    out = []
    for tok in _TOKEN.findall(text):
        w = _width(tok)
        if w <= width or len(tok) == 1:
            out.append((tok, w))
        elif tok.isascii():
            out.extend((piece, len(piece)) for piece in _cut(tok, width))
        else:
            piece = ""
            for ch in _UNIT.findall(tok):           # a character with its zero-width followers
                if piece and _width(piece + ch) > width:
                    out.append((piece, _width(piece)))
                    piece = ""
                piece += ch
            out.append((piece, _width(piece)))
    return out


def _cut(tok: str, width: int) -> list[str]:
    """An ASCII run longer than a line in line-sized pieces, each ending after a '.', '_', '/'
    or '-' where one lies in the later two thirds of the line (a rule ID breaks after its area:
    'base_systems.' / 'overdue_late_plan'), else at the width."""
    out = []
    while len(tok) > width:
        k = max(tok.rfind(c, 0, width) for c in "._/-") + 1
        k = k if k > width // 3 else width
        out.append(tok[:k])
        tok = tok[k:]
    return out + ([tok] if tok else [])


def _trim(toks: list[str], end: bool = True) -> list[str]:
    """Without spaces at the start, and (end=True) at the end."""
    i, j = 0, len(toks)
    while i < j and toks[i][0] == " ":
        i += 1
    while end and j > i and toks[j - 1][0] == " ":
        j -= 1
    return toks[i:j]


def _break_at(line: list[str], tok: str, width: int) -> int:
    """Where to end the current line when `tok` does not fit: the latest point (at most
    LOOK_BACK tokens back) after which the next line does not start with a NO_START character,
    this one does not end with a NO_END character, and what moves down still fits with `tok`.
    Where no such point exists, right before `tok`."""
    for k in range(len(line), max(len(line) - LOOK_BACK - 1, 0), -1):
        here, down = _trim(line[:k]), _trim(line[k:] + [tok])
        if not here or not down:
            continue
        if down[0][0] in NO_START or here[-1][-1] in NO_END:
            continue
        if k == len(line) or sum(map(_width, down)) <= width:
            return k
    return len(line)


def wrap_line(text: str, width: int) -> list[str]:
    lines: list[list[str]] = []
    line: list[str] = []        # never starts with a space, so non-empty means it has text
    used = 0
    for tok, w in _tokens(text, width):
        if tok[0] == " ":
            if line:
                line.append(tok)
                used += w
            continue
        if used + w > width and line:
            k = _break_at(line, tok, width)
            lines.append(_trim(line[:k]))
            line = _trim(line[k:], end=False)      # keeps the spaces before tok
            used = sum(map(_width, line))
        line.append(tok)
        used += w
    line = _trim(line)
    if line or not lines:
        lines.append(line)
    return ["".join(ln) for ln in lines]


def wrap(text: str, width: int | None) -> str:
    """`text` as shown (see display()) with newlines inserted so that no line is wider than
    `width` display columns (None: only display()). Existing newlines are kept."""
    text = display(text)
    if width is None or "\n" not in text and _width(text) <= width:
        return text
    width = max(width, 1)
    return "\n".join(ln for para in text.split("\n") for ln in wrap_line(para, width))
