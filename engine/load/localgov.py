"""Japan's local governments by 全国地方公共団体コード, from catalogs/local_governments.csv.

The list is a trimmed copy of localgovjp by Code for FUKUI (https://github.com/code4fukui/localgovjp,
CC0 1.0): its localgovjp-utf8.csv (municipalities, 特別区 and the wards of 政令指定都市; last
changed in commit cd94f841f22235759ed29e7f38ecc2fbc6671e6b, 2026-07-09) and prefjp-utf8.csv
(the 47 prefectures; last changed in commit 4c7b5625a1e0c6322825c668b3682eff09f1cbd0,
2026-01-24), both read at the repository's commit 232edc3ae7b6e58d7cc931df6ee09dc7ce2c2257
(2026-07-09). 1,963 rows: 47 prefectures, 1,741 市町村 and 特別区, 175 wards of 政令指定都市
(written "札幌市 中央区"). Columns: code (6 digits with the check digit), pref_code, prefecture,
name, kana (hiragana). docs/CATALOGS.md says more.

Only the csv module is imported; the file is read once, on first use.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE_NAME = "local_governments.csv"
SOURCE = "localgovjp, 2026-07-09"        # how messages name the list


@dataclass(frozen=True)
class LocalGov:
    code: str           # 全国地方公共団体コード, 6 digits with the check digit
    prefecture: str     # 北海道, 石川県, ...
    name: str           # 内灘町; a ward of a 政令指定都市 as "札幌市 中央区"; a prefecture its own name
    kana: str           # ひらがな, "" where the list has none


def csv_path() -> Path:
    """Where the list is read from: catalogs/local_governments.csv under the data root."""
    from .paths import data_root

    return data_root() / "catalogs" / FILE_NAME


@lru_cache(maxsize=1)
def _load() -> dict[str, LocalGov]:
    with open(csv_path(), encoding="utf-8", newline="") as f:
        return {row["code"]: LocalGov(row["code"], row["prefecture"], row["name"], row.get("kana") or "")
                for row in csv.DictReader(f)}


def load() -> dict[str, LocalGov]:
    """Every listed local government by code, in the file's order (sorted by code).

    The same dictionary is returned on every call; treat it as read-only."""
    return _load()


def lookup(code: str) -> LocalGov | None:
    """The local government with this 6-digit code, None if the list has none."""
    return _load().get(code)


def full_code(v: object, digits: int | None = None) -> str:
    """A 全国地方公共団体コード given with 5 digits (without the check digit, as many survey files
    write it) or 6: the 6-digit code. A number that lost its leading 0 is padded to `digits` (5 or
    6) when the source says which; else 4 digits are read as 5 (1100 -> 01100 -> 011002), and 5
    digits as a 6-digit code that lost its 0 when that is a listed code with a right check digit
    (11002 -> 011002, 札幌市), otherwise as 5 digits. Anything else raises
    models.BilingualValueError (a wrong check digit too)."""
    import re
    import unicodedata

    from .models import BilingualValueError, local_gov_check_digit, normalise_code

    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        s = str(v)
        if digits:
            s = s.zfill(digits)
        elif len(s) <= 4:
            s = s.zfill(5)
        elif len(s) == 5:
            six = s.zfill(6)
            if local_gov_check_digit(six[:5]) == int(six[5]) and six in _load():
                s = six
    else:
        s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v or "")))
        m = re.fullmatch(r"(\d{5})[-‐ー−](\d)", s)
        if m:
            s = m.group(1) + m.group(2)
    if re.fullmatch(r"\d{5}", s):
        return s + str(local_gov_check_digit(s))
    if not s:
        raise BilingualValueError("the code is empty", "団体コードが空欄です")
    return normalise_code(s)
