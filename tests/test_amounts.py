"""Amounts of yen as people write them (engine/load/amounts.py)."""
import pytest
from hypothesis import given, strategies as st

from gapcheck.engine.load.amounts import AmountError, parse_amount, yen_text


@pytest.mark.parametrize("text, yen, approx", [
    (5000000, 5000000, False),
    (5000000.0, 5000000, False),
    ("5000000", 5000000, False),
    ("5,000,000", 5000000, False),
    ("5,000,000円", 5000000, False),
    ("¥5,000,000", 5000000, False),
    ("￥５，０００，０００", 5000000, False),
    ("500万円", 5000000, False),
    ("５００万円", 5000000, False),
    ("約500万円", 5000000, True),
    ("およそ500万円", 5000000, True),
    ("500万円程度", 5000000, True),
    ("5,000千円", 5000000, False),
    ("5百万円", 5000000, False),
    ("1.2億円", 120000000, False),
    ("1億2,000万円", 120000000, False),
    ("1億2000万", 120000000, False),
    ("3兆円", 3 * 10 ** 12, False),
    (" 500 万 円 ", 5000000, False),
    ("0", 0, False),
])
def test_spellings(text, yen, approx):
    assert parse_amount(text) == (yen, approx)


@pytest.mark.parametrize("text", ["", "約", "万円", "1,20,000", "百万円", "-5", "▲500万円", "1.5", "1.00001万円",
                                  "500万円万", "2000万1億", "五百万円", "5000000ドル", "abc", True, None, 1.5,
                                  float("nan"), -1, [1]])
def test_refused_with_both_languages(text):
    with pytest.raises(AmountError) as e:
        parse_amount(text)
    assert e.value.en and e.value.ja and e.value.hint_en and e.value.hint_ja
    assert "円" in e.value.ja or "金額" in e.value.ja


@given(st.integers(min_value=0, max_value=10 ** 13), st.booleans(), st.booleans())
def test_written_forms_read_back(yen, approx, full_width):
    text = yen_text(yen)
    if approx:
        text = "約" + text
    if full_width:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789,"})
    assert parse_amount(text) == (yen, approx)
    assert parse_amount(f"{yen:,}") == (yen, False)
    if yen % 1000 == 0:
        assert parse_amount(f"{yen // 1000:,}千円") == (yen, False)
