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
