"""Every output format, for each of the five example profiles, parsed back: the same findings
(IDs and statuses) as the JSON; reproducible bytes; self-contained HTML; the JSON schema."""
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser

import pytest

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.report import model as report
from gapcheck.engine.report.formats import BINARY, FORMATS, TABLE_STYLES, render_dict
from gapcheck.engine.labels import LABELS
from tests.conftest import PROFILES, ROOT, write

MUNIS = ["kaga", "choda", "hakusan", "uchinada", "tomisato"]
AS_OF = "2026-11-23"
WAIVERS = ROOT / "profiles" / "waivers" / "uchinada.waivers.yaml"
ID = re.compile(r"GC-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def models():
    """report.to_dict of every profile in both languages (uchinada with its example waivers)."""
    out = {}
    for m in MUNIS:
        res = api.run(PROFILES / f"{m}.yaml", as_of=AS_OF, include_passed=True,
                      waivers=WAIVERS if m == "uchinada" else None)
        for lang in ("ja", "en"):
            out[m, lang] = report.to_dict(res, lang)
    return out


def expected(d):
    return [(f["id"], f["status"]) for f in d["findings"]]


def unname(lang):
    """Status label -> status code."""
    return {v: k for k, v in LABELS[lang]["status_names"].items()}


# ------------------------------------------------------------------------------ parsers

def parse_json(text, lang):
    return [(f["id"], f["status"]) for f in json.loads(text)["findings"]]


def parse_table(text, lang):
    """github style, wide layout (--all): | ID | Requirement | Status | ... (continuation lines
    have no ID), grouped by area: compared in the documented order."""
    names = unname(lang)
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and ID.fullmatch(cells[0]):
            out.append((cells[0], names[cells[2].rstrip(" *")]))
    return out


def parse_csv(text, lang):
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    head, body = rows[0], rows[1:]
    i, s = head.index("ID"), head.index(LABELS[lang]["status"])
    names = unname(lang)
    return [(r[i], names[r[s]]) for r in body]


def parse_markdown(text, lang):
    """The findings table: rows whose first cell is a finding ID; the second is the status."""
    names = unname(lang)
    out = []
    for line in text.splitlines():
        if not line.startswith("| GC-"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        out.append((cells[0], names[cells[1].rstrip(" *")]))
    return out


class FindingsHTML(HTMLParser):
    """Rows of table#findings (their data-id / data-status and visible status), and every
    reference to something outside the file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.external, self.ids = [], [], set()
        self.in_findings = False
        self.status_text = None
        self.cell = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "table" and a.get("id") == "findings":
            self.in_findings = True
        if self.in_findings and tag == "tr" and "data-id" in a:
            self.rows.append([a["data-id"], a["data-status"], None])
            self.cell = 0
        if self.in_findings and tag == "td":
            self.cell += 1
            self.texts = []
            self.basis = False
        if self.in_findings and tag == "span" and "basis" in (a.get("class") or "").split():
            self.basis = True       # the basis and age beside the status: not the status's name
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "object") and a.get("src"):
            self.external.append((tag, a["src"]))
        if tag == "link":
            self.external.append((tag, a.get("href")))

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_findings = False
        if self.in_findings and tag == "td" and self.cell == 2 and self.rows:
            # the status badge comes first; the basis (and its age) may follow it in the cell
            self.rows[-1][2] = (self.texts[0] if self.texts else "").strip().rstrip(" *")

    def handle_data(self, data):
        if self.in_findings and not getattr(self, "basis", False):
            self.texts.append(data)


def parse_html(text, lang):
    p = FindingsHTML()
    p.feed(text)
    names = unname(lang)
    for fid, status, shown in p.rows:
        assert names[shown] == status, (fid, status, shown)
    return [(fid, status) for fid, status, _ in p.rows]


def parse_xlsx(data, lang):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    i, s = head.index("ID"), head.index(LABELS[lang]["status"])
    names = unname(lang)
    return [(r[i], names[r[s]]) for r in rows[1:]]


PARSERS = {"json": parse_json, "table": parse_table, "csv": parse_csv, "markdown": parse_markdown,
           "html": parse_html, "xlsx": parse_xlsx}


def test_every_format_has_a_parser_here():
    assert set(FORMATS) == set(PARSERS) and BINARY == {"xlsx"}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("muni", MUNIS)
@pytest.mark.parametrize("fmt", list(PARSERS))
def test_format_round_trip(models, muni, lang, fmt):
    d = models[muni, lang]
    out = (render_dict(d, fmt, style="github", width=400, show_all=True) if fmt == "table"
           else render_dict(d, fmt))
    assert isinstance(out, bytes if fmt in BINARY else str)
    if fmt == "table":      # the terminal view groups the findings by area
        assert sorted(PARSERS[fmt](out, lang)) == sorted(expected(d))
    else:
        assert PARSERS[fmt](out, lang) == expected(d)
    assert expected(d), "every example profile has findings"


def test_same_inputs_same_bytes():
    """Every format, rendered twice more than a second apart (so a clock in the output shows)."""
    import time

    def all_formats():
        res = api.run(PROFILES / "uchinada.yaml", as_of=AS_OF, waivers=WAIVERS)
        return {fmt: api.render(res, fmt, "ja") for fmt in PARSERS}

    first = all_formats()
    time.sleep(1.1)
    second = all_formats()
    assert [f for f in PARSERS if first[f] != second[f]] == []


def test_table_styles(models):
    d = models["kaga", "en"]
    ids = [f["id"] for f in d["findings"]]
    seen = set()
    for style in TABLE_STYLES:       # the wide layout (the narrow one has no table style)
        out = render_dict(d, "table", style=style, width=300, show_all=True)
        assert all(i in out for i in ids), style
        seen.add(out)
    assert len(seen) == len(TABLE_STYLES)
    assert "+====" in render_dict(d, "table", style="grid", width=300)


def test_csv_is_excel_friendly(models):
    out = render_dict(models["uchinada", "ja"], "csv")
    raw = out.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(out[1:], newline="")))
    assert out.split("\n", 1)[0].endswith("\r")
    assert out.count("\r\n") == len(rows)         # CRLF ends rows; line breaks inside cells are LF
    assert rows[0][:3] == ["ID", "状態", "重大度"]
    head = rows[0]
    juki = next(r for r in rows if r[head.index("要件ID")] == "BS-JUKI")
    ev = juki[head.index("根拠（プロファイル）")]
    assert "areas.base_systems.items.BS-JUKI.status = planned（" in ev and "行目）" in ev
    refs = juki[head.index("出典")].split("\n")
    assert any("第8条" in r and "https://laws.e-gov.go.jp" in r for r in refs)
    waived = [r for r in rows[1:] if r[head.index("状態")] == "免除"]
    assert len(waived) == 4 and all("承認" in r[head.index("免除")] for r in waived)


def test_csv_cells_never_become_formulas():
    from gapcheck.engine.report.csvio import safe_cell

    assert safe_cell("=cmd|'/c calc'!A1") == "'=cmd|'/c calc'!A1"
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("-x") == "'-x"
    assert safe_cell("-237") == "-237" and safe_cell(-237) == -237 and safe_cell(None) == ""


def test_xlsx_sheets_filter_and_frozen_header(models):
    from openpyxl import load_workbook

    d = models["uchinada", "en"]
    wb = load_workbook(io.BytesIO(render_dict(d, "xlsx")))
    assert wb.sheetnames == ["Findings", "Summary", "Sources", "Waivers"]
    ws = wb["Findings"]
    n = len(d["findings"])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{n + 1}"
    assert ws.max_row == n + 1
    src = [r for r in wb["Sources"].iter_rows(values_only=True)]
    hashes = {r[2] for r in src if r[0] in ("profile", "catalog", "rules", "waivers")}
    assert hashes == {i["sha256"] for i in d["inputs"]}
    assert any(r[1] and "第8条" in str(r[2] or "") for r in src)  # a citation with its locator
    assert wb.properties.creator == "gapcheck"
    ja = load_workbook(io.BytesIO(render_dict(models["kaga", "ja"], "xlsx")))
    assert ja.sheetnames == ["指摘事項", "集計", "出典"]       # no waiver file: no waiver sheet


def test_xlsx_dates_links_print_setup_and_area_names(models):
    import datetime

    from openpyxl import load_workbook

    d = models["uchinada", "ja"]
    wb = load_workbook(io.BytesIO(render_dict(d, "xlsx")))
    ws = wb["指摘事項"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    deadlines = [ws.cell(r, col["期限"]).value for r in range(2, ws.max_row + 1)]
    dated = [v for v in deadlines if v]
    assert dated and all(isinstance(v, datetime.datetime) for v in dated)      # date cells, not text
    assert ws.cell(2, col["期限"]).number_format == "yyyy-mm-dd"
    links = [ws.cell(r, col["出典"]).hyperlink for r in range(2, ws.max_row + 1)]
    assert any(h is not None and h.target.startswith("https://") for h in links)
    areas = {ws.cell(r, col["分野"]).value for r in range(2, ws.max_row + 1)}
    assert "地方公共団体情報システムの標準化（基幹業務システム20業務）" in areas and "base_systems" not in areas
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert d["profile"]["name"] in sheet.oddHeader.center.text
    assert ws.print_title_rows in ("1:1", "$1:$1")
    summary = [r for r in wb["集計"].iter_rows(values_only=True)]
    assert any(r[0] == "評価基準日" and isinstance(r[1], datetime.datetime) for r in summary)
    assert not any(r[0] in ("base_systems", "security") for r in summary)


def test_openpyxl_is_a_requirement_and_the_hint_says_how_to_install():
    import configparser

    from gapcheck.engine.errors import GapcheckError
    from gapcheck.engine.report.formats import xlsx

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    assert "openpyxl" in cfg["options"]["install_requires"]
    import builtins

    real = builtins.__import__

    def no_openpyxl(name, *a, **kw):
        if name.startswith("openpyxl"):
            raise ImportError(name)
        return real(name, *a, **kw)

    builtins.__import__ = no_openpyxl
    try:
        with pytest.raises(GapcheckError) as e:
            xlsx._require_openpyxl()
    finally:
        builtins.__import__ = real
    assert "pip install gapcheck" in e.value.render("en") and "pip install ." in e.value.render("en")
    assert "pip install gapcheck" in e.value.render("ja") and "[xlsx]" not in e.value.render("ja")


def test_xlsx_text_is_never_a_formula(models):
    from openpyxl import load_workbook

    d = json.loads(json.dumps(models["kaga", "en"]))
    d["findings"][0]["message"] = "=HYPERLINK(\"http://example.invalid\")"
    ws = load_workbook(io.BytesIO(render_dict(d, "xlsx"))).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == d["findings"][0]["message"]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_html_is_self_contained_and_escaped(models):
    d = json.loads(json.dumps(models["uchinada", "ja"]))
    d["findings"][0]["message"] = "<script>alert(1)</script> & <b>"
    out = render_dict(d, "html")
    p = FindingsHTML()
    p.feed(out)
    assert p.external == []
    assert "<script>alert(1)" not in out and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in out
    assert "url(" not in out and "@import" not in out
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
    assert '<span id="finding-count"></span>' in out           # filled by the page's script
    assert "@page{size:A4" in out and "@media print" in out
    assert out.count("<details>") == len(d["findings"])
    assert '<html lang="ja">' in out


def test_html_csp_hashes_match_inline_code():
    import base64

    from gapcheck.engine.report.formats import html as h

    out = h.render(report.to_dict(api.run(PROFILES / "kaga.yaml", as_of=AS_OF), "en"))
    for tag in ("style", "script"):
        body = re.search(f"<{tag}>(.*?)</{tag}>", out, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in out, tag


def test_markdown_escapes_and_lists_inputs(models):
    d = json.loads(json.dumps(models["kaga", "en"]))
    d["findings"][0]["message"] = "a | b <i>x</i>\nsecond line"
    out = render_dict(d, "markdown")
    row = next(ln for ln in out.splitlines() if ln.startswith(f"| {d['findings'][0]['id']} "))
    assert "a \\| b &lt;i&gt;x&lt;/i&gt;<br>second line" in row
    assert "## Input files" in out and d["inputs"][0]["sha256"] in out


HOSTILE = ["[x](javascript:alert(1))", "![](http://tracker.invalid/p.gif)", "<img src=x onerror=alert(1)>",
           "`code`", "see http://tracker.invalid/x and www.tracker.invalid", "[ref]: http://x.invalid", "a\\](y)"]


def _md_links(text):
    """(link targets, images) as GitHub's renderer (cmarkgfm, GitHub's cmark; a test
    dependency) finds them."""
    import cmarkgfm

    out = cmarkgfm.github_flavored_markdown_to_html(text)
    return re.findall(r'<a href="([^"]*)"', out), re.findall(r"<img", out)


def test_markdown_user_text_never_becomes_a_link_or_image(models):
    from gapcheck.engine.report.formats.mdutil import esc

    d = json.loads(json.dumps(models["uchinada", "en"]))
    f = d["findings"][0]
    f["message"], f["title"], f["requirement_name"] = HOSTILE[0] + " " + HOSTILE[1], HOSTILE[2], HOSTILE[3]
    f["evidence"][0]["value"] = HOSTILE[4]
    f["remediation"] = HOSTILE[5] + " " + HOSTILE[6]
    d["profile"]["name"] = HOSTILE[1]
    f["references"] = [dict(f["references"][0], url="javascript:alert(1)"),
                       dict(f["references"][0], title="法律 [1] (2021)", url="https://laws.e-gov.go.jp/law/a(b)")]
    out = render_dict(d, "markdown")
    for h in HOSTILE:
        e = esc(h)
        assert all(e.count(c) == e.count("\\" + c) for c in "[]`"), e
        assert "://" not in e.replace("\\://", "") and "www." not in e.replace("www\\.", "") and "<" not in e
    for text in HOSTILE:          # none is in the output as written
        assert text not in out
    # the only links are references, http(s) only, with their parentheses encoded
    links = re.findall(r"\]\(<([^>]*)>\)", out)
    assert links and all(u.startswith(("https://", "http://")) for u in links)
    assert "https://laws.e-gov.go.jp/law/a%28b%29" in links and "javascript" not in "".join(links)
    assert re.search(r"- \[法律 \\\[1\\\] \(2021\)[^\n]*\]\(<https://laws.e-gov.go.jp/law/a%28b%29>\)\n", out)
    hrefs, images = _md_links(out)
    assert not images and hrefs and all(h.startswith("https://") for h in hrefs), hrefs
    refs = {r["url"] for g in d["findings"] for r in g["references"] if r.get("url")}
    assert {h.replace("%28", "(").replace("%29", ")").replace("&amp;", "&") for h in hrefs} <= refs


def test_diff_markdown_escapes_file_names(tmp_path):
    from gapcheck.engine.commands import diff

    old = json.loads(json.dumps(report.to_dict(api.run(PROFILES / "kaga.yaml", as_of=AS_OF), "en")))
    d = diff.compare(old, old, "![](http://tracker.invalid/a.gif)", "[x](javascript:alert(1))")
    out = diff.render(d, "markdown", "en")
    assert "![](http" not in out and "[x](javascript" not in out and "!\\[\\](http\\://" in out
    hrefs, images = _md_links(out)
    assert not images and not hrefs


def test_html_script_survives_a_malformed_escape_in_the_address():
    """Without a browser: the address is decoded inside try (URIError on %E0%A4%A), the raw text kept."""
    from gapcheck.engine.report.formats.html import JS

    assert JS.count("decodeURIComponent(") == 1 and "try{v=decodeURIComponent(raw);}catch(e){v=raw;}" in JS


def test_json_names_every_input_with_its_hash(models):
    d = models["uchinada", "en"]
    kinds = [i["kind"] for i in d["inputs"]]
    assert kinds[0] == "profile" and kinds.count("catalog") == len(d["catalogs"]) and "rules" in kinds
    assert kinds[-1] == "waivers"
    for i in d["inputs"]:
        path = ROOT / i["path"] if not i["path"].startswith("/") else i["path"]
        assert hashlib.sha256(open(path, "rb").read()).hexdigest() == i["sha256"], i
    assert d["schema_version"] == "2.0" and d["rules_version"] and all(c["edition"] for c in d["catalogs"].values())
    assert models["kaga", "en"]["waivers"] is None


def test_json_schema_validates_all_profiles(models):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "docs" / "schema" / "findings.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    for (muni, lang), d in models.items():
        text = render_dict(d, "json")
        errors = [f"{list(e.path)}: {e.message}" for e in v.iter_errors(json.loads(text))]
        assert not errors, (muni, lang, errors[:5])
    # and it is strict enough to notice drift
    bad = json.loads(json.dumps(models["uchinada", "en"]))
    bad["findings"][0]["status"] = "fine"
    assert list(v.iter_errors(bad))
    bad = json.loads(json.dumps(models["uchinada", "en"]))
    w = next(f for f in bad["findings"] if f["waiver"])
    w["waiver"]["surprise"] = 1
    assert list(v.iter_errors(bad))


# ------------------------------------------------------------------------------ the CLI

UCHINADA = str(PROFILES / "uchinada.yaml")


def test_cli_formats_to_stdout_and_file(runner, tmp_path):
    for fmt in ("csv", "markdown", "html"):
        r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", fmt])
        assert r.exit_code == 0, r.output
        f = tmp_path / f"out.{fmt}"
        r2 = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", fmt, "-o", str(f)])
        assert r2.exit_code == 0 and f.read_bytes() == r.stdout_bytes
    x = tmp_path / "out.xlsx"
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", "xlsx", "-o", str(x)])
    assert r.exit_code == 0 and x.read_bytes()[:2] == b"PK"
    r = runner.invoke(main, ["run", UCHINADA, "--as-of", AS_OF, "--format", "table", "--table-style", "grid"],
                      env={"COLUMNS": "300"})
    assert r.exit_code == 0 and "+====" in r.output


def test_cli_xlsx_needs_output(runner):
    r = runner.invoke(main, ["run", UCHINADA, "--format", "xlsx"])
    assert r.exit_code == 2 and "--output" in r.output and "バイナリ" in r.output and "Traceback" not in r.output
    r = runner.invoke(main, ["--lang", "en", "run", UCHINADA, "--format", "xlsx"])
    assert r.exit_code == 2 and "binary file" in r.output


def test_cli_never_writes_over_the_waiver_file(runner, tmp_path):
    w = write(tmp_path, "w.yaml", WAIVERS.read_text(encoding="utf-8"))
    before = w.read_bytes()
    r = runner.invoke(main, ["run", UCHINADA, "--waivers", str(w), "--format", "csv", "-o", str(w)])
    assert r.exit_code == 2 and w.read_bytes() == before


def test_cli_format_list_matches_the_registry():
    from gapcheck import cli

    # the CLI's choices are built from the one registry (engine.vocab), which the formats use
    opts = {p.name: p for p in cli.run.params}
    assert list(opts["fmt"].type.choices) == list(FORMATS)
    assert tuple(opts["table_style"].type.choices) == TABLE_STYLES


def test_outputs_doc_and_ci():
    doc = (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8")
    for fmt in FORMATS:
        assert f"`{fmt}`" in doc, fmt
    for style in TABLE_STYLES:
        assert f"`{style}`" in doc or style in doc
    for words in ("--waivers", "gapcheck diff", "--exit-code", "## Exit codes", "findings.schema.json",
                  "profiles/waivers/uchinada.waivers.yaml", "applied 2, expired 1, unmatched 1"):
        assert words in doc, words
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = "pip install '.[test]' && python -m pytest tests"
    assert 'apt-get install -y -qq "${need[@]}"' in ci and ci.index("chromium") < ci.index(test_cmd)
    for pkg in ("need+=(chromium)", "need+=(fonts-noto-cjk)", "need+=(poppler-utils)"):
        assert pkg in ci, pkg
    # the browser tests must run in CI: a failed install fails it, and they may not skip
    assert "could not install" in ci and "exit 1" in ci
    assert ci.index("export GAPCHECK_REQUIRE_BROWSER=1") < ci.index(test_cmd)


def test_no_findings_renders_in_every_format(models):
    d = json.loads(json.dumps(models["kaga", "en"]))
    d["findings"] = []
    d["summary"] = report.summary([])
    for fmt in FORMATS:
        out = render_dict(d, fmt)
        assert PARSERS[fmt](out, "en") == [], fmt
    assert "No findings" in render_dict(d, "table") and "No findings" in render_dict(d, "html")


def test_json_bytes_are_the_standard_librarys(models):
    """The JSON format is encoded with orjson for speed; its bytes must stay exactly those of
    json.dumps (indented, and compact for batch JSON Lines), so files written before and after
    compare equal and any JSON tool reads them the same."""
    from gapcheck.engine.report.formats.json import dumps

    for key, d in models.items():
        assert render_dict(d, "json") == json.dumps(d, ensure_ascii=False, indent=2) + "\n", key
        assert dumps(d, compact=True) == json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode(), key
    # non-ASCII, nesting, empty containers, null, booleans, big and negative integers, escapes
    odd = {"名前": "内灘町\u3000\"引用\"\\改行\n", "e": [], "o": {}, "n": None, "t": True,
           "i": -2**53, "nested": [{"a": [1, {"b": []}]}], "ctl": "\x00\x1f\u2028"}
    assert render_dict(odd, "json") == json.dumps(odd, ensure_ascii=False, indent=2) + "\n"
