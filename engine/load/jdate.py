"""Dates the way Japanese plans write them, and fiscal-year (年度) arithmetic.

Everything calendar-related lives here: parsing ISO and 和暦 forms into a span of days,
the fiscal year of a date, and labels in both calendars.

A parsed date is a :class:`Span` (first and last day).  ``2026-03-31`` is one day;
``令和8年9月`` is the month; ``令和7年度`` is 2025-04-01..2026-03-31.  A deadline uses the
span's last day, a planned start its first day.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass

# Era name -> (first day, Gregorian year of era year 1, last day or None)
ERAS = {
    "令和": (_dt.date(2019, 5, 1), 2019, None),
    "平成": (_dt.date(1989, 1, 8), 1989, _dt.date(2019, 4, 30)),
    "昭和": (_dt.date(1926, 12, 25), 1926, _dt.date(1989, 1, 7)),
}
ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}

ACCEPTED_FORMS = (
    "2026-03-31, 2026-03, 2026年3月31日, 令和8年3月31日, 令和8年9月, R8.3.31, H31.3.31, "
    "令和7年度, 令和7年度末, R7年度末, 2025年度, 2026年(令和8年)9月, 令和元年"
)


class DateParseError(ValueError):
    """A date string that is not one of the accepted forms or names no real day."""

    def __init__(self, text: str, reason_en: str, reason_ja: str):
        self.text = text
        self.reason_en = reason_en
        self.reason_ja = reason_ja
        super().__init__(f"{reason_en}: {text!r} (accepted: {ACCEPTED_FORMS})")


@dataclass(frozen=True, order=True)
class Span:
    start: _dt.date
    end: _dt.date
    text: str = ""

    @property
    def is_day(self) -> bool:
        return self.start == self.end


_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                 "六": 6, "七": 7, "八": 8, "九": 9}


def _kanji_number(s: str) -> int:
    """'十二' -> 12, '三十一' -> 31, '二〇二六' -> 2026."""
    if all(ch in _KANJI_DIGITS for ch in s):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in s))
    total, current = 0, 0
    for ch in s:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(ch)
    return total + current


def normalise(text: str) -> str:
    """NFKC (full-width digits, compatibility forms), kanji numerals to digits, no spaces."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = re.sub(r"\s+", "", s)
    s = s.replace("元年", "1年")
    s = re.sub(r"[〇零一二三四五六七八九十百]+", lambda mt: str(_kanji_number(mt.group(0))), s)
    return s


def _last_day_of_month(year: int, month: int) -> _dt.date:
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def _era_year(text: str, era: str, n: int) -> int:
    if n < 1:
        raise DateParseError(text, f"{era} has no year {n}", f"{era}{n}年という年はありません")
    first, base, last = ERAS[era]
    year = base + n - 1
    if last is not None and year > last.year:
        raise DateParseError(
            text, f"{era} ended on {last.isoformat()}; {era}{n}年 does not exist",
            f"{era}は{last.isoformat()}で終わっています。{era}{n}年は存在しません")
    return year


def _check_in_era(text: str, era: str | None, day_span: Span) -> None:
    if era is None:
        return
    first, _, last = ERAS[era]
    if day_span.end < first or (last is not None and day_span.start > last):
        raise DateParseError(text, f"the date is outside the {era} era",
                             f"{era}の期間外の日付です")


def fiscal_year(d: _dt.date) -> int:
    """The fiscal year (年度) a day falls in, named by the calendar year it starts in."""
    return d.year if d.month >= 4 else d.year - 1


def fy_span(fy: int) -> Span:
    return Span(_dt.date(fy, 4, 1), _dt.date(fy + 1, 3, 31), f"{fy}年度")


def wareki_year(year: int, on: _dt.date | None = None) -> str:
    """Era label of a calendar year (or of a specific day, which decides 2019)."""
    d = on or _dt.date(year, 12, 31)
    for era, (first, base, last) in ERAS.items():
        if d >= first and (last is None or d <= last):
            n = d.year - base + 1
            return f"{era}{'元' if n == 1 else n}年"
    return f"{year}年"


@functools.lru_cache(maxsize=1024)
def fy_label(fy: int, lang: str = "ja") -> str:
    """令和7年度 / FY2025 (Apr 2025–Mar 2026)."""
    if lang == "en":
        return f"FY{fy}"
    # A fiscal year is named by the era in force on its first day (1 April)...
    # except FY2019, which is 平成31年度/令和元年度; official usage is 令和元年度.
    start = _dt.date(fy, 4, 1)
    if fy == 2019:
        return "令和元年度"
    return wareki_year(fy, start).replace("年", "年度")


@functools.lru_cache(maxsize=4096)
def date_label(d: _dt.date | None, lang: str = "ja") -> str:
    """'2026-03-31 (令和8年3月31日)' in Japanese, ISO in English."""
    if d is None:
        return "-"
    if lang == "en":
        return d.isoformat()
    if d == fy_span(fiscal_year(d)).end:
        return f"{d.isoformat()} ({fy_label(fiscal_year(d))}末)"
    return f"{d.isoformat()} ({wareki_year(d.year, d)}{d.month}月{d.day}日)"


_ERA_PREFIX = r"(?P<era>令和|平成|昭和|[RHS])\.?"
_PATTERNS = [
    # 2026-03-31, 2026/3/31, 2026.3.31
    ("ymd", re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$")),
    ("ym", re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$")),
    # 2026年3月31日, 2026年3月, 2026年 ; 2025年度, 2025年度末
    ("jymd", re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")),
    ("jym", re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<tail>末|中)?$")),
    ("jfy", re.compile(r"^(?P<y>\d{4})年度(?P<tail>末|中)?$")),
    ("fy", re.compile(r"^FY(?P<y>\d{4})$", re.I)),
    ("jy", re.compile(r"^(?P<y>\d{4})年$")),
    # 令和8年3月31日, 令和8年9月, 令和7年度(末), 令和元年, R8.3.31, H31.3.31, R8年9月
    ("eymd", re.compile(_ERA_PREFIX + r"(?P<n>\d{1,2})(?:年|[./-])(?P<m>\d{1,2})(?:月|[./-])(?P<d>\d{1,2})日?$")),
    ("eym", re.compile(_ERA_PREFIX + r"(?P<n>\d{1,2})(?:年(?P<m1>\d{1,2})月(?P<tail>末|中)?|[./-](?P<m2>\d{1,2}))$")),
    ("efy", re.compile(_ERA_PREFIX + r"(?P<n>\d{1,2})年度(?P<tail>末|中)?$")),
    ("ey", re.compile(_ERA_PREFIX + r"(?P<n>\d{1,2})年$")),
]


def _mkdate(text: str, y: int, m: int, d: int) -> _dt.date:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        raise DateParseError(text, f"{y}-{m:02d}-{d:02d} is not a real day",
                             f"{y}年{m}月{d}日は実在しない日付です") from None


def _month_span(text: str, y: int, m: int, tail: str | None) -> Span:
    if not 1 <= m <= 12:
        raise DateParseError(text, f"month {m} does not exist", f"{m}月という月はありません")
    last = _last_day_of_month(y, m)
    if tail == "末":
        return Span(last, last, text)
    return Span(_dt.date(y, m, 1), last, text)


def _fy_spanned(text: str, fy: int, tail: str | None) -> Span:
    s = fy_span(fy)
    if tail == "末":
        return Span(s.end, s.end, text)
    return Span(s.start, s.end, text)


MIN_YEAR, MAX_YEAR = 1900, 2999   # dates gapcheck accepts (plans, deadlines, evaluation dates)


def parse_span(value: object) -> Span:
    """Parse a date in any accepted form into the span of days it names.

    Raises DateParseError for unknown or impossible forms, and for years outside
    MIN_YEAR..MAX_YEAR.  Mixed forms such as '2026年(令和8年)9月' are accepted when both
    calendars agree, and rejected when not.
    """
    key = (type(value), value) if isinstance(value, (str, int)) else None
    if key is not None:
        hit = _spans.get(key)
        if hit is not None:
            return hit
    try:
        span = _parse_span(value)
    except DateParseError:
        raise
    except (ValueError, OverflowError):      # a year the calendar cannot hold (0, 10000)
        span = Span(_dt.date.min, _dt.date.min, str(value))
    if not (MIN_YEAR <= span.start.year and span.end.year <= MAX_YEAR):
        raise DateParseError(str(value), f"the year is outside {MIN_YEAR}..{MAX_YEAR}",
                             f"{MIN_YEAR}年から{MAX_YEAR}年までの日付を指定してください")
    if key is not None and len(_spans) < 8192:
        _spans[key] = span       # Span is frozen; the same text names the same days
    return span


_spans: dict[tuple[type, object], Span] = {}


def _parse_span(value: object) -> Span:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return Span(value, value, value.isoformat())
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise DateParseError(str(value), "not a date", "日付ではありません")
    text = str(value)
    s = normalise(text)
    # Mixed form: 2026年(令和8年)9月 / 令和8年(2026年)9月
    mixed = re.match(r"^(?P<a>[^()]+?)\((?P<b>[^()]+?)\)(?P<rest>.*)$", s)
    if mixed:
        a, b, rest = mixed.group("a"), mixed.group("b"), mixed.group("rest")
        sa = parse_span(a + rest)
        sb = parse_span(b + rest)
        if (sa.start, sa.end) != (sb.start, sb.end):
            raise DateParseError(text, "the two calendars in this date disagree",
                                 "西暦と和暦が一致しません")
        return Span(sa.start, sa.end, text)
    if re.match(r"^(\d{4})", s) and not MIN_YEAR <= int(s[:4]) <= MAX_YEAR:
        raise DateParseError(text, f"the year is outside {MIN_YEAR}..{MAX_YEAR}",
                             f"{MIN_YEAR}年から{MAX_YEAR}年までの日付を指定してください")
    for kind, pat in _PATTERNS:
        mt = pat.match(s)
        if not mt:
            continue
        g = mt.groupdict()
        era = None
        if "era" in g and g["era"]:
            era = ERA_LETTERS.get(g["era"].upper(), g["era"])
            y = _era_year(text, era, int(g["n"]))
        else:
            y = int(g["y"])
        tail = g.get("tail")
        if kind in ("ymd", "jymd", "eymd"):
            d = _mkdate(text, y, int(g["m"]), int(g["d"]))
            span = Span(d, d, text)
        elif kind in ("ym", "jym", "eym"):
            month = g.get("m") or g.get("m1") or g.get("m2")
            span = _month_span(text, y, int(month), tail)
        elif kind in ("jfy", "fy", "efy"):
            span = _fy_spanned(text, y, tail)
        else:  # a whole calendar year
            span = Span(_dt.date(y, 1, 1), _dt.date(y, 12, 31), text)
        if era is not None:
            if kind == "ey":
                first, _, last = ERAS[era]
                span = Span(max(span.start, first), min(span.end, last or span.end), text)
            if kind == "efy":
                # a fiscal year may be named by either era it overlaps: 平成31年度(末) and
                # 令和元年度 are both FY2019; 平成32年度 is not a fiscal year
                _check_in_era(text, era, fy_span(y))
            else:
                _check_in_era(text, era, span)
        return span
    raise DateParseError(text, "not a recognised date", "日付として読み取れません")


def parse_deadline(value: object) -> _dt.date:
    """The last day of the span: '令和8年9月' -> 2026-09-30, '令和7年度' -> 2026-03-31."""
    return parse_span(value).end


def parse_day(value: object) -> _dt.date:
    """A date that must name exactly one day (e.g. --as-of)."""
    span = parse_span(value)
    if not span.is_day:
        # '令和8年9月' names a month: say that a day is needed, with that month's first day as
        # the example ("1日を指定" would read as "the 1st")
        ex_w, ex_iso = to_wareki(span.start), span.start.isoformat()
        raise DateParseError(str(value), f"a day is needed, not a month or a year: e.g. {ex_w} or {ex_iso}",
                             f"年月や年度ではなく日付（日まで）が必要です。例: {ex_w}、{ex_iso}")
    return span.start


def to_wareki(d: _dt.date) -> str:
    """'令和8年3月31日' (元年 for the first year of an era)."""
    label = wareki_year(d.year, d)
    return f"{label}{d.month}月{d.day}日"


def parse_fy(value: object) -> int:
    """A fiscal year from '2027', 'FY2027', 'R9', '令和9年度', '2027年度'."""
    s = normalise(str(value))
    if re.fullmatch(r"\d{4}", s):
        if not MIN_YEAR <= int(s) <= MAX_YEAR - 1:
            raise DateParseError(str(value), f"the year is outside {MIN_YEAR}..{MAX_YEAR - 1}",
                                 f"{MIN_YEAR}年度から{MAX_YEAR - 1}年度までを指定してください")
        return int(s)
    m = re.fullmatch(r"(?:令和|R)(\d{1,2})(?:年度)?", s, re.I)
    if m:
        return _era_year(str(value), "令和", int(m.group(1)))
    m = re.fullmatch(r"(?:平成|H)(\d{1,2})(?:年度)?", s, re.I)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 31:
            raise DateParseError(str(value), f"平成{n}年度 does not exist", f"平成{n}年度は存在しません")
        return 1988 + n
    bad = DateParseError(str(value), "not a fiscal year (e.g. 2027, R9, 令和9年度, FY2027)",
                         "年度として読み取れません（例: 2027、R9、令和9年度、FY2027）")
    try:
        span = parse_span(s)
    except DateParseError:
        raise bad from None
    whole = fy_span(fiscal_year(span.start))
    if (span.start, span.end) != (whole.start, whole.end):
        raise bad
    return fiscal_year(span.start)


def deadline_class(deadline: _dt.date | None, as_of: _dt.date) -> str:
    """overdue | current_fy (due in the evaluation date's FY) | next_fy | later | none."""
    if deadline is None:
        return "none"
    if deadline < as_of:
        return "overdue"
    fy, dfy = fiscal_year(as_of), fiscal_year(deadline)
    if dfy == fy:
        return "current_fy"
    if dfy == fy + 1:
        return "next_fy"
    return "later"
