"""Wrapping table cells (engine/report/formats/wrap.py): width, nothing lost, 禁則, ASCII runs kept whole."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from gapcheck.engine.report.formats.wrap import NO_END, NO_START, display, wrap

UCHINADA_MESSAGE = ("選挙人名簿管理: 計画上の移行時期（令和8年度）が期限2026-03-31 (令和7年度末)より後であり、"
                    "期限を237日超過しています。計画は未検証の予定です")


def only_breaks(original: str, wrapped: str) -> bool:
    """`wrapped` is `original` (as displayed) with line breaks put in place of runs of spaces or
    between two characters: nothing else dropped, added or moved."""
    text, pos = display(original), 0
    for line in wrapped.split("\n"):
        while not text.startswith(line, pos) and text.startswith((" ", "\n"), pos):
            pos += 1
        if not text.startswith(line, pos):
            return False
        pos += len(line)
    return text[pos:].strip(" \n") == ""


@pytest.fixture(scope="module")
def texts(engine):
    """Every message and requirement cell of the five profiles' findings, in both languages."""
    from gapcheck.engine.report import model as report
    from tests.conftest import PROFILES

    out = set()
    for p in sorted(PROFILES.glob("*.yaml")):
        if p.name.startswith("TEMPLATE"):
            continue
        res = engine.run(p, "2026-11-23")
        for lang in ("ja", "en"):
            d = report.to_dict(res, lang)
            for f in d["findings"]:
                out.add(f["message"])
                out.add(f"{f['requirement']} {f['requirement_name']}")
    return sorted(out)


@pytest.mark.parametrize("width", [20, 30, 36, 40, 60])     # the widths the tables use, and 20
def test_real_cells_fit_lose_nothing_and_keep_kinsoku(texts, width):
    assert len(texts) > 100
    for t in texts:
        w = wrap(t, width)
        lines = w.split("\n")
        assert only_breaks(t, w), (t, width, lines)
        assert all(wcswidth(ln) <= width for ln in lines), (t, width)
        assert all(ln == ln.strip() for ln in lines)
        for prev, ln in zip(lines, lines[1:]):
            if prev.isascii() and " " not in prev:      # a piece of an ASCII run longer than a line
                continue
            assert ln[0] not in NO_START, (t, width, lines)
            assert prev[-1] not in NO_END, (t, width, lines)
        if wcswidth(t) <= width:
            assert w == t


def test_ascii_runs_that_fit_stay_whole():
    lines = wrap(UCHINADA_MESSAGE, 30).split("\n")
    assert any("2026-03-31" in ln for ln in lines)
    assert not any(ln.endswith("(") for ln in lines)
    en = wrap("The plan dates the migration (FY2026) after the deadline 2026-03-31 (end of FY2025).", 20)
    assert all(re.fullmatch(r"[^ ]+( [^ ]+)*", ln) for ln in en.split("\n"))
    assert "FY2026)" in en and "2026-03-31" in en
    assert wrap("x" * 25, 10) == "x" * 10 + "\n" + "x" * 10 + "\n" + "x" * 5


def test_spaces_inside_a_line_are_kept_and_kinsoku_moves_the_break():
    assert wrap("a 50 %", 4) == "a\n50 %"            # % may not start a line: 50 goes down with it
    assert wrap("aaa （ bbb", 6) == "aaa\n（ bbb"
    assert wrap("計画（令和8年度）を策定", 14) == "計画\n（令和8年度）\nを策定"
    assert "令和7年度末" in wrap("期限は2026-03-31 (令和7年度末)より後です", 16).split("\n")[1]


def test_wide_letters_words_and_emoji_are_not_split_or_overflow():
    assert wrap("Herr Müller kam", 8) == "Herr\nMüller\nkam"
    for t, w in [("❤️" * 10, 5), ("#️⃣" * 6, 5), ("🇯🇵" * 3, 3), ("あ\u3099い\u3099", 2)]:
        assert all(wcswidth(ln) <= w for ln in wrap(t, w).split("\n")), (t, w)
    assert wrap("🇯🇵" * 3, 3).split("\n") == ["🇯🇵"] * 3


def test_narrow_runs_beyond_ascii_and_what_a_second_review_found():
    assert wrap("xx don’t", 6) == "xx\ndon’t"
    assert wrap("a 10–20 b", 5) == "a\n10–20\nb"
    assert wrap("住所ｺｰﾄﾞ", 6) == "住所\nｺｰﾄﾞ"                  # half-width katakana stays whole
    assert not any(ln.startswith("ﾞ") for ln in wrap("ｼｽﾃﾑｶﾞｲﾄﾞ", 5).split("\n"))
    assert only_breaks("日\u200d 🏻", wrap("日\u200d 🏻", 3))    # nothing lost after a ZWJ
    assert wrap("あいーーーーーー", 14) == "あ\nいーーーーーー"     # LOOK_BACK tokens back
    assert wrap("a\r\nb", 5) == "a\nb"


def test_control_characters_are_shown_not_executed():
    assert wrap("a\tb", 10) == "a b"
    assert wrap("\x1b[31mred\x1b[0m", 20) == "\ufffd[31mred\ufffd[0m"
    assert wrap("あ" * 40 + "\t", 60) == "あ" * 30 + "\n" + "あ" * 10
    assert wrap("xxxxx", 0) == "x\nx\nx\nx\nx"          # a width below 1 counts as 1


def test_newlines_and_short_text_kept():
    assert wrap("一行目\n二行目", 40) == "一行目\n二行目"
    assert wrap("短い", 10) == "短い"
    assert wrap("", 10) == ""
    assert wrap("anything at all", None) == "anything at all"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("あいう漢字、。（）「」ー abcü-(),.0123456789\t\u3099\ufe0f❤")
                                + ["令和", "年度", "\U0001f1ef\U0001f1f5"]), max_size=120).map("".join),
       st.integers(min_value=2, max_value=60))
def test_any_text_fits_and_loses_nothing(t, width):
    w = wrap(t, width)
    assert only_breaks(t, w), (t, width, w)
    assert all(wcswidth(ln) <= width for ln in w.split("\n"))
