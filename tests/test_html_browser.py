"""The HTML report in a real browser (headless Chromium): its script runs without errors or
blocked content, and the findings count the page computes equals the JSON's; with every
finding opened it is no wider than a 1,280 px window; printed to PDF, Uchinada's report is at
most 15 A4 pages headed with the municipality and the evaluation date; a heat-map link opens
the municipality's report filtered to that area.

Runs only where Chromium is installed (/usr/bin/chromium or `chromium` on PATH); skipped
otherwise (.ci/run installs it, with fonts-noto-cjk and poppler-utils for pdfinfo/pdftotext).
Screenshots are saved under the test's tmp_path.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess

import pytest

from gapcheck.engine import api

from gapcheck.engine.report import model as report
from gapcheck.engine.report.formats import render_dict
from tests.conftest import PROFILES, ROOT


def _chromium():
    for cand in (shutil.which("chromium"), "/usr/bin/chromium"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


CHROMIUM = _chromium()
# CI (.ci/run) sets GAPCHECK_REQUIRE_BROWSER=1: there a missing Chromium or pdfinfo fails, never skips
REQUIRED = os.environ.get("GAPCHECK_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="Chromium is not installed")


def test_the_browser_tools_are_installed_where_required():
    if not REQUIRED:
        pytest.skip("GAPCHECK_REQUIRE_BROWSER is not set")
    assert CHROMIUM, "Chromium is not installed (apt-get install chromium)"
    assert shutil.which("pdfinfo") and shutil.which("pdftotext"), "poppler-utils is not installed"
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    assert "Noto Sans CJK JP" in fonts, "fonts-noto-cjk is not installed"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def browse(tmp_path, url, *args):
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    p = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, url],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr[-2000:]
    problems = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln and ("Uncaught" in ln or "Refused" in ln)]
    assert not problems, problems
    return p.stdout


def count_in(dom):
    m = re.search(r'<span id="finding-count">([^<]*)</span>', dom)
    assert m, "no finding-count element"
    return m.group(1)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    res = api.run(PROFILES / "uchinada.yaml", as_of="2026-11-23",
                  waivers=ROOT / "profiles" / "waivers" / "uchinada.waivers.yaml")
    d = json.loads(render_dict(report.to_dict(res, "ja"), "json"))
    path = tmp_path_factory.mktemp("html") / "uchinada.html"
    path.write_text(render_dict(d, "html"), encoding="utf-8")
    return path, d


def test_count_shown_by_the_page_equals_the_json(page, tmp_path):
    path, d = page
    assert count_in(path.read_text(encoding="utf-8")) == ""         # empty until the script runs
    dom = browse(tmp_path, path.as_uri(), "--dump-dom")
    assert count_in(dom) == str(len(d["findings"])) == str(d["summary"]["total"])
    shot = tmp_path / "uchinada.png"
    browse(tmp_path, path.as_uri(), f"--screenshot={shot}", "--window-size=1400,1800", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_filter_in_the_address(page, tmp_path):
    path, d = page
    dom = browse(tmp_path, path.as_uri() + "#status=overdue&severity=critical", "--dump-dom")
    want = sum(1 for f in d["findings"] if f["status"] == "overdue" and f["severity"] == "critical")
    assert want and count_in(dom) == str(want)
    dom = browse(tmp_path, path.as_uri() + "#status=waived", "--dump-dom")
    assert count_in(dom) == str(d["summary"]["by_status"]["waived"]) == "4"


def test_malformed_escape_in_the_address_is_taken_as_written(page, tmp_path):
    """decodeURIComponent throws URIError on %E0%A4%A: the script must go on and count."""
    path, d = page
    dom = browse(tmp_path, path.as_uri() + "#q=%E0%A4%A", "--dump-dom")
    assert count_in(dom) == "0"                   # no finding contains the text %E0%A4%A
    dom = browse(tmp_path, path.as_uri() + "#q=%E0%A4%A&status=waived", "--dump-dom")
    assert count_in(dom) == "0"
    dom = browse(tmp_path, path.as_uri() + "#status=waived&q=%GC", "--dump-dom")
    assert count_in(dom) == "0"
    dom = browse(tmp_path, path.as_uri() + "#status=waived&q=%E5%85%8D%E9%99%A4", "--dump-dom")   # 免除
    assert count_in(dom) == "4"


def test_heat_map_under_its_content_security_policy(tmp_path):
    """The batch heat map's own style applies under its CSP (nothing refused) and no cell is unstyled."""
    from click.testing import CliRunner

    from gapcheck.cli import main

    r = CliRunner().invoke(main, ["run", str(PROFILES), "--as-of", "2026-11-23", "--jobs", "1",
                                  "--output-dir", str(tmp_path / "javascript:x"), "--summary", str(tmp_path / "map.html")])
    assert r.exit_code == 0, r.output
    dom = browse(tmp_path, (tmp_path / "map.html").as_uri(), "--dump-dom")
    assert 'href="javascript%3Ax/uchinada.html#area=base_systems"' in dom
    shot = tmp_path / "map.png"
    browse(tmp_path, (tmp_path / "map.html").as_uri(), f"--screenshot={shot}", "--window-size=1200,600")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _visible_rows(dom):
    """(data-area of each row the report shows, of each it hides)."""
    rows = re.findall(r'<tr data-id="[^"]*" data-status="[^"]*" data-severity="[^"]*" data-area="([^"]*)"([^>]*)>', dom)
    return [a for a, rest in rows if "hidden" not in rest], [a for a, rest in rows if "hidden" in rest]


@pytest.mark.parametrize("folder", ["出力 100%", "javascript:x"])
def test_a_heat_map_link_opens_the_report_filtered_to_its_area(tmp_path, folder):
    """The link in a cell, followed as the browser resolves it (relative to the page, its
    escapes decoded once), opens the municipality's HTML report showing that area only."""
    from urllib.parse import unquote, urljoin

    from click.testing import CliRunner

    from gapcheck.cli import main

    r = CliRunner().invoke(main, ["run", str(PROFILES), "--as-of", "2026-11-23", "--jobs", "1",
                                  "--output-dir", str(tmp_path / folder), "--summary", str(tmp_path / "map.html")])
    assert r.exit_code == 0, r.output
    heat = (tmp_path / "map.html").as_uri()
    dom = browse(tmp_path, heat, "--dump-dom")
    links = re.findall(r'<tr class="m" data-id="uchinada">.*?</tr>', dom, re.S)[0]
    hrefs = re.findall(r'href="([^"]*)"', links)
    assert len(hrefs) == 7          # one per area (other_duties since 2026-12)
    expected = json.loads((tmp_path / folder / "uchinada.json").read_text(encoding="utf-8"))
    for area in ("security", "online_procedures"):
        href = next(h for h in hrefs if h.endswith("#area=" + area)).replace("&amp;", "&")
        url = urljoin(heat, href)
        assert unquote(url.split("#")[0]) == "file://" + str(tmp_path / folder / "uchinada.html")
        report_dom = browse(tmp_path, url, "--dump-dom")
        shown, hidden = _visible_rows(report_dom)
        want = sum(1 for f in expected["findings"] if f["area"] == area)
        assert want and set(shown) == {area} and len(shown) == want and hidden, (area, len(shown), want)
        assert count_in(report_dom) == str(want)


def _with_probe(html: str, js: str) -> str:
    """The page with one more inline script (allowed by its hash in the page's CSP): a test's
    probe that writes what it measured into the title."""
    h = "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii") + "'"
    assert "script-src " in html
    return html.replace("script-src ", f"script-src {h} ", 1).replace("</body>", f"<script>{js}</script></body>")


def title_in(dom):
    return re.search(r"<title>(.*?)</title>", dom, re.S).group(1)


def test_no_horizontal_overflow_at_1280_px_with_every_finding_open(page, tmp_path):
    path, d = page
    html = path.read_text(encoding="utf-8").replace("<details>", "<details open>")
    probe = _with_probe(html, "document.title=String(document.documentElement.scrollWidth)+' '+"
                              "String(document.documentElement.clientWidth);")
    opened = tmp_path / "open.html"
    opened.write_text(probe, encoding="utf-8")
    dom = browse(tmp_path, opened.as_uri(), "--dump-dom", "--window-size=1280,900")
    scroll, client = map(int, title_in(dom).split())
    assert 1200 <= client <= 1280 and scroll <= client, (scroll, client)
    shot = tmp_path / "open.png"
    browse(tmp_path, opened.as_uri(), f"--screenshot={shot}", "--window-size=1280,1600", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _pdf_pages(pdf):
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    # Chromium writes its page objects uncompressed: count them
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


# at most 15 pages although the 2026-12 catalogs add eleven findings: the appendix lists the
# unassessed findings of one rule as one entry
@pytest.mark.parametrize("lang,limit", [("ja", 15), ("en", 15)])
def test_printed_report_is_compact_and_headed(tmp_path, lang, limit):
    """One compact row per finding, the details in an appendix: Uchinada's report prints on at
    most 15 A4 pages (in Japanese and in English), every page headed with the
    municipality and the evaluation date."""
    res = api.run(PROFILES / "uchinada.yaml", as_of="2026-11-23",
                  waivers=ROOT / "profiles" / "waivers" / "uchinada.waivers.yaml")
    path = tmp_path / f"uchinada-{lang}.html"
    path.write_text(render_dict(report.to_dict(res, lang), "html"), encoding="utf-8")
    pdf = tmp_path / "uchinada.pdf"
    browse(tmp_path, path.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    pages = _pdf_pages(pdf)
    assert 3 <= pages <= limit, pages
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        for n in (1, pages):
            text = subprocess.run([pdftotext, "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                                  text=True, check=True).stdout
            head = text.strip().splitlines()[0]
            assert ("内灘町" if lang == "ja" else "Uchinada") in head and "2026-11-23" in head, head
            assert f"{n} / {pages}" in text


def test_heat_map_rows_sort_within_their_prefecture(tmp_path):
    """A click on a heading sorts each prefecture's rows by that column; the prefecture's total
    stays last (the page's own script, allowed by its hash; a probe reads the order)."""
    from click.testing import CliRunner

    from gapcheck.cli import main

    r = CliRunner().invoke(main, ["run", str(PROFILES), "--as-of", "2026-11-23", "--jobs", "1",
                                  "--output-dir", str(tmp_path / "out"), "--summary", str(tmp_path / "map.html")])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    probe = ("var h=document.querySelectorAll('#heat thead th')[2];h.click();var a=[];"
             "Array.prototype.forEach.call(document.querySelectorAll('#heat tbody'),function(tb){"
             "a.push(Array.prototype.map.call(tb.rows,function(r){return r.getAttribute('data-id')||r.className;}).join(','));});"
             "h.click();var b=Array.prototype.map.call(document.querySelectorAll('#heat tbody')[2].rows,"
             "function(r){return r.getAttribute('data-id')||r.className;}).join(',');"
             "document.title=a.join('|')+'#'+b;")
    page = tmp_path / "probe.html"
    page.write_text(_with_probe(html, probe), encoding="utf-8")
    asc, desc = title_in(browse(tmp_path, page.as_uri(), "--dump-dom")).split("#")
    ishikawa = asc.split("|")[2].split(",")
    # by data date: 内灘町 2022-03-31, 加賀市 2025-05-07, 白山市 2026-04-30; the total last
    assert ishikawa == ["pref", "uchinada", "kaga", "hakusan", "total"], ishikawa
    assert desc.split(",") == ["pref", "hakusan", "kaga", "uchinada", "total"], desc
