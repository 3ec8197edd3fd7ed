"""Writing profiles: validate, init, schema, accepted spellings and encodings, safe outputs,
and that every command turns errors into exit codes."""
import json
import os
import re
from pathlib import Path

import pytest

from gapcheck.cli import main
from tests.conftest import PROFILES, ROOT, write

MUNIS = ["kaga", "choda", "hakusan", "uchinada", "tomisato"]
UCHINADA = PROFILES / "uchinada.yaml"
AS_OF = "2026-11-23"


def findings(runner, path, as_of=AS_OF):
    r = runner.invoke(main, ["--lang", "en", "run", str(path), "--as-of", as_of, "--format", "json"])
    assert r.exit_code == 0, r.output
    return {(f["id"], f["status"], f["severity"], f["message"]) for f in json.loads(r.output)["findings"]}


# ---------------------------------------------------------------------------- validate

def test_validate_real_profiles_are_valid_with_warnings(runner):
    r = runner.invoke(main, ["--lang", "en", "validate", str(PROFILES), "--as-of", AS_OF])
    assert r.exit_code == 0, r.output
    # a folder stands for its profiles, as for `run`: TEMPLATE.yaml is skipped (and validated
    # on its own by test_template_is_what_init_writes_and_validates)
    assert "TEMPLATE.yaml" not in r.output and "uchinada.yaml: valid" in r.output
    assert "older than the freshness window (365 days" in r.output   # uchinada is from 2022
    assert re.search(r"\d+ of the \d+ current requirements of online_procedures", r.output)
    assert "5 files: 5 valid, 0 invalid" in r.output


def test_validate_stale_follows_as_of_and_verbose_lists_ids(runner):
    r = runner.invoke(main, ["--lang", "en", "validate", str(PROFILES / "hakusan.yaml"), "--as-of", "2026-05-01"])
    assert r.exit_code == 0 and "year old" not in r.output
    r = runner.invoke(main, ["--lang", "en", "validate", str(UCHINADA), "--as-of", AS_OF])
    assert "OP-SODAI-GOMI" not in r.output and "--verbose" in r.output
    r = runner.invoke(main, ["--lang", "en", "validate", str(UCHINADA), "--as-of", AS_OF, "--verbose"])
    assert "OP-SODAI-GOMI" in r.output
    r = runner.invoke(main, ["validate", str(UCHINADA), "--as-of", AS_OF])          # Japanese by default
    assert "妥当です" in r.output and "警告" in r.output and "鮮度の期間 365 日超" in r.output


def test_validate_json(runner, tmp_path):
    bad = write(tmp_path, "bad.yaml", UCHINADA.read_text(encoding="utf-8").replace("BS-KOSEKI: unknown",
                                                                                   "BS-KOSEKI: dne"))
    r = runner.invoke(main, ["--lang", "en", "validate", str(UCHINADA), str(bad), "--format", "json",
                             "--as-of", AS_OF])
    assert r.exit_code == 2
    d = json.loads(r.output)
    assert d["valid"] is False and [f["valid"] for f in d["files"]] == [True, False]
    err = [p for p in d["files"][1]["problems"] if p["level"] == "error"]
    assert err == [dict(err[0], found="dne", path="areas.base_systems.items.BS-KOSEKI.status",
                        hint="did you mean 'done'?")]
    assert err[0]["line"] and err[0]["column"] and "done" in err[0]["expected"]


def test_validate_warnings_do_not_fail(runner, tmp_path):
    text = (PROFILES / "TEMPLATE.yaml").read_text(encoding="utf-8")
    text = text.replace("      BS-JUKI:\n        status: unknown\n", "")          # one left out
    text = text.replace("      BS-KOSEKI:\n        status: unknown\n",
                        "      BS-KOSEKI:\n        status: planned\n        done_on: 2025-01-01\n")
    text = text.replace("      ＢＳ", "      ＢＳ")
    text = text.replace("      BS-INKAN:\n", "      ＢＳ－ＩＮＫＡＮ:\n")                 # full-width, read as ASCII
    p = write(tmp_path, "warn.yaml", text)
    r = runner.invoke(main, ["--lang", "en", "validate", str(p), "--as-of", "2026-04-01", "-v"])
    assert r.exit_code == 0, r.output
    assert "1 of the 20 current requirements of base_systems" in r.output and "BS-JUKI" in r.output
    assert "done_on is given but the status is 'planned'" in r.output
    assert "read as 'BS-INKAN'" in r.output


def test_validate_and_run_agree_on_an_as_of_after_the_evaluation_date(runner, tmp_path):
    import datetime

    text = UCHINADA.read_text(encoding="utf-8").replace("\nas_of: 2022-03-31\n", "\nas_of: 2027-01-01\n")
    p = write(tmp_path, "future.yaml", text)
    words = "the evaluation date 2026-11-23 is before the profile's as_of 2027-01-01"
    run = runner.invoke(main, ["--lang", "en", "run", str(p), "--as-of", "2026-11-23"])
    assert run.exit_code == 2 and words in run.output
    r = runner.invoke(main, ["--lang", "en", "validate", str(p), "--as-of", "2026-11-23"])
    assert r.exit_code == 2 and "INVALID (1 error" in r.output, r.output
    assert f"error: {p}:21:1: as_of: {words}" in r.output
    r = runner.invoke(main, ["validate", str(p), "--as-of", "2026-11-23", "--format", "json"])
    [prob] = [x for x in json.loads(r.output)["files"][0]["problems"] if x["code"] == "as-of-future"]
    assert r.exit_code == 2 and prob["level"] == "error" and prob["line"] == 21 and "より前です" in prob["message"]
    # --as-of left out: today, for both (a profile dated after today)
    later = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    p2 = write(tmp_path, "later.yaml", text.replace("as_of: 2027-01-01", f"as_of: {later}"))
    assert runner.invoke(main, ["run", str(p2)]).exit_code == 2
    r = runner.invoke(main, ["--lang", "en", "validate", str(p2)])
    assert r.exit_code == 2 and f"is before the profile's as_of {later}" in r.output
    # on the profile's as_of itself both accept it
    assert runner.invoke(main, ["validate", str(p), "--as-of", "2027-01-01"]).exit_code == 0
    assert runner.invoke(main, ["run", str(p), "--as-of", "2027-01-01"]).exit_code == 0


def test_validate_library_returns_problems():
    from gapcheck.engine.api import default_engine
    from gapcheck.engine.commands.validate import validate_profile

    rep = validate_profile(str(UCHINADA), default_engine().catalogs, __import__("datetime").date(2026, 11, 23))
    assert rep.valid and not rep.errors and {p.code for p in rep.warnings} >= {"stale", "missing-items"}
    rep = validate_profile("/no/such/file.yaml", default_engine().catalogs)
    assert not rep.valid and rep.errors[0].file == "/no/such/file.yaml"


# ---------------------------------------------------------------------------- accepted spellings

SPELLINGS = {
    "utf8_bom": lambda t: ("\ufeff" + t).encode("utf-8"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "fullwidth_id_key": lambda t: t.replace("  BS-JUKI:", "  ＢＳ－ＪＵＫＩ:", 1).encode("utf-8"),
    "fullwidth_code": lambda t: t.replace('code: "173657"', 'code: "１７３６５７"').encode("utf-8"),
    "hyphenated_code": lambda t: t.replace('code: "173657"', 'code: "17365-7"').encode("utf-8"),
    "number_code": lambda t: t.replace('code: "173657"', "code: 173657").encode("utf-8"),
    "prefecture_without_ken": lambda t: t.replace("prefecture: 石川県", "prefecture: 石川").encode("utf-8"),
    "fullwidth_date": lambda t: t.replace("as_of: 2022-03-31", "as_of: ２０２２－０３－３１").encode("utf-8"),
    "wareki_date": lambda t: t.replace("as_of: 2022-03-31", "as_of: 令和4年3月31日").encode("utf-8"),
    "japanese_status": lambda t: t.replace("BS-KOSEKI: unknown", "BS-KOSEKI: 不明").encode("utf-8"),
    "fullwidth_status": lambda t: t.replace("BS-KOSEKI: unknown", "BS-KOSEKI: ｕｎｋｎｏｗｎ").encode("utf-8"),
    "empty_item": lambda t: t.replace("BS-KOSEKI: unknown", "BS-KOSEKI:").encode("utf-8"),
    "capitalised_status": lambda t: t.replace("{status: planned,", "{status: Planned,").encode("utf-8"),
    "spaced_plan_scope_id": lambda t: t.replace("plan_scope: [BS-JUKI,", "plan_scope: [\"ＢＳ－ＪＵＫＩ　\",")
                                        .encode("utf-8"),
}


@pytest.fixture(scope="module")
def uchinada_findings():
    from click.testing import CliRunner

    return findings(CliRunner(), UCHINADA)


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_accepted_spellings_give_the_same_findings(runner, tmp_path, uchinada_findings, name):
    text = UCHINADA.read_text(encoding="utf-8")
    raw = SPELLINGS[name](text)
    assert raw != text.encode("utf-8")
    p = write(tmp_path, f"{name}.yaml", raw)
    assert findings(runner, p) == uchinada_findings


def test_shift_jis_profile_reads_like_utf8(runner, tmp_path):
    text = UCHINADA.read_text(encoding="utf-8").translate(str.maketrans({"—": "―", "〜": "～"}))
    utf8 = write(tmp_path, "u.yaml", text)
    sjis = write(tmp_path, "s.yaml", text.encode("cp932"))
    assert findings(runner, sjis) == findings(runner, utf8)


@pytest.mark.parametrize("text", [
    "id: short\nmunicipality: {name: 内灘町, code: \"173657\", prefecture: 石川県}\nas_of: 2025-04-01\n",
    "id: kana\nmunicipality: {name: 内灘町, code: \"173657\", prefecture: 石川県}\nas_of: 2025-04-01\n"
    "source: ﾅｲﾀﾞﾏﾁ 髙橋 ①\n",
])
def test_short_shift_jis_profiles_read(runner, tmp_path, text):
    """Even a few lines of Shift_JIS are recognised (half-width kana, ①, 髙 included)."""
    p = write(tmp_path, "s.yaml", text.encode("cp932"))
    r = runner.invoke(main, ["validate", str(p), "--as-of", "2025-04-01"])
    assert r.exit_code == 0, r.output


def test_cost_estimate_spellings(tmp_path):
    from gapcheck.engine.load.models import ItemStatus

    for v in (1200000, "1,200,000", "１２０００００円", " 1200000 "):
        assert ItemStatus(status="planned", cost_estimate=v).cost_estimate == 1200000
    for v in ("1,20,000", "百万円", -1, 10 ** 14, "1.5円", "10兆1円"):
        with pytest.raises(ValueError):
            ItemStatus(status="planned", cost_estimate=v)
    # as people write them (engine/load/amounts.py); 約 marks the cost approximate
    for v, yen, approx in (("120万円", 1200000, None), ("約120万円", 1200000, True), ("1,200千円", 1200000, None),
                           ("0.012億円", 1200000, None), ("１２０万円程度", 1200000, True)):
        it = ItemStatus(status="planned", cost_estimate=v)
        assert (it.cost_estimate, it.cost_approximate) == (yen, approx), v
    assert ItemStatus(status="planned", cost_estimate="約120万円", cost_approximate=False).cost_approximate is False


# ---------------------------------------------------------------------------- init and TEMPLATE

def test_init_output_validates_and_everything_is_unassessed(runner, tmp_path):
    out = tmp_path / "new.yaml"
    r = runner.invoke(main, ["init", "--name", "内灘町", "--code", "173657", "--as-of", "2026-04-01", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    from gapcheck.engine.commands import init

    # from a source tree the schema is referenced; installed, how to make one is said instead
    schema_line = ("# yaml-language-server: $schema=" if init.schema_ref_for(str(out)) else
                   "# エディタの補完・検査 / editor completion: gapcheck schema profile")
    assert text.startswith(schema_line) and "prefecture: 石川県" in text
    r = runner.invoke(main, ["validate", str(out), "--as-of", "2026-04-01"])
    assert r.exit_code == 0 and "警告 0件" in r.output, r.output
    r = runner.invoke(main, ["--lang", "en", "run", str(out), "--as-of", "2026-04-02", "--format", "json",
                             "--include-passed"])
    d = json.loads(r.output)
    from gapcheck.engine.api import default_engine
    import datetime

    cs = default_engine().catalogs
    expected = {it.id for c in cs.catalogs.values() for it in c.current_items(datetime.date(2026, 4, 2))}
    by_req: dict = {}
    for f in d["findings"]:
        by_req.setdefault(f["requirement"], set()).add(f["status"])
    assert set(by_req) == expected
    # every requirement is unassessed, except that the data's date (as_of, which init fills in)
    # is judged current
    assert {r: s for r, s in by_req.items() if s != {"unassessed"}} == {
        "DXP-DATA-CURRENT": {"ok"}, "OP-TENSHUTSU": {"ok"}, "OP-TENNYU-YOYAKU": {"ok"}}   # and what the nation provides


def test_init_lists_every_current_requirement_with_a_comment(runner):
    r = runner.invoke(main, ["init", "--name", "加賀市", "--code", "172065", "--as-of", "2026-04-01"])
    assert r.exit_code == 0
    from gapcheck.engine.api import default_engine

    cs = default_engine().catalogs
    for cat in cs.catalogs.values():
        for it in cat.items:
            listed = f"      {it.id}:\n        status: unknown" in r.output
            assert listed == (it.level != "prefectural" and not it.withdrawn), it.id
            if listed:
                assert f"# {it.name.ja} / {it.name.en}" in r.output
    assert "nhi_levied_as" in r.output                # an area fact, commented
    for field in ("plan:", "successor:", "planned:", "done_on:", "designated:", "value:", "department:",
                  "cost_estimate:", "source:", "note:"):
        assert f"#     {field}" in r.output or f"# {field}" in r.output or f"#   {field}" in r.output, field


def test_init_refuses_bad_arguments_and_overwriting(runner, tmp_path):
    existing = write(tmp_path, "old.yaml", "id: old\n")
    cases = [
        (["--name", "内灘町", "--code", "173657", "-o", str(existing)], "already exists"),
        (["--name", "内灘町", "--code", "17365"], "173657"),
        (["--name", "内灘町", "--code", "173658"], "check digit"),
        (["--name", "内灘町", "--code", "173657", "--prefecture", "富山県"], "石川県"),
        (["--name", "内灘町", "--code", "173657", "--id", "Uchinada"], "lower-case"),
        (["--name", "内灘町", "--code", "173657", "--as-of", "令和0年"], "令和"),
        (["--name", "内灘町", "--code", "993654"], "prefecture"),
        (["--name", " ", "--code", "173657"], "--name"),
    ]
    for args, words in cases:
        r = runner.invoke(main, ["--lang", "en", "init"] + args)
        assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output, (args, r.output)
    assert existing.read_text() == "id: old\n"


def test_init_derives_prefecture_and_id(runner):
    r = runner.invoke(main, ["init", "--name", "富里市", "--code", "122335", "--name-en", "Tomisato City"])
    assert r.exit_code == 0 and "prefecture: 千葉県" in r.output and "id: tomisato-city" in r.output
    r = runner.invoke(main, ["init", "--name", "長田町", "--code", "082341", "--prefecture", "茨城"])
    assert r.exit_code == 0 and "prefecture: 茨城県" in r.output and "id: m082341" in r.output


def test_prefecture_table():
    from gapcheck.engine.load.prefectures import PREFECTURES

    assert len(PREFECTURES) == 47 and PREFECTURES["01"] == "北海道" and PREFECTURES["47"] == "沖縄県"
    assert PREFECTURES["13"] == "東京都" and PREFECTURES["26"] == "京都府" and PREFECTURES["17"] == "石川県"


def test_template_is_what_init_writes_and_validates(runner):
    from gapcheck.engine.api import default_engine
    from gapcheck.engine.commands.init import TEMPLATE_ARGS, template_text

    committed = (PROFILES / "TEMPLATE.yaml").read_text(encoding="utf-8")
    assert committed == template_text(default_engine().catalogs), (
        "profiles/TEMPLATE.yaml is out of date: delete it and run "
        "gapcheck init --name 例示町 --code 179990 --name-en Example --as-of 2026-04-01 --id example "
        "-o profiles/TEMPLATE.yaml")
    r = runner.invoke(main, ["validate", str(PROFILES / "TEMPLATE.yaml"), "--as-of", TEMPLATE_ARGS["as_of"]])
    assert r.exit_code == 0 and "警告 0件" in r.output, r.output


# ---------------------------------------------------------------------------- schema

def test_profile_schema_is_up_to_date(runner):
    r = runner.invoke(main, ["schema", "profile"])
    assert r.exit_code == 0
    committed = (ROOT / "docs" / "schema" / "profile.schema.json").read_text(encoding="utf-8")
    assert r.output == committed, "docs/schema/profile.schema.json is out of date: run " \
                                  "gapcheck schema profile > docs/schema/profile.schema.json"


def test_profiles_point_to_the_schema():
    for p in sorted(PROFILES.glob("*.yaml")):
        first = p.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../docs/schema/profile.schema.json", p.name


def test_schema_accepts_the_profiles_and_rejects_mistakes():
    jsonschema = pytest.importorskip("jsonschema")
    from gapcheck.engine.load import yamlio

    schema = json.loads((ROOT / "docs" / "schema" / "profile.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    for p in sorted(PROFILES.glob("*.yaml")):
        data = yamlio.load(str(p)).data
        assert not list(v.iter_errors(data)), p.name
    data = yamlio.load(str(UCHINADA)).data
    date_props = schema["$defs"]["ItemStatus"]["properties"]["planned"]["anyOf"][0]
    assert "string" in date_props["type"]                                       # 和暦 dates are strings
    for mutate in (lambda d: d.update(asof=d.pop("as_of")),
                   lambda d: d["areas"]["base_systems"]["items"].update({"BS-KOSEK": "unknown"}),
                   lambda d: d["areas"]["base_systems"]["items"].update({"BS-KOSEKI": "dne"}),
                   lambda d: d["municipality"].update(code="17365")):
        bad = json.loads(json.dumps(data))
        mutate(bad)
        assert list(v.iter_errors(bad))


def test_schema_waivers_and_findings(runner, tmp_path):
    r = runner.invoke(main, ["schema", "findings"])
    if (ROOT / "docs" / "schema" / "findings.schema.json").exists():
        assert r.exit_code == 0 and json.loads(r.output)
        assert r.output == (ROOT / "docs" / "schema" / "findings.schema.json").read_text(encoding="utf-8")
    r = runner.invoke(main, ["schema", "waivers"])
    try:
        from gapcheck.engine.match.waivers import WaiverFile  # noqa: F401
        assert r.exit_code == 0 and json.loads(r.output)["type"] == "object"
    except ImportError:
        assert r.exit_code == 2
    r = runner.invoke(main, ["schema", "rules"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    out = tmp_path / "p.json"
    r = runner.invoke(main, ["schema", "profile", "-o", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["title"] == "gapcheck profile"


# ---------------------------------------------------------------------------- outputs

def _commands(group, prefix=()):
    import click

    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))
        else:
            yield prefix + (name,), cmd


# how to call each command that has --output, with {profile}, {json}, {json2} for input files;
# the output is pointed at each input file of the call in turn (or at the files named in TARGETS)
OUTPUT_CALLS = {
    ("run",): ["run", "{profile}"],
    ("budget",): ["budget", "{profile}", "--fy", "2026"],
    ("diff",): ["diff", "{json}", "{json2}"],
    ("schema",): ["schema", "profile"],
    ("init",): ["init", "--name", "内灘町", "--code", "173657"],
}
TARGETS = {("schema",): ["{catalog}"], ("init",): ["{profile}", "{catalog}"]}


def test_every_command_is_guarded():
    from gapcheck.cli import main as group

    for path, cmd in _commands(group):
        assert getattr(cmd.callback, "gapcheck_guarded", False), " ".join(path)


@pytest.mark.parametrize("path", [p for p, c in _commands(main) if any(x.name == "output" for x in c.params)],
                         ids=lambda p: "-".join(p))
def test_output_over_an_input_is_refused(runner, tmp_path, monkeypatch, path):
    """For every command with --output: pointed at one of its inputs (or at a catalog, which
    every command reads), the command exits 2 and the file is unchanged."""
    import shutil

    from gapcheck.engine import api

    for d in ("catalogs", "rules"):
        shutil.copytree(ROOT / d, tmp_path / "data" / d)
    monkeypatch.setenv("GAPCHECK_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(api, "_default", None)
    prof = write(tmp_path, "p.yaml", UCHINADA.read_text(encoding="utf-8"))
    r = runner.invoke(main, ["run", str(prof), "--as-of", AS_OF, "--format", "json", "-o", str(tmp_path / "a.json")])
    assert r.exit_code == 0, r.output
    (tmp_path / "b.json").write_bytes((tmp_path / "a.json").read_bytes())
    inputs = {"profile": str(prof), "json": str(tmp_path / "a.json"), "json2": str(tmp_path / "b.json"),
              "catalog": str(tmp_path / "data" / "catalogs" / "base_systems.yaml")}
    call = OUTPUT_CALLS.get(path, list(path) + ["{profile}"])
    args = [a.format(**inputs) for a in call]
    targets = [t.format(**inputs) for t in TARGETS.get(path, [])] or [a for a in args if a in inputs.values()]
    assert targets, path
    for target in targets:
        before = {p: open(p, "rb").read() for p in inputs.values()}
        r = runner.invoke(main, ["--lang", "en"] + args + ["-o", target])
        assert r.exit_code == 2, (path, target, r.output)
        assert "Traceback" not in r.output and os.path.basename(target) in r.output
        assert {p: open(p, "rb").read() for p in inputs.values()} == before, path


def test_output_over_a_catalog_is_refused(runner, tmp_path, monkeypatch):
    import shutil

    from gapcheck.engine import api

    for d in ("catalogs", "rules"):
        shutil.copytree(ROOT / d, tmp_path / d)
    monkeypatch.setenv("GAPCHECK_DATA", str(tmp_path))
    monkeypatch.setattr(api, "_default", None)
    cat = tmp_path / "catalogs" / "base_systems.yaml"
    before = cat.read_bytes()
    r = runner.invoke(main, ["--lang", "en", "run", str(UCHINADA), "-o", str(cat)])
    assert r.exit_code == 2 and "input" in r.output and cat.read_bytes() == before


@pytest.mark.parametrize("fail", ["fsync", "replace", "interrupt"])
def test_interrupted_write_leaves_the_old_output(runner, tmp_path, monkeypatch, fail):
    from gapcheck.engine.report import output

    out = tmp_path / "findings.json"
    out.write_text("old result\n", encoding="utf-8")

    def boom(*a, **k):
        if fail == "interrupt":
            raise KeyboardInterrupt
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync" if fail != "replace" else "replace", boom)
    if fail == "interrupt":
        monkeypatch.setattr(output.os, "fsync", boom)
    r = runner.invoke(main, ["--lang", "en", "run", str(UCHINADA), "--as-of", AS_OF, "--format", "json",
                             "-o", str(out)])
    assert r.exit_code == (130 if fail == "interrupt" else 2), r.output
    assert "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "old result\n"
    assert sorted(os.listdir(tmp_path)) == ["findings.json"]       # no temporary file left behind
    if fail != "interrupt":
        assert "No space left" in r.output and "findings.json" in r.output


def test_write_atomic_never_overwrites_when_asked(tmp_path):
    from gapcheck.engine.errors import GapcheckError
    from gapcheck.engine.report.output import write_atomic

    p = tmp_path / "x.yaml"
    write_atomic(p, "one\n", overwrite=False)
    with pytest.raises(GapcheckError):
        write_atomic(p, "two\n", overwrite=False)
    assert p.read_text() == "one\n" and os.listdir(tmp_path) == ["x.yaml"]


# ---------------------------------------------------------------------------- internal errors

def test_internal_error_is_short_and_exit_3(runner, monkeypatch):
    from gapcheck.engine.commands import validate

    def broken(*a, **k):
        raise RuntimeError("something broke\n" + "detail " * 200)

    monkeypatch.setattr(validate, "validate_files", broken)
    r = runner.invoke(main, ["--lang", "en", "validate", str(UCHINADA)])
    assert r.exit_code == 3 and "Traceback" not in r.output and "--debug" in r.output
    assert len(r.output) < 400
    r = runner.invoke(main, ["--debug", "validate", str(UCHINADA)])
    assert r.exit_code == 3 and "Traceback" in r.output


def test_init_never_points_into_the_python_environment(runner, tmp_path, monkeypatch):
    """Installed, the only schema is inside site-packages: init writes how to make one instead
    of a path into the virtual environment."""
    import sysconfig

    from gapcheck.engine.commands import init, schema

    inside = Path(sysconfig.get_paths()["purelib"]) / "gapcheck" / "docs" / "schema" / "profile.schema.json"
    monkeypatch.setattr(schema, "schema_file", lambda name: inside)
    assert init.schema_ref_for(str(tmp_path / "p.yaml")) is None
    out = tmp_path / "new.yaml"
    r = runner.invoke(main, ["init", "--name", "内灘町", "--code", "173657", "--as-of", "2026-04-01", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "site-packages" not in text and sysconfig.get_paths()["purelib"] not in text
    assert not text.startswith("# yaml-language-server: $schema=")
    assert "gapcheck schema profile -o profile.schema.json" in text.splitlines()[0]
    r = runner.invoke(main, ["validate", str(out), "--as-of", "2026-04-01"])
    assert r.exit_code == 0, r.output
    # from a source tree the schema is referenced relative to the new profile (the suite may
    # run against an installed copy, as CI does: then there is no source tree to point to)
    monkeypatch.undo()
    from gapcheck.engine.load import paths

    if paths.data_root().resolve() == ROOT.resolve():
        ref = init.schema_ref_for(str(tmp_path / "p.yaml"))
        assert ref and (tmp_path / ref).resolve() == (ROOT / "docs" / "schema" / "profile.schema.json").resolve()
