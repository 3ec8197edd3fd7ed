"""和暦 and fiscal-year arithmetic: property-based round trips and the known boundaries."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapcheck.engine.load import jdate
from gapcheck.engine.load.jdate import DateParseError

days = st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2099, 12, 31))


def to_fullwidth(s):
    return s.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@settings(max_examples=500)
@given(days)
def test_wareki_round_trip(d):
    w = jdate.to_wareki(d)
    assert jdate.parse_day(w) == d
    assert jdate.parse_day(to_fullwidth(w)) == d
    assert jdate.parse_day(d.isoformat()) == d


@settings(max_examples=300)
@given(days)
def test_fiscal_year_contains_its_days(d):
    fy = jdate.fiscal_year(d)
    span = jdate.fy_span(fy)
    assert span.start <= d <= span.end
    assert jdate.parse_fy(str(fy)) == fy
    assert jdate.parse_span(f"{fy}年度").start == span.start
    assert jdate.parse_deadline(f"{fy}年度末") == span.end
    if fy >= 2019:
        n = fy - 2018
        assert jdate.parse_fy(f"R{n}") == fy
        assert jdate.parse_deadline(f"令和{n}年度末") == span.end
        assert jdate.fy_label(fy) in (f"令和{n}年度", "令和元年度")


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2099, 12, 31)))
def test_month_forms_agree(d):
    n = d.year - 2018
    forms = [f"令和{n}年{d.month}月", f"R{n}年{d.month}月", f"{d.year}年{d.month}月",
             f"{d.year}年(令和{n}年){d.month}月", f"{d.year}-{d.month:02d}"]
    spans = {(jdate.parse_span(f).start, jdate.parse_span(f).end) for f in forms}
    assert len(spans) == 1
    start, end = spans.pop()
    assert start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and start <= d <= end


def test_fiscal_year_boundaries():
    assert jdate.fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert jdate.fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert jdate.parse_deadline("令和7年度末") == dt.date(2026, 3, 31)
    assert jdate.parse_span("令和8年度").start == dt.date(2026, 4, 1)


def test_era_change():
    assert jdate.parse_day("平成31年4月30日") == dt.date(2019, 4, 30)
    assert jdate.parse_day("令和元年5月1日") == dt.date(2019, 5, 1)
    assert jdate.to_wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert jdate.to_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert jdate.parse_day("H31.3.31") == dt.date(2019, 3, 31)
    assert jdate.fy_label(2019) == "令和元年度" and jdate.fy_label(2018) == "平成30年度"


@pytest.mark.parametrize("text,expected", [
    ("令和8年9月", (dt.date(2026, 9, 1), dt.date(2026, 9, 30))),
    ("２０２６年（令和８年）９月", (dt.date(2026, 9, 1), dt.date(2026, 9, 30))),
    ("令和元年", (dt.date(2019, 5, 1), dt.date(2019, 12, 31))),
    ("令和七年度末", (dt.date(2026, 3, 31), dt.date(2026, 3, 31))),
    ("二〇二六年三月三十一日", (dt.date(2026, 3, 31), dt.date(2026, 3, 31))),
    ("R7年度末", (dt.date(2026, 3, 31), dt.date(2026, 3, 31))),
    ("FY2027", (dt.date(2027, 4, 1), dt.date(2028, 3, 31))),
])
def test_accepted_forms(text, expected):
    s = jdate.parse_span(text)
    assert (s.start, s.end) == expected


@pytest.mark.parametrize("text", [
    "令和0年", "2026-02-30", "平成32年", "平成31年5月1日", "2026年(令和7年)9月", "令和8年13月",
    "26-03-31", "8年9月", "来年度", "", "R", "2026/3/31/1",
])
def test_invalid_or_ambiguous_forms_are_errors(text):
    with pytest.raises(DateParseError) as e:
        jdate.parse_span(text)
    assert e.value.reason_en and e.value.reason_ja


def test_deadline_classes():
    as_of = dt.date(2026, 11, 23)
    c = jdate.deadline_class
    assert c(dt.date(2026, 3, 31), as_of) == "overdue"
    assert c(dt.date(2027, 3, 31), as_of) == "current_fy"
    assert c(dt.date(2027, 4, 1), as_of) == "next_fy"
    assert c(dt.date(2031, 3, 31), as_of) == "later"
    assert c(None, as_of) == "none"


def test_date_error_in_profile_names_file_line_and_forms(tmp_path):
    from gapcheck.engine.api import default_engine
    from gapcheck.engine.errors import GapcheckError

    p = tmp_path / "p.yaml"
    p.write_text("id: x\nmunicipality: {name: 内灘町, code: '173657', prefecture: 石川県}\n"
                 "as_of: 平成32年4月1日\n", encoding="utf-8")
    with pytest.raises(GapcheckError) as e:
        default_engine().run(p)
    text = e.value.render("en")
    assert "p.yaml:3" in text and "平成" in text and "令和7年度末" in text


def test_review_regressions():
    # era month without 月, 平成31年度末, and years the calendar cannot hold
    assert jdate.parse_span("R8.3").end == dt.date(2026, 3, 31)
    assert jdate.parse_deadline("平成31年度末") == dt.date(2020, 3, 31)
    assert jdate.parse_deadline("令和元年度末") == dt.date(2020, 3, 31)
    for bad in ("9999年度", "9999-12", "0000-01", "FY9999", "平成32年度"):
        with pytest.raises(DateParseError):
            jdate.parse_span(bad)
    for bad in ("9999", "0001"):
        with pytest.raises(DateParseError):
            jdate.parse_fy(bad)
