"""The check digit of the 全国地方公共団体コード, against the rule and against a real list.

The rule (総務省, https://www.soumu.go.jp/denshijiti/code.html; JIS X 0402 calls the digit
検査数字): multiply the first five digits by 6, 5, 4, 3, 2, add, divide by 11, and the check
digit is the last digit of 11 minus the remainder (remainder 0 -> 11 -> 1, remainder 1 -> 10 -> 0).

The list is catalogs/local_governments.csv, a trimmed copy of localgovjp by Code for FUKUI
(https://github.com/code4fukui/localgovjp, CC0 1.0; localgovjp-utf8.csv and prefjp-utf8.csv at
commit 232edc3ae7b6e58d7cc931df6ee09dc7ce2c2257, 2026-07-09): every prefecture, 市町村, 特別区
and ward of a 政令指定都市 with its 6-digit code (docs/CATALOGS.md).
"""
import configparser
import csv

import pytest
import yaml

from gapcheck.cli import main
from gapcheck.engine.load import localgov
from gapcheck.engine.load.models import BilingualValueError, local_gov_check_digit, normalise_code
from gapcheck.engine.load.prefectures import PREFECTURES
from tests.conftest import PROFILES, ROOT


def rule_check_digit(first5: str) -> int:
    """The documented rule, restated: weights 6..2 from the left, the remainder of the sum by 11,
    and the last written digit of 11 minus it."""
    n = int(first5)
    total = 0
    for weight in (2, 3, 4, 5, 6):                 # from the rightmost digit leftwards
        n, digit = divmod(n, 10)
        total += weight * digit
    remainder = total - 11 * (total // 11)
    return int(str(11 - remainder)[-1])


def csv_rows() -> list[list[str]]:
    with open(localgov.csv_path(), encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def govs():
    return localgov.load()


# ---------------------------------------------------------------------------- the rule

def test_rule_restatement_on_worked_examples():
    # 1*6 + 7*5 + 2*4 + 0*3 + 3*2 = 55 = 5*11 + 0 -> 11 -> 1 (小松市)
    assert rule_check_digit("17203") == 1
    # 0*6 + 1*5 + 0 + 0 + 0 = 5 -> 6 (北海道); 0 + 5 + 4 + 0 + 0 = 9 -> 2 (札幌市)
    assert rule_check_digit("01000") == 6 and rule_check_digit("01100") == 2
    # 1*6 + 7*5 + 3*4 + 6*3 + 5*2 = 81 = 7*11 + 4 -> 7 (内灘町)
    assert rule_check_digit("17365") == 7
    # a remainder of 1: 0*6 + 0*5 + 0*4 + 0*3 + 6*2 = 12 -> 10 -> 0
    assert rule_check_digit("00006") == 0


def test_check_digit_follows_the_rule_for_every_five_digit_prefix():
    wrong = [f"{n:05d}" for n in range(100000)
             if local_gov_check_digit(f"{n:05d}") != rule_check_digit(f"{n:05d}")]
    assert not wrong, wrong[:10]


def test_every_remainder_occurs_and_maps_as_documented():
    seen = {}
    for n in range(2000):
        first5 = f"{n:05d}"
        r = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2))) % 11
        seen.setdefault(r, local_gov_check_digit(first5))
    assert seen == {0: 1, 1: 0, 2: 9, 3: 8, 4: 7, 5: 6, 6: 5, 7: 4, 8: 3, 9: 2, 10: 1}


# ---------------------------------------------------------------------------- known codes

@pytest.mark.parametrize("code,name", [
    ("172031", "小松市"), ("173657", "内灘町"), ("011002", "札幌市"), ("010006", "北海道"),
    ("130001", "東京都"), ("131016", "千代田区"), ("172014", "金沢市"), ("172065", "加賀市"),
    ("172103", "白山市"), ("122335", "富里市"), ("082341", "鉾田市"), ("141003", "横浜市"),
    ("271004", "大阪市"), ("472018", "那覇市"),
])
def test_known_codes_are_accepted_and_listed(code, name, govs):
    assert normalise_code(code) == code
    assert govs[code].name == name and localgov.lookup(code).name == name


def test_wrong_check_digit_is_refused_with_the_right_code():
    with pytest.raises(BilingualValueError) as e:
        normalise_code("172030")
    assert "172031" in e.value.hint_en and "172031" in e.value.hint_ja
    with pytest.raises(BilingualValueError) as e:
        normalise_code("17203")                      # five digits: the hint adds the check digit
    assert "172031" in e.value.hint_en
    assert localgov.lookup("172030") is None


def test_init_takes_komatsu(runner, tmp_path):
    out = tmp_path / "komatsu.yaml"
    r = runner.invoke(main, ["init", "--name", "小松市", "--code", "172031", "--as-of", "2026-04-01", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert 'code: "172031"' in text and "prefecture: 石川県" in text
    r = runner.invoke(main, ["validate", str(out), "--as-of", "2026-04-01"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--lang", "en", "init", "--name", "小松市", "--code", "172030"])
    assert r.exit_code == 2 and "check digit" in r.output and "172031" in r.output, r.output


# ---------------------------------------------------------------------------- the list

def test_every_listed_code_passes(govs):
    assert len(govs) > 1900
    bad = [c for c in govs if local_gov_check_digit(c[:5]) != int(c[5]) or normalise_code(c) != c]
    assert not bad, bad[:10]


def test_list_is_complete_enough(govs):
    prefectures = {c: g for c, g in govs.items() if c[2:5] == "000"}
    wards = {c: g for c, g in govs.items() if " " in g.name}          # "札幌市 中央区"
    municipalities = {c: g for c, g in govs.items() if c not in prefectures and c not in wards}
    # 1,718 市町村 + 23 特別区 = 1,741 (2024)
    assert len(municipalities) >= 1700
    special_wards = [g for c, g in municipalities.items() if c.startswith("131")]
    assert len(special_wards) == 23 and all(g.name.endswith("区") for g in special_wards)
    assert all(g.name[-1] in "市町村区" for g in municipalities.values())
    assert {c[:2] for c in municipalities} == set(PREFECTURES)
    assert {c[:2]: g.name for c, g in prefectures.items()} == PREFECTURES
    for c, g in govs.items():
        assert g.prefecture == PREFECTURES[c[:2]], (c, g)
    # a ward belongs to a listed 政令指定都市 of the same prefecture, numbered in its 1xx block
    cities = {(c[:2], g.name) for c, g in municipalities.items() if c[2] == "1" and c[:2] != "13"}
    assert len(cities) == 20
    for c, g in wards.items():
        assert (c[:2], g.name.split(" ")[0]) in cities and c[2] == "1", (c, g)


def test_list_file_is_sorted_and_has_no_duplicates():
    header, *rows = csv_rows()
    assert header == ["code", "pref_code", "prefecture", "name", "kana"]
    codes = [r[0] for r in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert all(len(r) == 5 and len(r[0]) == 6 and r[0].isdigit() and r[1] == r[0][:2] for r in rows)
    assert all(r[3] and r[3] == r[3].strip() for r in rows)
    assert len(localgov.load()) == len(rows) and localgov.load() is localgov.load()


def test_shipped_profiles_use_listed_codes(govs):
    for p in sorted(PROFILES.glob("*.yaml")):
        if p.name == "TEMPLATE.yaml":
            continue                                 # 179990, a code no municipality has
        muni = yaml.safe_load(p.read_text(encoding="utf-8"))["municipality"]
        g = govs.get(muni["code"])
        assert g is not None and g.prefecture == muni["prefecture"], p.name
        # choda.yaml is 鉾田市's plan under an altered name (the profile says so)
        assert g.name == muni["name"] or (p.name, g.name) == ("choda.yaml", "鉾田市"), p.name
    assert localgov.lookup("179990") is None


def test_installs_ship_the_list():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    assert "catalogs/*.csv" in cfg["options.package_data"]["gapcheck"].split()
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert any(ln.startswith("recursive-include catalogs ") and "*.csv" in ln.split() for ln in manifest)
    path = localgov.csv_path()
    assert path.is_file() and path.parent.name == "catalogs" and path.name == "local_governments.csv"


def test_validate_warns_on_another_municipalitys_code(runner, tmp_path):
    """A well-formed code that the list gives to another municipality is a typing error to
    check: validate says so (a warning: the list may predate a merger). A code the list does
    not hold (TEMPLATE.yaml's example, a newer code) is not reported."""
    text = (PROFILES / "uchinada.yaml").read_text(encoding="utf-8")
    unknown = "17999" + str(local_gov_check_digit("17999"))
    assert localgov.lookup(unknown) is None
    for code, words in ((unknown, None), ("172031", "names 172031 小松市, not 内灘町")):
        p = tmp_path / f"{code}.yaml"
        p.write_text(text.replace('code: "173657"', f'code: "{code}"', 1), encoding="utf-8")
        r = runner.invoke(main, ["--lang", "en", "validate", str(p), "--as-of", "2026-12-01"])
        assert r.exit_code == 0, r.output
        assert (words in r.output) if words else ("list of local governments" not in r.output), r.output
    r = runner.invoke(main, ["--lang", "en", "validate", str(PROFILES / "uchinada.yaml"), "--as-of", "2026-12-01"])
    assert "list of local governments" not in r.output
