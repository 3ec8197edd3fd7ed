"""The catalogs-and-rules cache: used when the files are unchanged, never when they change."""
import shutil

from gapcheck.engine.load import cache
from gapcheck.engine.api import Engine
from tests.conftest import ROOT


def test_cache_hit_and_invalidation(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    for sub in ("catalogs", "rules"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    first = Engine.load(tmp_path / "catalogs", tmp_path / "rules")
    [pickled] = list((tmp_path / "cache").glob("engine-*.pickle"))
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
    assert len(list((tmp_path / "cache").glob("engine-*.pickle"))) == 2    # both kept (KEEP = 4)


def test_cache_keeps_the_most_recently_used_entries(tmp_path, monkeypatch):
    """Two checkouts or installs used in turn each keep their entry; beyond KEEP entries the
    least recently used goes."""
    import os

    folder = tmp_path / "cache"
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    built = []

    def variant(n):
        (src / "x.yaml").write_text(f"n: {n}\n")
        return cache.cached([src], lambda: built.append(n) or n)

    def entry(n):
        (src / "x.yaml").write_text(f"n: {n}\n")
        return folder / f"engine-{cache.key([src])[:32]}.pickle"

    for n in range(cache.KEEP):
        assert variant(n) == n
    paths = [entry(n) for n in range(cache.KEEP)]
    for i, p in enumerate(paths):                     # entry 0 is the oldest
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
    assert variant(0) == 0                            # a hit, which marks entry 0 as used
    assert built == list(range(cache.KEEP))
    assert variant(cache.KEEP) == cache.KEEP          # one entry too many
    assert paths[0].exists() and not paths[1].exists()
    assert all(p.exists() for p in paths[2:])
    assert len(list(folder.glob("engine-*.pickle"))) == cache.KEEP


def test_a_new_entry_survives_entries_dated_in_the_future(tmp_path, monkeypatch):
    """After the clock was set back, older entries look newer than the one just written: the
    new one is kept all the same (else every run would rebuild and delete its own entry)."""
    import os
    import time

    folder = tmp_path / "cache"
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    src = tmp_path / "in"
    src.mkdir()
    for n in range(cache.KEEP):
        (src / "x.yaml").write_text(f"n: {n}\n")
        cache.cached([src], lambda: n)
    future = time.time() + 86_400
    for p in folder.glob("engine-*.pickle"):
        os.utime(p, (future, future))
    (src / "x.yaml").write_text("n: new\n")
    assert cache.cached([src], lambda: "new") == "new"
    assert (folder / f"engine-{cache.key([src])[:32]}.pickle").exists()
    assert len(list(folder.glob("engine-*.pickle"))) == cache.KEEP
    assert not list(folder.glob(".engine-*.tmp"))


def test_damaged_cache_falls_back(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPCHECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GAPCHECK_NO_CACHE", raising=False)
    k = cache.key([ROOT / "catalogs", ROOT / "rules"])
    (tmp_path / f"engine-{k[:32]}.pickle").write_bytes(b"not a pickle")
    e = Engine.load()
    assert len(e.catalogs.items) > 100


def test_cache_key_follows_the_code(tmp_path, monkeypatch):
    """Objects pickled by one version of the engine's classes are never read by another."""
    dirs = [ROOT / "catalogs", ROOT / "rules"]
    before = cache.key(dirs)
    assert before == cache.key(dirs)
    monkeypatch.setattr(cache, "_code_digest", lambda: b"another version of engine/*.py")
    assert cache.key(dirs) != before
