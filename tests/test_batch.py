"""Batch runs: many profiles, --jobs, broken profiles, the summary matrix, and the floor check."""
import json
import sys

import pytest

from gapcheck.cli import main
from tests.conftest import PROFILES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def fifty(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen")
    generate.generate(50, 7, d)
    return d


def test_generator_is_deterministic(tmp_path, fifty):
    generate.generate(3, 7, tmp_path)
    for name in ("m0000.yaml", "m0001.yaml", "m0002.yaml"):
        assert (tmp_path / name).read_bytes() == (fifty / name).read_bytes()


def test_jobs_1_and_2_give_byte_identical_output(runner, fifty, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        r = runner.invoke(main, ["run", str(fifty), "--as-of", AS_OF, "--jobs", jobs,
                                 "--output-dir", str(tmp_path / jobs), "--summary", str(tmp_path / f"s{jobs}.csv")])
        assert r.exit_code == 0, r.output
        files = sorted((tmp_path / jobs).iterdir())
        assert len(files) == 50
        outs.append([(f.name, f.read_bytes()) for f in files] + [("summary", (tmp_path / f"s{jobs}.csv").read_bytes())])
    assert outs[0] == outs[1]
    r1 = runner.invoke(main, ["run", str(fifty), "--as-of", AS_OF, "--jobs", "1"])
    r2 = runner.invoke(main, ["run", str(fifty), "--as-of", AS_OF, "--jobs", "2"])
    assert r1.stdout_bytes == r2.stdout_bytes
    lines = r1.stdout_bytes.decode().splitlines()
    assert len(lines) == 50 and all(json.loads(ln)["profile"]["id"] for ln in lines)


def test_a_broken_profile_does_not_stop_the_rest(runner, fifty, tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    for name in ("m0000.yaml", "m0001.yaml", "m0002.yaml"):
        (bad / name).write_bytes((fifty / name).read_bytes())
    (bad / "m0001.yaml").write_text("id: broken\nmunicipality: [\n", encoding="utf-8")
    r = runner.invoke(main, ["--lang", "en", "run", str(bad), "--as-of", AS_OF, "--jobs", "2",
                             "--output-dir", str(tmp_path / "out")])
    assert r.exit_code == 4, r.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["m0000.json", "m0002.json"]
    assert "m0001.yaml" in r.output and "Traceback" not in r.output
    # every profile broken: nothing ran, a plain input error
    r = runner.invoke(main, ["run", str(bad / "m0001.yaml"), str(bad / "m0001.yaml"), "--output-dir", str(tmp_path / "o2")])
    assert r.exit_code == 2


def test_summary_matrix_and_heat_map(runner, tmp_path):
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--output-dir", str(tmp_path / "out"),
                             "--summary", str(tmp_path / "map.html"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "http" not in page.replace("http-equiv", "").replace(
        "http://www.w3.org/2000/svg", "")
    for muni in ("内灘町", "白山市", "加賀市", "富里市", "銚田市"):
        assert muni in page
    assert page.index("茨城県") < page.index("千葉県") < page.index("石川県")   # grouped by prefecture code
    # the link opens the municipality's HTML report (written beside its JSON) filtered to the area
    assert 'href="out/uchinada.html#area=base_systems"' in page
    assert (tmp_path / "out" / "uchinada.html").is_file() and (tmp_path / "out" / "uchinada.json").is_file()
    assert 'data-worst="overdue"' in page
    # the evaluation date, the catalog editions, each row's data date; totals per prefecture and nationally
    assert "2026-11-23" in page and "2024-12-24" in page and ">2022-03-31" in page
    assert "石川県 計（3団体）" in page and "全国計（5団体）" in page
    assert '<svg class="chart" id="chart-heat-areas"' in page
    # an area with no open finding is met: green, never an uncoloured "-". Since 2026-12 (the
    # 市町村官民データ活用推進計画, an effort duty, is in dx_plan) no example plan has an area fully met,
    # so a copy of 白山市's profile whose plan also covers it shows the green cell
    assert "c s-none" not in page
    met = tmp_path / "met"
    met.mkdir()
    text = (PROFILES / "hakusan.yaml").read_text(encoding="utf-8")
    text = text.replace("      - DXP-OPEN-DATA ", "      - DXP-KANMIN-DATA-PLAN\n      - DXP-OPEN-DATA ", 1)
    (met / "hakusan.yaml").write_text(text, encoding="utf-8")
    r = runner.invoke(main, ["run", str(met), "--as-of", AS_OF, "--output-dir", str(tmp_path / "out2"),
                             "--summary", str(tmp_path / "met.html"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    met_page = (tmp_path / "met.html").read_text(encoding="utf-8")
    assert "c s-none" not in met_page and 'data-worst="ok"' in met_page
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--summary-format", "json", "--jobs", "1"])
    m = json.loads(r.stderr)
    ishikawa = next(p for p in m["prefectures"] if p["code"] == "17")
    uchi = next(x for x in ishikawa["municipalities"] if x["id"] == "uchinada")
    assert uchi["worst"]["base_systems"] == "overdue" and uchi["areas"]["base_systems"]["unassessed"] == 5   # 戸籍・附票・印鑑, and 生活保護・児童扶養手当 (福祉事務所 unknown)


@pytest.mark.parametrize("folder", ["javascript:alert(document.domain)", "out {x} 100% (a)#b?c"])
def test_heat_map_has_a_csp_and_only_relative_file_links(runner, tmp_path, folder):
    import base64
    import hashlib
    import re
    from urllib.parse import unquote

    out = tmp_path / folder
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--output-dir", str(out),
                             "--summary", str(tmp_path / "map.html"), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page).group(1)
    assert "default-src 'none'" in csp and "base-uri 'none'" in csp and "form-action 'none'" in csp
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert f"style-src 'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" in csp
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)        # sorting the rows: by its hash
    assert f"script-src 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'" in csp
    assert page.count("<script") == 1 and " style=" not in page   # inline styles would be blocked
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert len(hrefs) == 5 * 7      # five profiles, seven areas (other_duties since 2026-12)
    for h in hrefs:
        path, _, area = h.partition("#area=")
        assert not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", h) and not h.startswith("/"), h
        assert (tmp_path / unquote(path)).is_file() and area in ("base_systems", "online_procedures", "other_duties",
                                                                   "analog_regulations", "elqr_levies",
                                                                   "security", "dx_plan"), h
    assert 'class="c s-overdue dark" data-worst="overdue"' in page


def test_heat_map_neutralises_links_given_by_a_library_caller():
    from gapcheck.engine.commands import batch
    from gapcheck.engine.commands import rollup

    o = batch.Outcome("p.yaml", True, profile_id="uchinada", name="内灘町", code="173657", prefecture="石川県",
                      counts={"dx_plan": {"gap": 1}})
    m = batch.Matrix(["dx_plan"], [o], [])
    for link, want in [("javascript:alert(1)//{id}.json", 'href="javascript%3Aalert%281%29//uchinada.json#area=dx_plan"'),
                       ("//evil.invalid/{id}", 'href=".///evil.invalid/uchinada#area=dx_plan"'),
                       ("JaVaScRiPt:{id}", 'href="JaVaScRiPt%3Auchinada#area=dx_plan"')]:
        page = rollup.render_html(m, "en", link)
        assert want in page, page


@pytest.mark.parametrize("name", ["uchinada.json", "UCHINADA.JSON", "other-town.json"])
def test_summary_in_place_of_a_profiles_output_is_refused_before_running(runner, tmp_path, name):
    out = tmp_path / "OUT"
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES), "--as-of", AS_OF, "--jobs", "1",
                             "--output-dir", str(out), "--summary", str(out / name)])
    assert r.exit_code == 2 and "has the name of a profile's findings in --output-dir" in r.output, r.output
    assert "_summary.json" in r.output and "Traceback" not in r.output
    assert not out.exists()                       # nothing ran, nothing was written
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--jobs", "1",
                             "--output-dir", str(out), "--summary", str(out / name)])
    assert r.exit_code == 2 and "上書き" in r.output
    # a name no id can have, or another extension, is fine
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", AS_OF, "--jobs", "1",
                             "--output-dir", str(out), "--summary", str(out / "_summary.json")])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "uchinada.json").read_text("utf-8"))["findings"]
    assert "prefectures" in json.loads((out / "_summary.json").read_text("utf-8"))


def test_output_that_is_a_folder_skips_that_profile_and_the_batch_goes_on(runner, tmp_path):
    out = tmp_path / "OUT"
    (out / "hakusan.json").mkdir(parents=True)          # 白山市 sorts between the others
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES), "--as-of", AS_OF, "--jobs", "1",
                             "--output-dir", str(out), "--summary", str(tmp_path / "s.json")])
    assert r.exit_code == 4, r.output
    assert "hakusan.yaml: its output" in r.output and "is a folder" in r.output and "Traceback" not in r.output
    assert (out / "hakusan.json").is_dir()
    for m in ("choda", "kaga", "tomisato", "uchinada"):
        assert json.loads((out / f"{m}.json").read_text("utf-8"))["findings"], m
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]       # no staged file left
    summary = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert [f["path"] for f in summary["failed"]] == [str(PROFILES / "hakusan.yaml")]
    assert sum(len(p["municipalities"]) for p in summary["prefectures"]) == 4


def test_floor_agrees_with_engine(fifty, engine):
    """The benchmark's plain-Python matcher and durable_rules give identical findings."""
    import datetime

    from gapcheck.engine.report import model as report
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.match.matcher import PythonMatcher
    from gapcheck.engine.load.profile import load_profile

    floor = engine.ruleset.with_matcher(PythonMatcher)
    day = datetime.date(2026, 11, 23)
    paths = sorted(fifty.glob("*.yaml"))[:20] + sorted(PROFILES.glob("*.yaml"))
    for p in paths:
        if p.name == "TEMPLATE.yaml":
            continue
        lp = load_profile(str(p), engine.catalogs)
        a = report.to_dict(evaluate(engine.ruleset, lp, day, include_passed=True), "en")
        b = report.to_dict(evaluate(floor, lp, day, include_passed=True), "en")
        assert a == b, p


def test_batch_other_formats_need_an_output_dir(runner, tmp_path):
    r = runner.invoke(main, ["--lang", "en", "run", str(PROFILES), "--format", "markdown", "--jobs", "1"])
    assert r.exit_code == 2 and "--output-dir" in r.output
    r = runner.invoke(main, ["run", str(PROFILES / "uchinada.yaml"), str(PROFILES / "hakusan.yaml"),
                             "--as-of", AS_OF, "--format", "markdown", "--jobs", "1", "--output-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hakusan.md", "uchinada.md"]
    assert "内灘町" in (tmp_path / "uchinada.md").read_text(encoding="utf-8")


def test_duplicate_profile_ids_are_reported_not_overwritten(runner, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = (PROFILES / "uchinada.yaml").read_text(encoding="utf-8")
    (src / "a.yaml").write_text(text, encoding="utf-8")
    (src / "b.yaml").write_text(text.replace("as_of: 2022-03-31", "as_of: 2022-04-30"), encoding="utf-8")
    r = runner.invoke(main, ["--lang", "en", "run", str(src), "--as-of", AS_OF, "--jobs", "1",
                             "--output-dir", str(tmp_path / "out")])
    assert r.exit_code == 4 and "is also used by" in r.output and "b.yaml" in r.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["uchinada.json"]
    assert json.loads((tmp_path / "out" / "uchinada.json").read_text(encoding="utf-8"))["profile"]["as_of"] == "2022-03-31"


def test_rerun_into_the_same_folder_replaces_outputs_and_leaves_no_temporary_files(runner, fifty, tmp_path,
                                                                                  monkeypatch):
    from gapcheck.engine.commands import batch

    monkeypatch.setattr(batch, "COMMIT_EVERY", 7)       # commit in several rounds, as a large batch does
    out = tmp_path / "out"
    for as_of in (AS_OF, "2027-04-01"):
        r = runner.invoke(main, ["run", str(fifty), "--as-of", as_of, "--jobs", "2", "--output-dir", str(out)])
        assert r.exit_code == 0, r.output
        names = sorted(p.name for p in out.iterdir())
        assert len(names) == 50 and all(n.endswith(".json") and not n.startswith(".") for n in names)
        assert {json.loads(p.read_text(encoding="utf-8"))["as_of"] for p in out.iterdir()} == {as_of}


def test_an_interrupted_batch_leaves_no_temporary_files(runner, fifty, tmp_path, monkeypatch):
    from gapcheck.engine.commands import batch
    from gapcheck.engine.report import output

    monkeypatch.setattr(batch, "COMMIT_EVERY", 5)
    real, calls = output.commit, []

    def failing_commit(tmp, target, inputs=(), **kw):
        calls.append(target)
        if len(calls) == 12:
            raise output.GapcheckError("disk full (simulated)", "ディスクがいっぱいです（模擬）", file=str(target))
        return real(tmp, target, inputs, **kw)

    monkeypatch.setattr(output, "commit", failing_commit)
    out = tmp_path / "out"
    r = runner.invoke(main, ["--lang", "en", "run", str(fifty), "--as-of", AS_OF, "--jobs", "2", "--output-dir", str(out)])
    assert r.exit_code == 2 and "disk full" in r.output and "Traceback" not in r.output
    names = sorted(p.name for p in out.iterdir())
    assert names and len(names) < 50, "the run stopped part-way"
    assert not [n for n in names if n.startswith(".")], names      # every staged file was removed
    for p in out.iterdir():                                          # what was committed is whole
        assert json.loads(p.read_text(encoding="utf-8"))["findings"]


def test_batch_summary_over_an_input_is_refused(runner, fifty, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("m0000.yaml", "m0001.yaml"):
        (src / name).write_bytes((fifty / name).read_bytes())
    before = (src / "m0001.yaml").read_bytes()
    r = runner.invoke(main, ["--lang", "en", "run", str(src), "--as-of", AS_OF, "--jobs", "1",
                             "--summary", str(src / "m0001.yaml"), "--summary-format", "csv"])
    assert r.exit_code == 2 and "input file" in r.output
    assert (src / "m0001.yaml").read_bytes() == before


def test_direct_driver_agrees_with_durable_rules_host(fifty, engine, monkeypatch):
    """gapcheck drives durable_rules' engine core itself (compiler.run_session); delivering the
    matches through durable_rules' own Python Host must give exactly the same findings."""
    import datetime

    from gapcheck.engine.report import model as report
    from gapcheck.engine.match.compiler import HostMatcher
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.load.profile import load_profile

    via_host = engine.ruleset.with_matcher(HostMatcher)
    day = datetime.date(2026, 11, 23)
    paths = sorted(fifty.glob("*.yaml"))[:30] + sorted(PROFILES.glob("*.yaml"))
    compared = 0
    for p in paths:
        if p.name == "TEMPLATE.yaml":
            continue
        lp = load_profile(str(p), engine.catalogs)
        direct = report.to_dict(evaluate(engine.ruleset, lp, day, include_passed=True), "ja")
        host = report.to_dict(evaluate(via_host, lp, day, include_passed=True), "ja")
        assert direct == host and direct["findings"], p
        compared += 1
    assert compared == 35


def test_engine_refusal_is_an_engine_error(engine):
    """A fact durable_rules' core refuses (here: a kind no rule or observer matches) stops the
    evaluation with an EngineError, never a silently shorter list of findings."""
    from gapcheck.engine.match.compiler import Session, _Codec, run_session, EngineRefused

    matcher = engine.ruleset.matcher
    matcher.sessions["refuse"] = Session()
    try:
        with pytest.raises(EngineRefused, match="matched no rule"):
            run_session(matcher, _Codec.dumps([{"k": "no-such-kind", "id": 1, "sid": "refuse"}]),
                        "refuse")
        # facts are identified by their fid (asserted as "id"): the same id twice is refused
        dup = {"k": "profile", "id": 7, "sid": "refuse"}
        with pytest.raises(EngineRefused, match="asserted twice"):
            run_session(matcher, _Codec.dumps([dup, dup]), "refuse")
    finally:
        matcher.sessions.pop("refuse", None)
        from gapcheck.engine.match.durable import dr
        try:
            dr.delete_state(matcher.name, "refuse")
        except Exception:
            pass


def test_spawned_workers_load_the_folders_of_the_given_engine(tmp_path, monkeypatch):
    """Where workers are spawned (not forked: Windows, macOS), they inherit nothing; a batch run
    with an engine of its own must still use that engine's catalogs and rules."""
    import datetime
    import multiprocessing
    import shutil

    from gapcheck.engine.api import Engine
    from gapcheck.engine.commands import batch

    for sub in ("catalogs", "rules"):
        (tmp_path / sub).mkdir()
        shutil.copy(ROOT / sub / "base_systems.yaml", tmp_path / sub)
    engine = Engine.load(tmp_path / "catalogs", tmp_path / "rules")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    text = (PROFILES / "uchinada.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "u.yaml"
    profile.write_text(text[:text.index("\n  online_procedures:")] + "\n", encoding="utf-8")
    outcomes = list(batch.run_many([str(profile), str(PROFILES / "kaga.yaml")], as_of=datetime.date(2026, 11, 23),
                                   lang="en", render=batch.Renderer("json"), jobs=2, engine=engine))
    # the trimmed profile runs on the engine's one area; kaga names areas that engine does not know
    assert outcomes[0].ok and set(outcomes[0].counts) == {"base_systems"}, outcomes[0].error
    assert not outcomes[1].ok and "online_procedures" in outcomes[1].error["en"]


def test_the_roll_up_lists_the_expected_municipalities_that_sent_nothing_back(runner, tmp_path):
    """--expected CODES.csv (the list the workbooks went out to): the summary names the ones
    with no profile, by prefecture, in every summary format."""
    codes = tmp_path / "codes.csv"
    codes.write_text("団体コード\n173657\n17203\n172073\n", encoding="utf-8")    # 内灘町, 小松市 (5 digits), 羽咋市
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", "2026-12-01", "--output-dir", str(tmp_path / "o"),
                             "--summary-format", "json", "--expected", str(codes)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    ishikawa = next(p for p in d["prefectures"] if p["code"] == "17")
    assert [m["name"] for m in ishikawa["not_returned"]] == ["小松市", "羽咋市"]
    assert not any(p["not_returned"] for p in d["prefectures"] if p["code"] != "17")
    heat = tmp_path / "heat.html"
    r = runner.invoke(main, ["run", str(PROFILES), "--as-of", "2026-12-01", "--output-dir", str(tmp_path / "o2"),
                             "--summary", str(heat), "--expected", str(codes)])
    assert r.exit_code == 0 and heat.read_text(encoding="utf-8").count("未提出（") == 2
