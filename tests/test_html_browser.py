"""The HTML report in a real browser (headless Chromium): its script runs without errors or
blocked content, and the findings count the page computes equals the JSON's.

Runs only where Chromium is installed (/usr/bin/chromium or `chromium` on PATH); skipped
otherwise. A screenshot is saved under the test's tmp_path.
"""
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
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
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
    assert 'href="javascript%3Ax/uchinada.json#base_systems"' in dom
    shot = tmp_path / "map.png"
    browse(tmp_path, (tmp_path / "map.html").as_uri(), f"--screenshot={shot}", "--window-size=1200,600")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
