"""benchmarks/independent_floor.py, which imports nothing of gapcheck, writes the same findings
JSON as gapcheck: the example profiles one at a time and 30 generated ones as a batch, on two
evaluation dates (benchmarks/check_independent_floor.py compares them byte for byte)."""
import subprocess
import sys

import pytest

from conftest import ROOT

FLOOR = ROOT / "benchmarks" / "independent_floor.py"
CHECK = ROOT / "benchmarks" / "check_independent_floor.py"


def test_floor_writes_the_same_bytes_as_gapcheck():
    cp = subprocess.run([sys.executable, str(CHECK), "--count", "30", "--dates", "2026-11-23", "2026-04-01"],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    lines = cp.stdout.splitlines()
    assert len(lines) == 4 and all("identical" in line for line in lines), cp.stdout
    assert "5 example profiles, one at a time: 5 files identical" in lines[0]
    assert "30 generated profiles, batch --jobs 2: 30 files identical" in lines[1]


def test_english_and_stdout(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from check_independent_floor import gapcheck_cmd

    args = ["profiles/kaga.yaml", "--as-of", "2027-03-31", "--lang", "en"]
    want = subprocess.run(gapcheck_cmd() + ["run", *args, "--format", "json"], capture_output=True, cwd=ROOT)
    got = subprocess.run([sys.executable, str(FLOOR), *args], capture_output=True, cwd=ROOT)
    assert want.returncode == got.returncode == 0, got.stderr
    assert got.stdout == want.stdout


# What the example and generated profiles do not say (profile_version 2): an area's defaults and
# an item that overrides them, an item outside the plan (in_plan false: no default status or
# date), a designation with its own date (within and beyond the catalog's limit) and without,
# Japanese words for statuses, bases and the levy, an empty item, amounts as people write them,
# attributes true, false and unknown, a successor plan.
EDGE = """profile_version: 2
id: edge
as_of: 2025-09-30
basis: 調査
source: 調査票
municipality:
  name: 試験町
  name_en: Test
  code: "173657"
  prefecture: 石川県
  type: 町
  welfare_office: false
  nhi_levy: 国保料
  port: true
  river: false
  building_official: null
plan:
  title: 試験計画
  period_end: 令和7年度末
  successor: {title: 次期, adopted: false}
areas:
  base_systems:
    defaults: {status: 予定, basis: plan, as_of: 令和7年6月, planned: 令和8年度, department: 情報政策課}
    plan_scope: [BS-JUKI, BS-KOSEKI, BS-FUHYO, BS-INKAN, BS-KOTEI, BS-KOJIN, BS-HOJIN]
    items:
      BS-JUKI: {status: done, basis: record, as_of: 2025-04-01, in_plan: false}
      BS-KOSEKI: {designated: true, designated_until: 令和9年3月, designation_reason: r1}
      BS-FUHYO: {designated: true, designated_until: 令和14年度, status: in_progress}
      BS-INKAN: {designated: true, status: not_started}
      BS-SEIHO: {status: planned}
      BS-KOTEI: {status: 完了, cost_estimate: "5,000千円"}
      BS-KOJIN:
      BS-HOJIN: {cost_estimate: "約1億2,000万円", department: 税務課}
      BS-KEIJI: not_applicable
      BS-KOKUHO: {cost_estimate: "１２０００００円"}
  online_procedures:
    defaults: {in_plan: true}
    items:
      OP-TENSHUTSU: {status: not_started}
  elqr_levies:
    facts: {nhi_levied_as: tax}
    items:
      EQ-FUND-KOKUHO: {status: planned, planned: 令和8年}
      EQ-TAX-KOKUHO: not_started
      EQ-FUND-KOWAN: not_applicable
  other_duties:
    facts: {gc_cost_fy2018: 100000000, gc_cost_current: 230000000}   # a derived ratio: 230 %
"""


@pytest.mark.parametrize("as_of,lang", [("2025-10-01", "ja"), ("2026-11-23", "ja"), ("2031-06-01", "en")])
def test_profile_version_2_statements(tmp_path, as_of, lang):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from check_independent_floor import gapcheck_cmd

    (tmp_path / "edge.yaml").write_text(EDGE, encoding="utf-8")
    args = [str(tmp_path / "edge.yaml"), "--as-of", as_of, "--lang", lang]
    want = subprocess.run(gapcheck_cmd() + ["run", *args, "--format", "json"], capture_output=True, cwd=ROOT)
    got = subprocess.run([sys.executable, str(FLOOR), *args], capture_output=True, cwd=ROOT)
    assert want.returncode == got.returncode == 0, want.stderr + got.stderr
    assert got.stdout == want.stdout


def test_floor_imports_nothing_of_the_project(tmp_path):
    cp = subprocess.run([sys.executable, "-X", "importtime", str(FLOOR), "profiles/uchinada.yaml",
                         "--as-of", "2026-11-23", "-o", str(tmp_path / "u.json")],
                        capture_output=True, text=True, cwd=ROOT)
    assert cp.returncode == 0, cp.stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in cp.stderr.splitlines()
               if line.startswith("import time:")}
    assert {"yaml", "orjson"} <= modules
    assert not modules & {"engine", "cli", "gapcheck", "pydantic", "durable", "click"}, sorted(modules)
