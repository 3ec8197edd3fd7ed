"""Property tests: the five real profiles, mutated (keys dropped or renamed, values swapped for
other types, bytes inserted, files re-encoded), run in-process through the library
(engine.api.Engine.run) and, every tenth example, also through the command line (CliRunner).

Every run ends in a result or a user error (exit 0 or 2), never anything else (a traceback,
exit 3); a refusal names the file; a valid mutation inside one area leaves the findings of
every other area unchanged. Re-encoding (BOM, Shift_JIS, CRLF) changes nothing; the encodings
gapcheck does not read are refused by name.

2,000 examples in total; GAPCHECK_FUZZ_EXAMPLES=N changes that (e.g. 200 for a quick run).
"""
import copy
import itertools
import json
import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapcheck.cli import main
from gapcheck.engine.load import yamlio
from gapcheck.engine.api import default_engine
from gapcheck.engine.errors import GapcheckError
from tests.conftest import PROFILES

MUNIS = ["kaga", "choda", "hakusan", "uchinada", "tomisato"]
AS_OF = "2026-11-23"
TOTAL = int(os.environ.get("GAPCHECK_FUZZ_EXAMPLES", "2000"))
SHARE = {"area": 0.35, "header": 0.15, "bytes": 0.35, "encoding": 0.15}
FUZZ = dict(deadline=None, derandomize=False, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# characters a Windows (CP932) editor cannot save, and what they become (〜 comes back as ～)
CP932_SAFE = str.maketrans({"—": "―", "–": "-", "ō": "o", "⾏": "行", "〜": "～"})


def examples(kind: str) -> int:
    return max(1, round(TOTAL * SHARE[kind]))


class Base:
    """One profile: its text, data and baseline findings."""

    def __init__(self, muni: str, workdir):
        self.muni = muni
        self.path = PROFILES / f"{muni}.yaml"
        self.text = self.path.read_text(encoding="utf-8")
        self.raw = self.text.encode("utf-8")
        self.data = yamlio.load(str(self.path)).data
        self.findings = run_ok(self.path)
        safe = workdir / f"{muni}-cp932safe.yaml"
        self.safe_text = self.text.translate(CP932_SAFE)
        safe.write_text(self.safe_text, encoding="utf-8")
        self.safe_findings = run_ok(safe)
        self.safe_data = yamlio.load(str(safe)).data
        self.area_dumps = {a: dump({a: v}, 1) for a, v in self.data["areas"].items()}

    def dump_except(self, doc, area) -> str:
        """dump(doc), re-using the text of the areas that are as they were (faster)."""
        if (not isinstance(doc, dict) or not isinstance(doc.get("areas"), dict) or not doc["areas"]
                or list(doc)[-1] != "areas"):
            return dump(doc)
        head = {k: v for k, v in doc.items() if k != "areas"}
        parts = [dump(head), '"areas":\n']
        for a, v in doc["areas"].items():
            same = a != area and a in self.area_dumps and v is not None and v == self.data["areas"].get(a)
            parts.append(self.area_dumps[a] if same else dump({a: v}, 1))
        return "".join(parts)


def invoke(runner: CliRunner, path):
    return runner.invoke(main, ["--lang", "en", "run", str(path), "--as-of", AS_OF, "--format", "csv"])


def by_area(findings) -> dict[str, set]:
    out: dict[str, set] = {}
    for f in findings:
        out.setdefault(f.area, set()).add(
            (f.id, f.status, f.severity, f.deadline, f.message["en"], f.message["ja"]))
    return out


def evaluate(path) -> dict[str, set] | None:
    """The findings by area, or None when the input is refused (exit 2). Anything but a user error
    (GapcheckError) propagates and fails the test: on the command line it would be exit 3."""
    try:
        return by_area(default_engine().run(path, as_of=AS_OF).findings)
    except GapcheckError as e:
        assert path.name in e.render("en") and path.name in e.render("ja"), e.render("en")
        return None


def run_ok(path) -> dict[str, set]:
    got = evaluate(path)
    assert got is not None
    return got


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    runner = CliRunner()
    work = tmp_path_factory.mktemp("fuzz")
    return runner, work, {m: Base(m, work) for m in MUNIS}


def accepted(path):
    """What decides exit 0 or 2, without evaluating (the loader and the profile checks):
    the document's data when accepted, else None."""
    from gapcheck.engine.load.profile import check_document

    try:
        doc = yamlio.load(str(path))
    except GapcheckError as e:
        assert path.name in e.render("en"), e.render("en")
        return None
    profile, problems = check_document(doc, default_engine().catalogs)
    if problems or profile is None:
        text = "\n".join(p.render("en") for p in problems)
        assert problems and path.name in text, text
        return None
    return doc.data


_COUNT = itertools.count()


def check(runner, path, name, evaluated: bool = True):
    """The library's outcome (findings by area, or None for a refused input; with
    evaluated=False only whether it is accepted, as its data) and, every tenth call, the command
    line's: exit 0 or 2 to match, never a traceback."""
    got = evaluate(path) if evaluated else accepted(path)
    if next(_COUNT) % 10 == 0:
        r = invoke(runner, path)
        assert r.exit_code == (0 if got is not None else 2), (r.exit_code, r.output[-3000:])
        assert "Traceback" not in r.output and "internal error" not in r.output, r.output[-3000:]
        if got is None:
            assert name in r.output, r.output[-3000:]
    return got


# ---------------------------------------------------------------------------- strategies

ODD_TEXT = ["done", "完了", "ｄｏｎｅ", " planned ", "Planned", "unknown", "令和8年度", "R7.3.31", "令和0年",
            "2030-01-01", "2019-04-30", "BS-JUKI", "ＢＳ－ＪＵＫＩ", "", " ", "　", "yes", "null", "0",
            "１２３", "1,200,000円", "-1", "tax", "premium", "💥", "\t", "a: b", "- x", "#", "'", "\""]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD_TEXT), st.text(max_size=12),
    st.lists(st.sampled_from(ODD_TEXT + ["BS-KOSEKI", "OP-KOSODATE-01"]), max_size=3),
    st.dictionaries(st.sampled_from(["status", "planned", "done_on", "value", "designated", "cost_estimate",
                                     "statu", "x"]), st.sampled_from(ODD_TEXT), max_size=3),
)


def node_paths(node, path=()):
    """Every path in a document (mapping keys and list indexes)."""
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from node_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from node_paths(v, path + (i,))


def get(data, path):
    for p in path:
        data = data[p]
    return data


def rename(key, how):
    if not isinstance(key, str) or not key:
        return key
    return {"typo": key[:-1] or key + "x", "upper": key.upper(), "lower": key.lower(),
            "fullwidth": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in key),
            "space": key + "\u3000", "japanese": key + "の"}[how]


def mutate(data, path, draw):
    op = draw(st.sampled_from(["drop", "replace", "replace", "rename", "add", "wrap"]))
    if not path:
        op = "replace" if op in ("drop", "rename") else op
    parent = get(data, path[:-1]) if path else None
    key = path[-1] if path else None
    if op == "drop" and parent is not None:
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
    elif op == "rename" and isinstance(parent, dict) and isinstance(key, str):
        new = rename(key, draw(st.sampled_from(["typo", "upper", "lower", "fullwidth", "space", "japanese"])))
        if new not in parent:
            parent[new] = parent.pop(key)
    elif op == "add":
        node = get(data, path)
        if isinstance(node, dict):
            node[draw(st.sampled_from(["status", "planned", "statu", "BS-KOSEKI", "x", "ＩＤ", "items"]))] = \
                draw(VALUES)
        elif isinstance(node, list):
            node.append(draw(VALUES))
    elif op == "wrap" and parent is not None:
        parent[key] = [get(data, path)]
    elif parent is not None:
        parent[key] = draw(VALUES)


def _scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v != v:
        return ".nan"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return ".inf" if v > 0 else "-.inf"
    return json.dumps(v, ensure_ascii=False)       # a JSON string or number is a YAML scalar


def dump(node, indent: int = 0) -> str:
    """Block-style YAML, as a person writes it (PyYAML's own emitter is ten times slower)."""
    pad = "  " * indent
    if isinstance(node, dict):
        if not node:
            return pad + "{}\n"
        out = []
        for k, v in node.items():
            key = _scalar(k)
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{key}:\n" + dump(v, indent + 1))
            else:
                out.append(f"{pad}{key}: " + (("{}" if isinstance(v, dict) else "[]") if isinstance(v, (dict, list))
                                             else _scalar(v)) + "\n")
        return "".join(out)
    if isinstance(node, list):
        if not node:
            return pad + "[]\n"
        out = []
        for v in node:
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}-\n" + dump(v, indent + 1))
            else:
                out.append(f"{pad}- " + (("{}" if isinstance(v, dict) else "[]") if isinstance(v, (dict, list))
                                          else _scalar(v)) + "\n")
        return "".join(out)
    return pad + _scalar(node) + "\n"


# ---------------------------------------------------------------------------- tests

@settings(max_examples=examples("area"), **FUZZ)
@given(st.data())
def test_area_mutations_leave_other_areas_alone(env, data):
    runner, work, bases = env
    base = bases[data.draw(st.sampled_from(MUNIS), label="muni")]
    doc = copy.deepcopy(base.data)
    area = data.draw(st.sampled_from(sorted(doc["areas"])), label="area")
    paths = list(node_paths(doc["areas"][area], ("areas", area)))
    path = data.draw(st.sampled_from(paths), label="path")
    mutate(doc, path, data.draw)
    name = f"{base.muni}-area.yaml"
    p = work / name
    p.write_text(base.dump_except(doc, area), encoding="utf-8")
    got = check(runner, p, name)
    if got is not None:
        # the mutated area may change, and may move to another name; the others must not
        touched = {area} | {k for k in doc.get("areas", {}) if k not in base.data["areas"]}
        for a, fs in base.findings.items():
            if a not in touched:
                assert got.get(a) == fs, (base.muni, path, a)


@settings(max_examples=examples("header"), **FUZZ)
@given(st.data())
def test_header_mutations(env, data):
    runner, work, bases = env
    base = bases[data.draw(st.sampled_from(MUNIS), label="muni")]
    doc = copy.deepcopy(base.data)
    head = {k: v for k, v in doc.items() if k != "areas"}
    paths = [p for p in node_paths(head) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    mutate(doc, path, data.draw)
    name = f"{base.muni}-head.yaml"
    p = work / name
    p.write_text(dump(doc), encoding="utf-8")
    got = check(runner, p, name)
    if got is not None and path[:2] == ("municipality", "name_en"):
        assert got == base.findings, path       # free text that no finding depends on
    if got is not None and path[:1] == ("source",):
        # a version 1 profile's source says whether its facts rest on a plan (the default
        # basis, shown in messages): IDs, statuses, severities and deadlines do not change
        def core(fs):
            return {a: {t[:4] for t in v} for a, v in fs.items()}
        assert core(got) == core(base.findings), path


@settings(max_examples=examples("bytes"), **FUZZ)
@given(st.data())
def test_byte_mutations(env, data):
    runner, work, bases = env
    base = bases[data.draw(st.sampled_from(MUNIS), label="muni")]
    raw = bytearray(base.raw)
    op = data.draw(st.sampled_from(["insert", "delete", "overwrite", "truncate", "comment"]), label="op")
    at = data.draw(st.integers(0, len(raw)), label="at")
    if op == "insert":
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=4))
    elif op == "delete":
        del raw[at:at + data.draw(st.integers(1, 8))]
    elif op == "overwrite":
        chunk = data.draw(st.binary(min_size=1, max_size=4))
        raw[at:at + len(chunk)] = chunk
    elif op == "truncate":
        del raw[at:]
    else:
        # text added to the end of a full-line comment changes nothing
        lines = base.text.split("\n")
        idx = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("#")]
        i = data.draw(st.sampled_from(idx), label="comment line")
        extra = data.draw(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                                blacklist_characters="\ufeff\x85"), max_size=12))
        lines[i] += " " + extra
        raw = bytearray("\n".join(lines).encode("utf-8"))
    name = f"{base.muni}-bytes.yaml"
    p = work / name
    p.write_bytes(bytes(raw))
    got = check(runner, p, name, evaluated=False)
    if op == "comment":
        assert got == base.data      # the same data, so the same findings (evaluation is deterministic)


ENCODINGS = ["utf-8-sig", "cp932", "cp932+crlf", "utf-8+crlf", "utf-16", "utf-16-le", "utf-16-be",
             "utf-32", "euc-jp"]
READABLE = {"utf-8-sig", "cp932", "cp932+crlf", "utf-8+crlf"}


@settings(max_examples=examples("encoding"), **FUZZ)
@given(st.data())
def test_reencoded(env, data):
    """Re-encoded, with a comment added (so that the examples differ): BOM, Shift_JIS (CP932) and
    CRLF read the same; other encodings are refused, naming the file and the encodings accepted."""
    runner, work, bases = env
    base = bases[data.draw(st.sampled_from(MUNIS), label="muni")]
    enc = data.draw(st.sampled_from(ENCODINGS), label="encoding")
    lines = base.safe_text.split("\n")
    i = data.draw(st.sampled_from([i for i, ln in enumerate(lines) if ln.lstrip().startswith("#")]), label="line")
    lines[i] += " " + data.draw(st.sampled_from(["追記", "メモ（確認中）", "see p.12", "①②", "ｶﾅ", "～"]))
    text = "\n".join(lines)
    codec = enc.split("+")[0]
    if enc.endswith("+crlf"):
        text = text.replace("\n", "\r\n")
    name = f"{base.muni}-{enc.replace('+', '-')}.yaml"
    p = work / name
    p.write_bytes(text.encode(codec, "strict" if enc in READABLE else "replace"))
    evaluated = next(_COUNT) % 4 == 0
    got = check(runner, p, name, evaluated=evaluated)
    if enc in READABLE:
        assert got == (base.safe_findings if evaluated else base.safe_data), enc
    else:
        assert got is None
        with pytest.raises(GapcheckError) as e:
            yamlio.load(str(p))
        assert "UTF-8" in e.value.render("en") and e.value.file == str(p)
