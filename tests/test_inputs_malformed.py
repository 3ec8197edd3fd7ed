"""Every kind of bad input: exit 2, a message naming the file (and the line where there is one),
never a Python traceback. Through the command line (click's CliRunner), in-process."""
import os
import time

import pytest

from gapcheck.cli import main
from tests.conftest import write

# A small valid profile; the line numbers below refer to it.
BASE = """\
id: testtown
municipality:
  name: 内灘町
  code: "173657"
  prefecture: 石川県
as_of: 2025-04-01
areas:
  base_systems:
    items:
      BS-JUKI: {status: planned, planned: 令和8年度}
      BS-KOSEKI: done
  elqr_levies:
    facts: {nhi_levied_as: tax}
"""


def sub(old, new, text=BASE):
    assert old in text, old
    return text.replace(old, new, 1)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))

# name -> (file content: str (UTF-8) or bytes, the line the message must name or None, words it must contain)
CASES = {
    # --- the file itself
    "empty": ("", 1, ["empty"]),
    "only_comments": ("# nothing here\n# still nothing\n", 1, ["empty"]),
    "top_list": ("- id: x\n- id: y\n", 1, ["mapping"]),
    "top_scalar": ("just some words\n", 1, ["mapping"]),
    "binary_png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, ["binary"]),
    "utf16_bom": (BASE.encode("utf-16"), None, ["UTF-16", "UTF-8"]),
    "utf16_no_bom": (BASE.encode("utf-16-le"), None, ["UTF-16"]),
    "utf32_bom": (BASE.encode("utf-32"), None, ["UTF-32"]),
    "euc_jp": (BASE.encode("euc-jp"), 3, ["EUC-JP", "UTF-8"]),
    "latin1": ("id: testtown\nmunicipality:\n  name: Müller-Straße café\n".encode("latin-1"), 3, ["UTF-8"]),
    "latin1_accidental_cp932": ("id: x\nnote: café résumé naïve\n".encode("latin-1"), 2, ["UTF-8"]),
    "utf8_with_pasted_cp932": (BASE.encode("utf-8").replace("石川県".encode(), "石川県".encode("cp932")), 5,
                               ["UTF-8"]),
    "cp932_gaiji": ("id: x\nname: 内灘町の".encode("cp932") + b"\xf0\x40\n", 2, ["外字"]),
    "utf8_bom_then_invalid": (b"\xef\xbb\xbfid: x\nname: \xff\xfe\n", 2, ["UTF-8"]),
    "control_char": (sub("name: 内灘町", "name: 内灘\x07町"), 3, ["control character"]),
    "alias_bomb": (BOMB, 3, ["alias"]),
    "alias_loop": ("a: &a\n  b: *a\n", 2, ["alias"]),
    "deep_nesting": ("a: " + "[" * 300 + "]" * 300 + "\n", 1, ["nested"]),
    "many_aliases": ("a: &a 1\n" + "".join(f"k{i}: *a\n" for i in range(150)), 102, ["alias"]),
    "syntax_unclosed": (sub("code: \"173657\"", "code: [\"173657\""), 5, ["syntax"]),
    "syntax_tab_indent": (sub("  name: 内灘町", "\tname: 内灘町"), 3, ["syntax"]),
    "syntax_bad_quote": (sub("name: 内灘町", "name: '内灘町"), None, ["syntax"]),
    "duplicate_key": (sub("as_of: 2025-04-01\n", "as_of: 2025-04-01\nas_of: 2025-05-01\n"), 7, ["duplicate"]),
    "duplicate_item": (sub("      BS-KOSEKI: done\n", "      BS-KOSEKI: done\n      BS-KOSEKI: planned\n"), 12,
                       ["duplicate"]),
    "two_documents": (BASE + "---\nid: other\n", 15, ["---"]),
    "python_tag": (sub("name: 内灘町", "name: !!python/object/apply:os.system [ls]"), 3, ["YAML"]),
    "python_tag_scalar": (sub("name: 内灘町", "name: !!python/name:os.system"), 3, ["YAML"]),
    "complex_key": (sub("id: testtown", "? [a, b]\n: x\nid: testtown"), 1, ["key"]),
    # --- keys and types
    "misspelt_key": (sub("as_of:", "asof:"), 6, ["as_of"]),
    "misspelt_item_field": (sub("{status: planned,", "{statu: planned,"), 10, ["status"]),
    "missing_id": (sub("id: testtown\n", ""), 1, ["id"]),
    "municipality_list": (sub("municipality:\n  name: 内灘町\n  code: \"173657\"\n  prefecture: 石川県\n",
                              "municipality: [内灘町, 173657]\n"), 2, ["mapping"]),
    "items_list": (sub("    items:\n      BS-JUKI: {status: planned, planned: 令和8年度}\n      BS-KOSEKI: done\n",
                       "    items:\n      - BS-JUKI\n      - BS-KOSEKI\n"), 9, ["mapping"]),
    "status_unknown_value": (sub("BS-KOSEKI: done", "BS-KOSEKI: dne"), 11, ["done"]),
    "status_list": (sub("BS-KOSEKI: done", "BS-KOSEKI: {status: [done]}"), 11, ["status"]),
    "designated_not_bool": (sub("{status: planned,", "{status: planned, designated: maybe,"), 10, ["true"]),
    "cost_negative": (sub("{status: planned,", "{status: planned, cost_estimate: -100,"), 10, ["0"]),
    "cost_too_large": (sub("{status: planned,", "{status: planned, cost_estimate: 99999999999999999,"), 10,
                       ["range"]),
    "cost_fraction": (sub("{status: planned,", "{status: planned, cost_estimate: 1.5,"), 10, ["whole"]),
    # 約100万円 is read (approximate: engine/load/amounts.py); words that are no amount are not
    "cost_words": (sub("{status: planned,", "{status: planned, cost_estimate: 百万円くらい?,"), 10, ["amount of yen"]),
    "profile_version_3": ("profile_version: 3\n" + BASE, 1, ["1", "2"]),
    "id_upper_case": (sub("id: testtown", "id: TestTown"), 1, ["lower-case"]),
    "id_fullwidth_space": (sub("id: testtown", "id: ｔｅｓｔ　ｔｏｗｎ"), 1, ["lower-case"]),
    "id_windows_con": (sub("id: testtown", "id: con"), 1, ["Windows reserves", "con.json", "con-town"]),
    "id_windows_nul_fullwidth": (sub("id: testtown", "id: ｎｕｌ"), 1, ["Windows reserves"]),
    "id_windows_com9": (sub("id: testtown", "id: com9"), 1, ["Windows reserves"]),
    "id_windows_lpt1": (sub("id: testtown", "id: lpt1"), 1, ["Windows reserves"]),
    "id_300_characters": (sub("id: testtown", "id: " + "a" * 300), 1, ["300 characters", "at most 64"]),
    # --- dates
    "as_of_words": (sub("as_of: 2025-04-01", "as_of: someday"), 6, ["date"]),
    "as_of_impossible": (sub("as_of: 2025-04-01", "as_of: 2025-02-30"), 6, ["real day"]),
    "as_of_era_ended": (sub("as_of: 2025-04-01", "as_of: 平成32年4月1日"), 6, ["平成"]),
    "as_of_month_not_day": (sub("as_of: 2025-04-01", "as_of: 令和7年4月"), 6, ["a day is needed"]),
    "planned_era_zero": (sub("planned: 令和8年度", "planned: 令和0年度"), 10, ["令和"]),
    "done_on_after_as_of": (sub("BS-KOSEKI: done", "BS-KOSEKI: {status: done, done_on: 2025-12-01}"), 11,
                            ["as_of"]),
    "plan_ends_before_start": (BASE + "plan:\n  title: 計画\n  period_start: 令和7年度\n  period_end: 令和5年度末\n", 17,
                               ["plan"]),
    # --- codes
    "code_check_digit": (sub('code: "173657"', 'code: "173658"'), 4, ["173657"]),
    "code_prefecture_mismatch": (sub("prefecture: 石川県", "prefecture: 富山県"), 5, ["石川県"]),
    "code_leading_zero_unquoted": (sub('code: "173657"', "code: 011002"), 4, ["quote"]),
    "code_five_digits": (sub('code: "173657"', 'code: "17365"'), 4, ["173657"]),
    "code_letters": (sub('code: "173657"', 'code: "17A657"'), 4, ["6"]),
    "code_no_prefecture": (sub('code: "173657"', 'code: "990001"').replace("石川県", "どこか県"), 4, ["99", "no prefecture"]),
    # --- catalog references
    "unknown_area": (sub("  base_systems:", "  base_sytems:"), 8, ["base_systems"]),
    "unknown_item_id": (sub("BS-KOSEKI: done", "BS-KOSEK: done"), 11, ["BS-KOSEKI"]),
    "item_in_wrong_area": (sub("  elqr_levies:\n", "  elqr_levies:\n    items: {BS-INKAN: done}\n"), 13,
                           ["base_systems"]),
    "plan_scope_unknown": (sub("    items:\n      BS-JUKI", "    plan_scope: [BS-JUKI, BS-XYZ]\n    items:\n      BS-JUKI"),
                           9, ["BS-XYZ"]),
    "unknown_fact": (sub("nhi_levied_as: tax", "nhi_levied: tax"), 13, ["nhi_levied_as"]),
    "fact_not_allowed": (sub("nhi_levied_as: tax", "nhi_levied_as: taxes"), 13, ["premium"]),
    "item_by_japanese_name": (sub("BS-KOSEKI: done", "戸籍: done"), 11, ["BS-KOSEKI"]),
    "item_id_lower_case": (sub("BS-KOSEKI: done", "bs-koseki: done"), 11, ["BS-KOSEKI"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_profile(runner, tmp_path, name):
    content, line, words = CASES[name]
    path = write(tmp_path, f"{name}.yaml", content)
    t0 = time.perf_counter()
    r = runner.invoke(main, ["--lang", "en", "run", str(path), "--as-of", "2026-04-01"])
    elapsed = time.perf_counter() - t0
    out = r.output
    assert r.exit_code == 2, (name, out)
    assert "Traceback" not in out, out
    assert f"{name}.yaml" in out, out
    if line is not None:
        assert f"{name}.yaml:{line}:" in out or f"{name}.yaml:{line}\n" in out or f"{name}.yaml:{line} " in out, (
            name, line, out)
    for w in words:
        assert w in out, (name, w, out)
    assert elapsed < 3, (name, elapsed)       # alias bombs and deep nesting are refused quickly
    # validate reports the same file the same way, in Japanese too
    r = runner.invoke(main, ["validate", str(path), "--as-of", "2026-04-01"])
    assert r.exit_code == 2 and "Traceback" not in r.output and f"{name}.yaml" in r.output, r.output


def test_alias_bomb_is_refused_quickly(tmp_path):
    from gapcheck.engine.load import yamlio
    from gapcheck.engine.errors import GapcheckError

    wide = "a: &a [" + ", ".join(["x"] * 12_000) + "]\nb: [" + ", ".join(["*a"] * 90) + "]\n"
    for text in (BOMB, wide):
        p = write(tmp_path, "bomb.yaml", text)
        t0 = time.perf_counter()
        with pytest.raises(GapcheckError) as e:
            yamlio.load(str(p))
        assert time.perf_counter() - t0 < 2
        assert "alias" in e.value.en and e.value.line


def test_missing_path_directory_and_oversize(runner, tmp_path):
    from gapcheck.engine.load import yamlio

    cases = [(tmp_path / "nope.yaml", "no such file"), (tmp_path, "directory")]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (yamlio.MAX_BYTES + 10) + b"\n")
    cases.append((big, "limit"))
    for path, words in cases:
        for cmd in (["run", str(path)], ["validate", str(path)], ["budget", str(path), "--fy", "2026"]):
            r = runner.invoke(main, ["--lang", "en"] + cmd)
            assert r.exit_code == 2 and "Traceback" not in r.output, r.output
            assert path.name in r.output and words in r.output, r.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(runner, tmp_path):
    p = write(tmp_path, "secret.yaml", BASE)
    p.chmod(0)
    try:
        r = runner.invoke(main, ["--lang", "en", "run", str(p)])
        assert r.exit_code == 2 and "permission" in r.output and "secret.yaml" in r.output
    finally:
        p.chmod(0o644)


def test_unreadable_file_reported_with_name(monkeypatch, tmp_path):
    """The same, simulated (the test suite may run as root)."""

    from gapcheck.engine.load import yamlio
    from gapcheck.engine.errors import GapcheckError

    import os

    p = write(tmp_path, "locked.yaml", BASE)
    real_open = os.open

    def deny(file, *a, **k):       # what opening a file without read permission does (not as root)
        if str(file) == str(p):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(GapcheckError) as e:
        yamlio.load(str(p))
    assert "permission" in e.value.en and e.value.file == str(p)


def test_all_problems_reported_at_once(runner, tmp_path):
    text = sub("as_of:", "asof:")
    text = sub("BS-KOSEKI: done", "BS-KOSEK: dne", text)
    text = sub("prefecture: 石川県", "prefecture: 富山県", text)
    text = sub("nhi_levied_as: tax", "nhi_levied_as: taxes", text)
    p = write(tmp_path, "many.yaml", text)
    r = runner.invoke(main, ["--lang", "en", "validate", str(p)])
    assert r.exit_code == 2
    for line, words in ((5, "石川県"), (6, "did you mean 'as_of'"), (11, "BS-KOSEKI"), (13, "premium")):
        assert f"many.yaml:{line}:" in r.output and words in r.output, (line, r.output)
    assert "5 errors" in r.output       # BS-KOSEK has two: the ID and the status
    # the misspelt as_of is reported once, not also as "as_of is missing"
    assert "required key 'as_of'" not in r.output


# --- the same loader guards catalogs, rules and waivers

@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    import shutil

    from gapcheck.engine import api
    from tests.conftest import ROOT

    root = tmp_path / "data"
    for d in ("catalogs", "rules"):
        shutil.copytree(ROOT / d, root / d)
    monkeypatch.setenv("GAPCHECK_DATA", str(root))
    monkeypatch.setattr(api, "_default", None)
    return root


def test_broken_catalog_is_named(runner, data_copy):
    cat = data_copy / "catalogs" / "security.yaml"
    cat.write_bytes(cat.read_text(encoding="utf-8").encode("euc-jp", "replace"))
    r = runner.invoke(main, ["--lang", "en", "catalogs", "list"])
    assert r.exit_code == 2 and "security.yaml" in r.output and "Traceback" not in r.output, r.output


def test_catalog_duplicate_key_is_named(runner, data_copy):
    cat = data_copy / "catalogs" / "base_systems.yaml"
    text = cat.read_text(encoding="utf-8")
    cat.write_text(text.replace("\nedition:", "\nedition: x\nedition:", 1), encoding="utf-8")
    r = runner.invoke(main, ["--lang", "en", "catalogs", "list"])
    assert r.exit_code == 2 and "base_systems.yaml:" in r.output and "duplicate" in r.output, r.output


def test_rule_file_typo_is_named(runner, data_copy):
    f = data_copy / "rules" / "security.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("severity:", "severty:", 1), encoding="utf-8")
    r = runner.invoke(main, ["--lang", "en", "rules", "list"])
    assert r.exit_code == 2 and "security.yaml:" in r.output and "severity" in r.output, r.output


def test_catalogs_in_cp932_are_read(runner, data_copy):
    """A catalog saved as Shift_JIS by a Windows editor reads the same as its UTF-8 original."""
    cat = data_copy / "catalogs" / "base_systems.yaml"
    text = cat.read_text(encoding="utf-8").translate(str.maketrans({"—": "―", "–": "-", "ō": "o", "〜": "～"}))
    cat.write_bytes(text.encode("cp932"))
    r = runner.invoke(main, ["--lang", "en", "catalogs", "show", "base_systems", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "住民基本台帳" in r.output


@pytest.mark.parametrize("content,line", [
    ("waivers:\n  - rule: base_systems.overdue\n    justification: ok\n    approved_by: 課長\n    expires: 令和0年度\n", 5),
    ("waivers: [\n", 2),
    (b"\xff\xfew\x00a\x00", None),
])
def test_bad_waiver_file(runner, tmp_path, content, line):
    from tests.conftest import PROFILES

    w = write(tmp_path, "w.yaml", content)
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES / "uchinada.yaml"), "--waivers", str(w)])
    assert r.exit_code == 2 and "Traceback" not in r.output and "w.yaml" in r.output, r.output
    if line:
        assert f"w.yaml:{line}" in r.output, r.output


# A YAML double-quoted value can write any control character as an escape; none may reach an output.
@pytest.mark.parametrize("escape, code", [
    ("\\v", "U+000B"), ("\\e", "U+001B"), ("\\0", "U+0000"), ("\\a", "U+0007"), ("\\x7f", "U+007F"),
    ("\\x85", "U+0085"), ("\\N", "U+0085"), ("\\u0080", "U+0080"), ("\\u009f", "U+009F"), ("\\x1b[31m", "U+001B"),
])
def test_control_character_in_a_value_is_refused_at_load(runner, tmp_path, escape, code):
    text = sub("BS-JUKI: {status: planned, planned: 令和8年度}",
               f'BS-JUKI: {{status: planned, planned: 令和8年度, department: "住民{escape}課"}}')
    p = write(tmp_path, "p.yaml", text)
    for args in (["validate", str(p)], ["run", str(p)], ["run", str(p), "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")],
                 ["run", str(p), "--format", "html"], ["budget", str(p), "--fy", "R8"]):
        r = runner.invoke(main, ["--lang", "en", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output and "p.yaml:10:50: " in r.output, r.output
        assert f"control character ({code})" in r.output, r.output
        assert "areas.base_systems.items.BS-JUKI.department" in r.output
        assert "\x1b" not in r.output and "\x0b" not in r.output and "\x85" not in r.output
    assert not (tmp_path / "x.xlsx").exists()
    r = runner.invoke(main, ["validate", str(p)])
    assert r.exit_code == 2 and f"制御文字（{code}）" in r.output


def test_control_characters_in_keys_and_lists_every_one_reported(runner, tmp_path):
    text = BASE.replace('  name: 内灘町', '  name: "内灘\\e町"\n  "na\\u009bme_en": x') + "source: [ok, \"a\\bb\"]\n"
    p = write(tmp_path, "p.yaml", text)
    r = runner.invoke(main, ["--lang", "en", "validate", str(p)])
    assert r.exit_code == 2, r.output
    assert "p.yaml:3:3: municipality.name: the value contains a control character (U+001B)" in r.output
    assert "p.yaml:4:3: " in r.output and "the key contains a control character (U+009B)" in r.output
    assert "source[1]: the value contains a control character (U+0008)" in r.output
    assert "INVALID (3 errors" in r.output


def test_tab_and_line_breaks_are_allowed(runner, tmp_path):
    text = sub("BS-JUKI: {status: planned, planned: 令和8年度}",
               'BS-JUKI: {status: planned, planned: 令和8年度, note: "一行目\\n二行目\\r\\n\\t字下げ"}')
    p = write(tmp_path, "p.yaml", text)
    r = runner.invoke(main, ["--lang", "en", "run", str(p), "--as-of", "2026-11-23", "--format", "xlsx",
                             "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 0, r.output


def test_control_character_in_a_waiver_file(runner, tmp_path):
    from tests.conftest import PROFILES

    w = write(tmp_path, "w.yaml", "waivers:\n  - rule: base_systems.overdue\n    justification: \"ok\\e]0;x\\a\"\n"
                                  "    approved_by: 課長\n    expires: 令和9年度末\n")
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES / "uchinada.yaml"), "--waivers", str(w)])
    assert r.exit_code == 2 and "w.yaml:3:5: waivers[0].justification: the value contains a control character" \
        in r.output, r.output


# --- terminal escapes: whatever the user wrote (a value, a key, a file name) is shown escaped in errors

OWNED = "\x1b]0;OWNED\x07"          # sets the terminal's title; then \x1b[2J would clear the screen


def _no_raw_controls(text):
    return not any(c in text for c in "\x1b\x07\x9b\x0b")


def test_error_rendering_escapes_control_characters():
    from gapcheck.engine.errors import GapcheckError
    from gapcheck.engine.load.validation import InvalidInput, Problem

    e = GapcheckError(f"unknown area '{OWNED}'", f"分野 '{OWNED}' はありません", file=f"p{OWNED}.yaml", line=3,
                      path=f"areas.{OWNED}", hint_en="did you mean x?\x9b2J", hint_ja="x\x1b[2J")
    for lang in ("en", "ja"):
        text = e.render(lang)
        assert _no_raw_controls(text) and "\\x1b]0;OWNED\\x07" in text, text
        assert text.startswith("p\\x1b]0;OWNED\\x07.yaml:3: areas.\\x1b]0;OWNED\\x07: ")
    assert e.render("en").endswith("\n  → did you mean x?\\x9b2J")
    p = Problem("bad", found=OWNED, expected_en=f"one of {OWNED}", file="a\nb.yaml")
    text = InvalidInput([p]).render("en")
    assert _no_raw_controls(text) and "a\\nb.yaml: bad" in text and "expected: one of \\x1b" in text


def test_profile_id_with_an_escape_sequence(runner, tmp_path):
    p = write(tmp_path, "p.yaml", sub("id: testtown", 'id: "\\e]0;OWNED\\a"'))
    for args in (["run", str(p)], ["validate", str(p)], ["run", str(p), str(p), "--output-dir", str(tmp_path / "o")]):
        for lang in ("en", "ja"):
            r = runner.invoke(main, ["--lang", lang, *args])
            assert r.exit_code == 2, r.output
            assert _no_raw_controls(r.output) and "'\\x1b]0;OWNED\\x07'" in r.output, r.output


def test_file_name_with_an_escape_sequence(runner, tmp_path):
    bad = write(tmp_path, f"town{OWNED}.yaml", sub("id: testtown", "id: Test Town"))
    good = write(tmp_path, "good.yaml", BASE)
    missing = tmp_path / f"gone{OWNED}.yaml"
    shown = "town\\x1b]0;OWNED\\x07.yaml"
    cases = [(["run", str(bad)], 2, shown), (["validate", str(bad)], 2, shown), (["run", str(missing)], 2, "gone\\x1b"),
             (["run", str(bad), str(good), "--as-of", "2026-11-23"], 4, shown),
             (["run", str(good), "--waivers", str(missing)], 2, "gone\\x1b"),
             (["diff", str(missing), str(missing)], 2, "gone\\x1b")]
    for args, code, words in cases:
        for lang in ("en", "ja"):
            r = runner.invoke(main, ["--lang", lang, *args])
            assert r.exit_code == code, (args, r.output)
            assert _no_raw_controls(r.output) and words in r.output, (args, r.output)


@pytest.mark.parametrize("pid, ok", [("con", False), ("aux", False), ("prn", False), ("com1", False),
                                     ("com0", True), ("lpt10", True), ("console", True), ("nul-town", True),
                                     ("a" * 64, True), ("a" * 65, False)])
def test_profile_id_reserved_names_and_length(runner, tmp_path, pid, ok):
    p = write(tmp_path, "p.yaml", sub("id: testtown", f"id: {pid}"))
    r = runner.invoke(main, ["validate", str(p), "--as-of", "2026-04-01"])
    assert (r.exit_code == 0) == ok, r.output
    if not ok:
        assert "p.yaml:1:1: id: " in r.output and ("Windows" in r.output or "64 文字以内" in r.output), r.output
    # the schema (docs/schema/profile.schema.json, generated) says the same
    jsonschema = pytest.importorskip("jsonschema")
    import json

    from tests.conftest import ROOT

    schema = json.loads((ROOT / "docs" / "schema" / "profile.schema.json").read_text(encoding="utf-8"))
    assert jsonschema.Draft202012Validator(schema["properties"]["id"]).is_valid(pid) == ok


def test_init_refuses_reserved_and_long_ids(runner):
    r = runner.invoke(main, ["--lang", "en", "init", "--name", "町", "--code", "173657", "--id", "nul"])
    assert r.exit_code == 2 and "--id: 'nul' cannot be a profile id: Windows reserves" in r.output
    r = runner.invoke(main, ["init", "--name", "町", "--code", "173657", "--id", "x" * 65])
    assert r.exit_code == 2 and "64 文字以内" in r.output
    r = runner.invoke(main, ["init", "--name", "町", "--code", "173657", "--name-en", "Con"])
    assert r.exit_code == 0 and "\nid: m173657 " in r.output
    r = runner.invoke(main, ["init", "--name", "町", "--code", "173657", "--name-en", "Long " * 30])
    assert r.exit_code == 0 and "\nid: " + "-".join(["long"] * 13) + " " in r.output


def test_file_names_with_control_characters_in_outputs(runner, tmp_path):
    """File names are the one thing left that can carry a control character into an output."""
    from tests.conftest import PROFILES, ROOT

    prof = write(tmp_path, "u\x0bx.yaml", (PROFILES / "uchinada.yaml").read_bytes())
    waivers = write(tmp_path, f"w{OWNED}.yaml", (ROOT / "profiles" / "waivers" / "uchinada.waivers.yaml").read_bytes())
    x = tmp_path / "x.xlsx"
    r = runner.invoke(main, ["run", str(prof), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(x)])
    assert r.exit_code == 0, r.output                    # openpyxl refuses \x0b in a cell
    import openpyxl

    cells = [c.value for ws in openpyxl.load_workbook(x) for row in ws.iter_rows() for c in row if c.value]
    assert any("u\\x0bx.yaml" in str(v) for v in cells)
    r = runner.invoke(main, ["--lang", "en", "run", str(prof), "--as-of", "2026-11-23", "--waivers", str(waivers)])
    assert r.exit_code == 0 and "Waivers " in r.output and _no_raw_controls(r.output), r.output
    assert "w\\x1b]0;OWNED\\x07.yaml" in r.output
    r = runner.invoke(main, ["run", str(prof), "--as-of", "2026-11-23", "--waivers", str(waivers), "--format", "markdown"])
    assert r.exit_code == 0 and _no_raw_controls(r.output) and "u\\x0bx.yaml" in r.output, r.output
