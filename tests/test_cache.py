"""The catalogs-and-rules cache: used when the files are unchanged, never when they change; it
never changes a result, never runs code, never makes a run fail, and is private to its user."""
import hashlib
import json
import os
import pickle
import shutil
import stat
import sys

import orjson
import pytest

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.api import Engine
from gapcheck.engine.load import cache, paths
from tests.conftest import PROFILES, ROOT

AS_OF = "2026-11-23"
EXAMPLES = sorted(p for p in PROFILES.glob("*.yaml") if p.name != "TEMPLATE.yaml")
POSIX = os.name == "posix"


class Plain:
    """A codec for plain JSON values (the tests of pruning cache numbers and strings)."""

    def encode(self, value):
        return value

    def decode(self, data, sources):
        return data

    def equal(self, a, b):
        return a == b


PLAIN = Plain()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A cache folder of this test's own; no engine kept from an earlier test."""
    f = tmp_path / "cache"
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(f))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    monkeypatch.setattr(api, "_default", None)
    return f


def shipped_dirs():
    return [paths.catalogs_dir(), paths.rules_dir()]


def entry_path(dirs=None):
    return cache.cache_dir() / f"engine-{cache.key(dirs or shipped_dirs())[:32]}.json"


def read_entry(path):
    head, _, payload = path.read_bytes().partition(b"\n")
    return orjson.loads(head), orjson.loads(payload)


def write_entry(path, body, header=None):
    """An entry with `body` as its payload and a correct digest of it, as someone who can write
    the cache folder could make one."""
    payload = orjson.dumps(body)
    head = dict(header or read_entry(path)[0], payload_sha256=hashlib.sha256(payload).hexdigest())
    path.write_bytes(orjson.dumps(head) + b"\n" + payload)


def fresh_load(monkeypatch):
    monkeypatch.setenv("GAPCHECK_NO_CACHE", "1")
    try:
        return Engine.load()
    finally:
        monkeypatch.delenv("GAPCHECK_NO_CACHE")


def loaded_from_files(monkeypatch):
    """Engine.load(), recording whether it read the files (a full load) or the cache."""
    from gapcheck.engine.load import catalog

    calls = []
    real = catalog.load_catalogs

    def counting(d):
        calls.append(d)
        return real(d)

    monkeypatch.setattr("gapcheck.engine.api.load_catalogs", counting)
    engine = Engine.load()
    monkeypatch.setattr("gapcheck.engine.api.load_catalogs", real)
    return engine, bool(calls)


def dumps_of(engine):
    cs, book = engine.catalogs, engine.rules
    return ({a: c.model_dump(mode="json") for a, c in cs.catalogs.items()},
            {a: (d.file, d.sha256, d.encoding, d.data, d.positions, d.notes) for a, d in cs.documents.items()},
            [(k, c.area, i.id) for k, (c, i) in cs.items.items()],
            [r.model_dump(mode="json") for r in book.rules],
            {f: (d.file, d.sha256, d.encoding, d.data, d.positions, d.notes) for f, d in book.documents.items()},
            book.rule_files, book.version, book.digest)


def reports(engine, lang="en"):
    from gapcheck.engine.report import model as report

    return {p.name: report.to_dict(engine.run(p, as_of=AS_OF, include_passed=True), lang) for p in EXAMPLES}


def cli_run(runner, *args):
    api._default = None                 # a new process, as far as the engine is concerned
    r = runner.invoke(main, ["run", *map(str, args), "--as-of", AS_OF])
    api._default = None
    return r


# ---------------------------------------------------------------------------- hits and misses

def test_cache_hit_and_invalidation(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    for sub in ("catalogs", "rules"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    first = Engine.load(tmp_path / "catalogs", tmp_path / "rules")
    [entry] = list((tmp_path / "cache").glob("engine-*.json"))
    calls = []
    monkeypatch.setattr("gapcheck.engine.api.load_catalogs", lambda d: calls.append(d))
    second = Engine.load(tmp_path / "catalogs", tmp_path / "rules")       # from the cache
    assert calls == [] and second.rules.digest == first.rules.digest
    assert list(second.catalogs.items) == list(first.catalogs.items)
    monkeypatch.undo()
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalogs" / "base_systems.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("name: {ja: 戸籍, en: Family register (koseki)}",
                                                           "name: {ja: 戸籍, en: Koseki}"), encoding="utf-8")
    third = Engine.load(tmp_path / "catalogs", tmp_path / "rules")
    assert third.catalogs.item("BS-KOSEKI").name.en == "Koseki"
    assert len(list((tmp_path / "cache").glob("engine-*.json"))) == 2    # both kept (KEEP = 4)


def test_a_hit_gives_what_a_fresh_load_gives(folder, monkeypatch):
    """The objects rebuilt from the cache are those a full load makes: the same models, fields
    set, documents and derived index, digest and version, and the same report of each example
    profile. The entry is plain JSON (no pickle)."""
    fresh = fresh_load(monkeypatch)
    _, from_files = loaded_from_files(monkeypatch)              # writes the entry
    assert from_files
    assert entry_path().read_bytes().startswith(b'{"format":"gapcheck-engine-cache"')
    hit, from_files = loaded_from_files(monkeypatch)
    assert not from_files
    assert dumps_of(hit) == dumps_of(fresh)
    assert (hit.catalogs, hit.rules) == (fresh.catalogs, fresh.rules)
    for a, b in zip(hit.rules.rules, fresh.rules.rules):
        assert a.model_fields_set == b.model_fields_set
        assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
    for area, cat in hit.catalogs.catalogs.items():
        assert cat.model_dump(exclude_unset=True) == fresh.catalogs.catalogs[area].model_dump(exclude_unset=True)
        assert all(hit.catalogs.items[it.id][0] is cat and hit.catalogs.items[it.id][1] is it
                   for it in cat.items)
    assert reports(hit) == reports(fresh)
    assert reports(hit, "ja") == reports(fresh, "ja")


def test_cache_keeps_the_most_recently_used_entries(tmp_path, monkeypatch):
    """Two checkouts or installs used in turn each keep their entry; beyond KEEP entries the
    least recently used goes. Entries of the earlier (pickle) format are removed."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    built = []

    def variant(n):
        (src / "x.yaml").write_text(f"n: {n}\n")
        return cache.cached([src], lambda: built.append(n) or n, PLAIN)

    def entry(n):
        (src / "x.yaml").write_text(f"n: {n}\n")
        return folder / f"engine-{cache.key([src])[:32]}.json"

    for n in range(cache.KEEP):
        assert variant(n) == n
    (folder / "engine-0123456789abcdef0123456789abcdef.pickle").write_bytes(b"old")
    paths_ = [entry(n) for n in range(cache.KEEP)]
    for i, p in enumerate(paths_):                    # entry 0 is the oldest
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
    assert variant(0) == 0                            # a hit, which marks entry 0 as used
    assert built == list(range(cache.KEEP))
    assert variant(cache.KEEP) == cache.KEEP          # one entry too many
    assert paths_[0].exists() and not paths_[1].exists()
    assert all(p.exists() for p in paths_[2:])
    assert len(list(folder.glob("engine-*.json"))) == cache.KEEP
    assert not list(folder.glob("engine-*.pickle"))


def test_a_new_entry_survives_entries_dated_in_the_future(tmp_path, monkeypatch):
    """After the clock was set back, older entries look newer than the one just written: the
    new one is kept all the same (else every run would rebuild and delete its own entry)."""
    import time

    folder = tmp_path / "cache"
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    for n in range(cache.KEEP):
        (src / "x.yaml").write_text(f"n: {n}\n")
        cache.cached([src], lambda: n, PLAIN)
    future = time.time() + 86_400
    for p in folder.glob("engine-*.json"):
        os.utime(p, (future, future))
    (src / "x.yaml").write_text("n: new\n")
    assert cache.cached([src], lambda: "new", PLAIN) == "new"
    assert (folder / f"engine-{cache.key([src])[:32]}.json").exists()
    assert len(list(folder.glob("engine-*.json"))) == cache.KEEP
    assert not list(folder.glob(".engine-*.tmp"))


def test_damaged_cache_falls_back(folder):
    folder.mkdir(mode=0o700)
    entry_path().write_bytes(b"not an entry")
    e = Engine.load()
    assert len(e.catalogs.items) > 100
    assert read_entry(entry_path())[0]["format"] == cache.FORMAT        # replaced by a good one


def test_cache_key_follows_the_code(tmp_path, monkeypatch):
    """Data cached by one version of the engine's loaders and models is never read by another."""
    dirs = shipped_dirs()
    before = cache.key(dirs)
    assert before == cache.key(dirs)
    monkeypatch.setattr(cache, "_code_digest", lambda: b"another version of engine/*.py")
    assert cache.key(dirs) != before


def test_a_library_version_change_is_a_miss(folder, monkeypatch):
    """pydantic, pydantic-core, PyYAML, durable-rules and orjson shape what is loaded and cached:
    another version of any of them means a full load."""
    import importlib.metadata as md

    assert cache._library_versions() == [(lib, md.version(lib)) for lib in cache.LIBRARIES]
    Engine.load()
    _, from_files = loaded_from_files(monkeypatch)
    assert not from_files
    for lib in cache.LIBRARIES:
        before = cache.key(shipped_dirs())
        versions = [(n, v + ".post1" if n == lib else v) for n, v in cache._library_versions()]
        monkeypatch.setattr(cache, "_library_versions", lambda: versions)
        assert cache.key(shipped_dirs()) != before
        _, from_files = loaded_from_files(monkeypatch)
        assert from_files, lib
        monkeypatch.undo()
        monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(folder))
        monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)


# ---------------------------------------------------------------------------- never a changed result

def test_a_tampered_entry_changes_no_finding(folder, monkeypatch, runner):
    """A severity changed inside the entry (as a security review did: critical findings 17 -> 0,
    --fail-on critical exit 0; the critical ones come from severity: by_obligation, which the
    tampering turns into info): the digest no longer matches, the files are loaded, the results
    and the exit code are those of a fresh load, and the entry is replaced."""
    uchinada = PROFILES / "uchinada.yaml"
    fresh = cli_run(runner, uchinada, "--format", "json", "--fail-on", "critical")
    assert fresh.exit_code == 1 and '"critical"' in fresh.output
    Engine.load()
    for entry in folder.glob("engine-*"):
        raw = entry.read_bytes()
        assert b"by_obligation" in raw
        entry.write_bytes(raw.replace(b"by_obligation", b"info"))
    again = cli_run(runner, uchinada, "--format", "json", "--fail-on", "critical")
    assert (again.exit_code, again.output) == (fresh.exit_code, fresh.output)
    assert b"by_obligation" in entry_path().read_bytes()
    _, from_files = loaded_from_files(monkeypatch)
    assert not from_files


def _mutations():
    """Entries that are well formed, with a correct digest, but not what this version wrote for
    these files: each must be refused (a full load, never exit 3). A model stored as `true` (it
    is its document's data as written) is written out first, or its data changed."""
    def rule(body):
        entry = body["value"]["rules"][0]
        if entry["rules"][0] is True:
            entry["rules"][0] = dict(entry["document"]["data"]["rules"][0])
        return entry["rules"][0]

    def catalog(body):
        entry = body["value"]["catalogs"][0]
        if entry["catalog"] is True:
            entry["catalog"] = dict(entry["document"]["data"])
        return entry["catalog"]

    def item(body):
        items = catalog(body)["items"] = list(catalog(body)["items"])
        if items[0] is True:
            items[0] = dict(body["value"]["catalogs"][0]["document"]["data"]["items"][0])
        return items[0]

    def doc(body):
        return body["value"]["catalogs"][0]["document"]

    def rule_data(body):
        return body["value"]["rules"][0]["document"]["data"]["rules"][0]

    def put(get, k, v):
        return lambda body: get(body).__setitem__(k, v)

    return {
        "severity not a Severity": put(rule, "severity", "CRITICAL"),
        "severity a number": put(rule, "severity", 5),
        "status a list": put(rule, "status", ["gap"]),
        "a rule not a mapping": lambda b: b["value"]["rules"][0]["rules"].__setitem__(0, "rule"),
        "an unknown field": put(rule, "severity_override", "info"),
        "a required field missing": lambda b: rule(b).pop("severity"),
        "a date not a date": put(item, "deadline", "令和8年3月31日"),
        "a date a number": put(item, "deadline", 20260331),
        "attrs holding a list": put(item, "attrs", {"x": [1]}),
        "a text not a Text": put(item, "name", "戸籍"),
        "an item not a mapping": lambda b: catalog(b).__setitem__("items", [1]),
        "a catalog not a mapping": lambda b: b["value"]["catalogs"][0].__setitem__("catalog", 1),
        "the data of a rule stored as true: severity": put(rule_data, "severity", "CRITICAL"),
        "the data of a rule stored as true: gone": lambda b: b["value"]["rules"][0]["document"]["data"]["rules"].pop(),
        "the data of a catalog stored as true: a date": lambda b: doc(b)["data"]["items"][0].__setitem__("deadline", 1),
        "rules missing": lambda b: b["value"].pop("rules"),
        "a catalog file missing": lambda b: b["value"]["catalogs"].pop(),
        "another file's sha256": put(doc, "sha256", "0" * 64),
        "another file name": put(doc, "file", "/elsewhere/base_systems.yaml"),
        "data not a mapping": put(doc, "data", []),
        "notes not a list": put(doc, "notes", {}),
        "the value a list": lambda b: b.__setitem__("value", [1, 2]),
        "the value null": lambda b: b.__setitem__("value", None),
        "other sources": lambda b: b["sources"][0].pop(),
        "another key": lambda b: b.__setitem__("key", "0" * 64),
        "a duplicate rule": lambda b: _all_written_out(b["value"]["rules"][0], extra=1),
        "a rule of an unknown catalog": put(rule, "catalog", "nowhere"),
    }


def _all_written_out(entry, extra=0):
    """A rule file's rules all written out (none `true`), the first `extra` of them twice."""
    rules = entry["document"]["data"]["rules"]
    entry["rules"] = [dict(r) for r in rules + rules[:extra]]


@pytest.fixture(scope="module")
def good_entry(tmp_path_factory):
    """A full load of the shipped files, and the entry written for it: (value, header, body)."""
    from gapcheck.engine.load.catalog import load_catalogs
    from gapcheck.engine.load.rules import load_rules

    before = os.environ.get("GAPCHECK_CACHE_DIR")
    os.environ["GAPCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("good") / "cache")
    try:
        cs = load_catalogs(paths.catalogs_dir())
        value = (cs, load_rules(cs, paths.rules_dir()))
        cache.cached(shipped_dirs(), lambda: value)
        return (value,) + read_entry(entry_path())
    finally:
        if before is None:
            os.environ.pop("GAPCHECK_CACHE_DIR", None)
        else:
            os.environ["GAPCHECK_CACHE_DIR"] = before


@pytest.mark.parametrize("mutation", list(_mutations()))
def test_a_crafted_entry_of_the_wrong_shape_is_refused(folder, good_entry, mutation):
    """Refused: the files are loaded (here: `build` is called) and the entry is replaced."""
    value, header, body = good_entry
    folder.mkdir(mode=0o700)
    crafted = orjson.loads(orjson.dumps(body))
    _mutations()[mutation](crafted)
    write_entry(entry_path(), crafted, header)
    built = []
    assert cache.cached(shipped_dirs(), lambda: built.append(1) or value) is value
    assert built == [1]
    assert read_entry(entry_path()) == (header, body)
    assert cache.cached(shipped_dirs(), lambda: built.append(2) or value) is not value    # a hit
    assert built == [1]


@pytest.mark.parametrize("mutation", ["a position not a number", "a position before its parent",
                                      "positions of unequal length"])
def test_crafted_positions_are_read_from_the_file_instead(folder, good_entry, mutation):
    """A cached document's positions are built when first read (a run never reads them): if the
    cached arrays are malformed then, they are read from the file itself (whose sha256 the entry
    was checked against), so a cache can still never change a line number or a result."""
    value, header, body = good_entry
    folder.mkdir(mode=0o700)
    crafted = orjson.loads(orjson.dumps(body))
    doc = crafted["value"]["catalogs"][0]["document"]
    {"a position not a number": lambda: doc["lines"].__setitem__(0, "1"),
     "a position before its parent": lambda: doc["parents"].__setitem__(1, 5),
     "positions of unequal length": lambda: doc["columns"].pop()}[mutation]()
    write_entry(entry_path(), crafted, header)
    cs, _book = cache.cached(shipped_dirs(), lambda: pytest.fail("a hit was expected"))
    fresh_cs = value[0]
    for area, d in cs.documents.items():
        assert dict(d.positions) == dict(fresh_cs.documents[area].positions), area


@pytest.mark.parametrize("damage", ["header only", "no newline", "bad digest", "another format version",
                                    "truncated", "binary", "empty", "a folder"])
def test_a_damaged_entry_is_refused(folder, monkeypatch, damage):
    Engine.load()
    path = entry_path()
    raw = path.read_bytes()
    head, _, payload = raw.partition(b"\n")
    if damage == "a folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes({
            "header only": head + b"\n",
            "no newline": head,
            "bad digest": head + b"\n" + payload.replace(b'"ja"', b'"jA"', 1),
            "another format version": head.replace(b'"format_version":1', b'"format_version":2') + b"\n" + payload,
            "truncated": raw[:len(raw) // 2],
            "binary": os.urandom(4096),
            "empty": b"",
        }[damage])
    engine, from_files = loaded_from_files(monkeypatch)
    assert from_files and len(engine.catalogs.items) > 100
    if damage != "a folder":
        _, from_files = loaded_from_files(monkeypatch)     # the entry was replaced
        assert not from_files


class _Marker:
    """Unpickling this writes a file: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (exec, (f"open({self.path!r}, 'w').write('code ran')",))


def test_a_pickle_under_the_entry_name_runs_no_code(folder, tmp_path, monkeypatch, runner):
    """A crafted pickle (its __reduce__ writes a marker file) saved under the name of the entry,
    and of the pickle entries earlier versions read: never unpickled, a full load, exit 0."""
    marker = tmp_path / "marker"
    folder.mkdir(mode=0o700)
    evil = pickle.dumps(_Marker(marker))
    name = entry_path().name
    (folder / name).write_bytes(evil)
    (folder / name.replace(".json", ".pickle")).write_bytes(evil)
    r = cli_run(runner, PROFILES / "kaga.yaml", "--format", "json")
    assert not marker.exists()
    assert r.exit_code == 0, r.output
    assert read_entry(entry_path())[0]["format"] == cache.FORMAT


def test_a_wrong_typed_entry_never_makes_a_run_fail(folder, runner):
    """An entry holding something else entirely (once: exit 3 on every run until it was
    deleted): a full load, exit 0, and the entry is replaced."""
    folder.mkdir(mode=0o700)
    path = entry_path()
    path.with_suffix(".pickle").write_bytes(pickle.dumps(("not", "a pair")))   # as earlier versions named it
    r = cli_run(runner, PROFILES / "kaga.yaml")
    assert r.exit_code == 0, r.output
    header, body = read_entry(path)
    for value in ({"catalogs": [], "rules": []}, {"catalogs": "x", "rules": 1}, [["a", "pair"], 1], 42):
        body["value"] = value
        write_entry(path, body, header)             # well formed, with a correct digest
        r = cli_run(runner, PROFILES / "kaga.yaml")
        assert r.exit_code == 0, r.output
        assert read_entry(path)[1]["value"] != value


# ---------------------------------------------------------------------------- private

@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_the_folder_and_entries_are_private(folder):
    Engine.load()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    [entry] = folder.glob("engine-*")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777], ids=oct)
def test_a_folder_others_can_write_is_not_used(folder, monkeypatch, mode):
    """Someone else could put an entry there: neither read nor written."""
    Engine.load()
    [entry] = folder.glob("engine-*")
    folder.chmod(mode)
    try:
        _, from_files = loaded_from_files(monkeypatch)
        assert from_files                        # the entry is there, but not read
        entry.unlink()
        Engine.load()
        assert not list(folder.iterdir())        # nor written
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_a_folder_or_entry_of_another_user_is_not_used(folder, monkeypatch):
    Engine.load()
    [entry] = folder.glob("engine-*")
    uid = os.getuid()
    monkeypatch.setattr(cache.os, "getuid", lambda: uid + 1)
    _, from_files = loaded_from_files(monkeypatch)
    assert from_files
    monkeypatch.setattr(cache.os, "getuid", lambda: uid)
    _, from_files = loaded_from_files(monkeypatch)
    assert not from_files
    entry.chmod(0o622)                           # an entry others can write: not read
    _, from_files = loaded_from_files(monkeypatch)
    assert from_files


def test_no_cache_turns_it_off(folder, monkeypatch):
    monkeypatch.setenv("GAPCHECK_NO_CACHE", "1")
    Engine.load()
    assert not folder.exists()


def test_the_cache_never_stores_what_it_cannot_rebuild(tmp_path, monkeypatch):
    """A value whose JSON form is not the value (a tuple, NaN) is not cached: every run builds it."""
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.yaml").write_text("n: 1\n")
    for value in ((1, 2), float("nan"), {"when": sys.maxsize * 4}):
        built = []
        for _ in range(2):
            cache.cached([src], lambda: built.append(1) or value, PLAIN)
        assert built == [1, 1]
    assert not list((tmp_path / "cache").glob("engine-*.json"))
    assert json.dumps(cache.cached([src], lambda: {"n": 1}, PLAIN)) == '{"n": 1}'
