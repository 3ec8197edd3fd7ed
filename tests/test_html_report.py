"""The HTML report for auditors, without a browser: the banner for stale or plan-based data
(from the result's own fields, or computed where a result has none), basis and age beside the
status, the charts (inline SVG), area names from the catalogs, the print layout and the CJK
font stack. tests/test_html_browser.py checks the layout in Chromium."""
import json
import re

import pytest

from gapcheck.engine import api
from gapcheck.engine.report import model as report
from gapcheck.engine.report.formats import html as h
from gapcheck.engine.report.formats import render_dict
from tests.conftest import PROFILES


@pytest.fixture(scope="module")
def uchinada():
    res = api.run(PROFILES / "uchinada.yaml", as_of="2026-11-23")
    return {lang: report.to_dict(res, lang) for lang in ("ja", "en")}


def copy(d):
    return json.loads(json.dumps(d))


def test_stale_data_is_a_banner_computed_from_the_dates_when_the_result_has_no_field(uchinada):
    d = copy(uchinada["ja"])
    for k in ("stale", "basis"):
        d["profile"].pop(k, None)
    d.pop("max_age_days", None)
    out = render_dict(d, "html")
    banner = re.search(r'<div class="banner" id="data-banner".*?</div>', out, re.S).group(0)
    age = (h._day(d["as_of"]) - h._day(d["profile"]["as_of"])).days
    assert "データが古い" in banner and f"{age:,}日前" in banner and "365日" in banner
    # the banner comes before the summary, not as a row far down
    assert out.index('id="data-banner"') < out.index('id="summary"') < out.index('id="findings"')


def test_no_banner_for_fresh_record_based_data(uchinada):
    d = copy(uchinada["en"])
    d["profile"]["as_of"] = "2026-10-01"
    d["profile"].pop("stale", None)
    d["profile"]["basis"] = "record"
    for f in d["findings"]:
        f.pop("basis", None)
        f.pop("stale", None)
    assert 'id="data-banner"' not in render_dict(d, "html")


def test_the_result_fields_decide_when_present(uchinada):
    """schema 2.0: profile.stale, profile.basis, max_age_days and each finding's basis, age and
    stale flag."""
    d = copy(uchinada["ja"])
    d["profile"].update(as_of="2026-10-01", stale=True, basis="plan")
    d["max_age_days"] = 30
    for f in d["findings"]:
        f.update(basis=None, data_age_days=None, stale=False)
    d["findings"][0].update(basis="plan", data_age_days=1706, stale=True, evidence_date="2022-03-31")
    d["findings"][1].update(basis="record", data_age_days=10, stale=False)
    out = render_dict(d, "html")
    banner = re.search(r'<div class="banner".*?</div>', out, re.S).group(0)
    assert "データが古い" in banner and "30日" in banner and "計画に基づくデータ" in banner
    assert "基準より古い根拠に基づく指摘: 1件" in banner
    rows = re.findall(r"<tr data-id=.*?</tr>", out, re.S)
    assert re.search(r'class="basis"[^>]*>計画<span class="age"> · 1,706日前</span> · <span class="stale">古い</span>',
                     rows[0]), rows[0][:600]
    assert '>記録<span class="age"> · 10日前</span></span>' in rows[1]
    en = copy(uchinada["en"])
    en["findings"][0].update(basis="survey", data_age_days=400, stale=True)
    assert ">survey<span class=\"age\"> · 400 d old</span> · <span class=\"stale\">stale</span>" in render_dict(en, "html")


def test_area_names_are_the_catalogs_in_the_language_of_the_report(uchinada):
    ja = render_dict(uchinada["ja"], "html")
    assert uchinada["ja"]["area_names"]["base_systems"].startswith("地方公共団体情報システムの標準化")
    assert ">地方公共団体情報システムの標準化</td>" in ja                  # the findings table
    assert '<option value="base_systems">地方公共団体情報システムの標準化</option>' in ja  # the filter keeps the ID
    assert re.search(r"<th[^>]*>base_systems</th>", ja) is None
    en = render_dict(uchinada["en"], "html")
    assert "Standardisation of local-government information systems" in en


def test_charts_are_inline_svg_with_every_count(uchinada):
    d = uchinada["ja"]
    out = render_dict(d, "html")
    bars = re.search(r'<svg class="chart" id="chart-areas".*?</svg>', out, re.S).group(0)
    for area, counts in d["summary"]["by_area"].items():
        for st, n in counts.items():
            if n:
                assert re.search(f'data-area="{area}" data-status="{st}"[^>]*><title>[^<]*{n}</title>', bars), (area, st)
    tl = re.search(r'<svg class="chart" id="chart-deadlines".*?</svg>', out, re.S).group(0)
    dated_open = sum(1 for f in d["findings"] if f["status"] in h.OPEN and f["deadline"])
    shown = sum(int(m) for m in re.findall(r"<title>[^<:]*: (\d+) —", tl))
    assert shown == dated_open and 'class="today"' in tl
    assert "<script src" not in out and "http://www.w3.org/2000/svg" in out   # a namespace, never fetched


def test_print_layout_and_fonts(uchinada):
    d = uchinada["ja"]
    out = render_dict(d, "html")
    style = re.search(r"<style>(.*?)</style>", out, re.S).group(1)
    assert '"Noto Sans CJK JP"' in style and '"Hiragino' in style and '"Yu Gothic"' in style and '"Meiryo"' in style
    assert style.index("Noto Sans CJK JP") < style.index("sans-serif")
    head = re.search(r'@top-left\{content:"([^"]*)"', style).group(1)
    assert "内灘町" in head and "2026-11-23" in head
    assert "counter(pages)" in style
    appendix = re.search(r'<section id="appendix" class="print-only">.*?</section>', out, re.S).group(0)
    # one entry per finding, except the unassessed findings of one rule, which share one
    from collections import Counter

    grouped = Counter((f["rule"], f["remediation"]) for f in d["findings"]
                      if f["status"] == "unassessed" and not f["waiver"] and f["cost_estimate"] is None)
    singles = len(d["findings"]) - sum(n for n in grouped.values() if n > 1)
    assert appendix.count('<div class="ap">') == singles + sum(1 for n in grouped.values() if n > 1)
    assert all(f["id"] in appendix for f in d["findings"])
    assert "#findings details{display:none}" in style         # printed: one compact row per finding


def test_page_header_text_cannot_break_out_of_the_style(uchinada):
    d = copy(uchinada["en"])
    d["profile"]["name"] = 'X"}</style><script>alert(1)</script>\\'
    d["profile"]["name_en"] = None
    out = render_dict(d, "html")
    style = re.search(r"<style>(.*?)</style>", out, re.S).group(1)
    assert "</style" not in style and "<script" not in style
    assert re.search(r'@top-left\{content:"X\\22 \}\\3C /style\\3E ', style)
