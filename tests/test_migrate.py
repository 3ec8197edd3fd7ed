"""gapcheck migrate: a version 1 profile as version 2, every default explicit, comments kept, the
same findings, the input untouched."""
from __future__ import annotations

import yaml

from gapcheck.cli import main
from gapcheck.engine import api
from tests.conftest import write

V1 = """\
# 例示市 — taken from its DX plan (a comment that must survive)
id: example-city
municipality:
  name: 例示市          # the city
  code: "173657"
  prefecture: 石川県
as_of: 2025-03-31
source: 例示市DX推進計画（2025年3月）
areas:
  base_systems:
    items:
      BS-JUKI: {status: in_progress}   # 計画 3(2)
      BS-SEIHO: planned
  elqr_levies:
    facts: {nhi_levied_as: premium}
    items:
      EQ-FUND-KOKUHO: planned
"""


def test_migrate_makes_the_defaults_explicit_and_keeps_comments(runner, tmp_path):
    src = write(tmp_path, "v1.yaml", V1)
    out = tmp_path / "v2.yaml"
    r = runner.invoke(main, ["--lang", "en", "migrate", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert src.read_text(encoding="utf-8") == V1                      # the input is untouched
    text = out.read_text(encoding="utf-8")
    assert "# 例示市 — taken from its DX plan (a comment that must survive)" in text
    assert "# the city" in text and "# 計画 3(2)" in text
    d = yaml.safe_load(text)
    assert d["profile_version"] == 2 and d["basis"] == "plan"         # its source names a plan
    m = d["municipality"]
    assert m["nhi_levy"] == "premium" and m["welfare_office"] is None and m["type"] is None
    assert "facts" not in d["areas"]["elqr_levies"]                    # moved, not duplicated
    assert "made explicit: basis: plan" in r.output
    # the same findings, requirement by requirement
    a = {f.requirement: (f.status, f.basis) for f in api.run(src, as_of="2026-12-01").findings}
    b = {f.requirement: (f.status, f.basis) for f in api.run(out, as_of="2026-12-01").findings}
    assert a == b and a["BS-JUKI"] == ("unverified", "plan")
    # and again: a version 2 profile has nothing to migrate
    r = runner.invoke(main, ["--lang", "en", "migrate", str(out), "-o", str(tmp_path / "v3.yaml")])
    assert r.exit_code == 2 and "already version 2" in r.output and not (tmp_path / "v3.yaml").exists()


def test_migrate_never_writes_over_its_input(runner, tmp_path):
    src = write(tmp_path, "v1.yaml", V1)
    r = runner.invoke(main, ["--lang", "en", "migrate", str(src), "-o", str(src)])
    assert r.exit_code == 2 and src.read_text(encoding="utf-8") == V1


def test_a_town_gets_its_type_and_an_unknown_welfare_office(runner, tmp_path):
    src = write(tmp_path, "town.yaml", V1.replace("例示市", "例示町"))
    out = tmp_path / "t2.yaml"
    assert runner.invoke(main, ["migrate", str(src), "-o", str(out)]).exit_code == 0
    m = yaml.safe_load(out.read_text(encoding="utf-8"))["municipality"]
    assert m["type"] == "町" and m["welfare_office"] is None
    # 生活保護 then depends on a fact the profile does not give: unassessed, not a gap
    f = next(f for f in api.run(out, as_of="2026-12-01").findings if f.requirement == "BS-SEIHO")
    assert f.status == "unassessed" and f.applicability["missing"] == ["welfare_office"]
