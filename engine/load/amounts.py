"""Amounts of yen as people write them: 5000000, "5,000,000", "500万円", "約500万円", "5,000千円",
"1.2億円", "1億2,000万円", full-width digits ("５００万円"), "¥5,000,000".

`parse_amount(v)` returns (yen, approximate); approximate is True when the text says so (約, およそ,
概ね, 概算, 程度, 前後, ほど, くらい). Anything else raises AmountError with the problem in English and
Japanese and a hint (it has the `en`/`ja`/`hint_en`/`hint_ja` of models.BilingualValueError, so
pydantic's validation report shows it as it shows the others). No imports beyond the standard
library: the model (models._yen) and the workbook reader both use it.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

EXAMPLES_EN = "e.g. 5000000, 5,000,000, 500万円, 約500万円, 5,000千円, 1.2億円"
EXAMPLES_JA = "例: 5000000、5,000,000、500万円、約500万円、5,000千円、1.2億円"

_APPROX_PREFIX = ("おおよそ", "およそ", "概算", "概ね", "約")
_APPROX_SUFFIX = ("程度", "前後", "ほど", "くらい", "ぐらい")
# units of one term, largest first (千万 and 百万 before 万 and 千: "5百万円" is 5,000,000)
_UNITS = {"兆": 10 ** 12, "億": 10 ** 8, "千万": 10 ** 7, "百万": 10 ** 6, "万": 10 ** 4, "千": 10 ** 3}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_TERM = re.compile(rf"({_NUMBER})(千万|百万|兆|億|万|千)?")


class AmountError(ValueError):
    """An amount that cannot be read, in English and Japanese (a BilingualValueError-like error)."""

    def __init__(self, en: str, ja: str, hint_en: str | None = None, hint_ja: str | None = None):
        self.en, self.ja, self.hint_en, self.hint_ja = en, ja, hint_en, hint_ja or hint_en
        super().__init__(en)


def _refuse(v: object, en: str | None = None, ja: str | None = None) -> AmountError:
    return AmountError(en or f"{v!r} is not an amount of yen",
                       ja or f"{v!r} は金額（円）として読み取れません",
                       "write it " + EXAMPLES_EN, EXAMPLES_JA + " のように書いてください")


def parse_amount(v: object) -> tuple[int, bool]:
    """(yen, approximate) from an int, an integral float (a spreadsheet cell) or a text."""
    if isinstance(v, bool):
        raise _refuse(v)
    if isinstance(v, int):
        if v < 0:
            raise _negative(v)
        return v, False
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")) or not v.is_integer():
            raise _refuse(v, f"{v!r} is not a whole number of yen", f"{v!r} は円単位の整数ではありません")
        if v < 0:
            raise _negative(v)
        return int(v), False
    if not isinstance(v, str):
        raise _refuse(v)
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
    s = s.replace("，", ",").replace("．", ".")
    approximate = False
    for p in _APPROX_PREFIX:
        if s.startswith(p):
            s, approximate = s[len(p):], True
            break
    for suf in _APPROX_SUFFIX:
        if s.endswith(suf):
            s, approximate = s[: -len(suf)], True
            break
    s = s.removeprefix("¥").removeprefix("\\").removeprefix("金")
    s = s.removesuffix("円").removesuffix("也")
    if s.startswith(("-", "−", "▲", "△")):
        raise _negative(v)
    if not s:
        raise _refuse(v)
    pos, total, last_unit = 0, Decimal(0), None
    while pos < len(s):
        m = _TERM.match(s, pos)
        if not m:
            raise _refuse(v)
        unit = _UNITS[m.group(2)] if m.group(2) else 1
        # terms go from the largest unit down (1億2000万), and a bare number only comes last
        if last_unit is not None and unit >= last_unit:
            raise _refuse(v)
        if unit == 1 and m.end() != len(s):
            raise _refuse(v)
        try:
            total += Decimal(m.group(1).replace(",", "")) * unit
        except InvalidOperation:       # pragma: no cover - the pattern admits only digits
            raise _refuse(v) from None
        last_unit, pos = unit, m.end()
    if total != total.to_integral_value():
        raise _refuse(v, f"{v!r} is not a whole number of yen", f"{v!r} は円単位の整数になりません")
    return int(total), approximate


def _negative(v: object) -> AmountError:
    return AmountError(f"{v!r}: an amount cannot be negative", f"{v!r}: 金額は負にできません",
                       "write the cost as a positive number of yen", "費用は0以上の円で書いてください")


def yen_text(yen: int) -> str:
    """5000000 -> '500万円', 5123000 -> '5,123,000円': how a workbook shows an amount."""
    if yen and yen % 10 ** 8 == 0:
        return f"{yen // 10 ** 8:,}億円"
    if yen and yen % 10 ** 4 == 0:
        return f"{yen // 10 ** 4:,}万円"
    return f"{yen:,}円"
