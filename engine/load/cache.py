"""A cache of the loaded and checked catalogs and rules, so a single run starts fast.

Loading and checking every catalog and rule file takes about 120 ms; reading the cached result
takes about 15 ms. The cache key is the sha256 of every catalog and rule file (name and bytes),
the gapcheck version, the engine's source files and the Python version, so any change to the
inputs or the code means a fresh load. The cache lives in $GAPCHECK_CACHE_DIR, else $XDG_CACHE_HOME/gapcheck, else
~/.cache/gapcheck, and keeps the KEEP most recently used entries (one per install or checkout
in use). GAPCHECK_NO_CACHE=1 turns it off. Any problem with the cache (unwritable
folder, a damaged file) silently falls back to loading the files: it can only make a run faster.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from .. import __version__


def cache_dir() -> Path:
    if os.environ.get("GAPCHECK_CACHE_DIR"):
        return Path(os.environ["GAPCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gapcheck"


def _code_digest() -> bytes:
    """The engine's own source: the cached objects are instances of its classes, so a changed
    class (a new field, say) must never meet an object pickled by the old one."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(f"{f.name}\0".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.digest()


def key(dirs: list[Path]) -> str | None:
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    try:
        h.update(_code_digest())
        for d in dirs:
            h.update(f"{d.resolve()}\0".encode())     # paths are part of the loaded result
            for f in sorted(d.glob("*.yaml")):
                h.update(f"{f.name}\0".encode())
                h.update(hashlib.sha256(f.read_bytes()).digest())
    except OSError:
        return None
    return h.hexdigest()


def cached(dirs: list[Path], build: Callable[[], Any]) -> Any:
    """`build()`'s result, from the cache when the files in `dirs` are unchanged."""
    if os.environ.get("GAPCHECK_NO_CACHE") in ("1", "true", "yes"):
        return build()
    k = key(dirs)
    if k is None:
        return build()
    folder = cache_dir()
    path = folder / f"engine-{k[:32]}.pickle"
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
        try:
            os.utime(path)          # recently used: kept when older entries are pruned
        except OSError:
            pass
        return value
    except Exception:
        pass
    value = build()              # errors in the inputs propagate as usual, nothing is cached
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".engine-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)       # a full disk leaves no partial file behind
            raise
        _prune(folder, path)
    except Exception:
        pass
    return value


KEEP = 4     # entries kept: several installs or checkouts of gapcheck each keep their own


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP most recently written or read entries; `keep` (just written)
    stays whatever the clock says."""
    others = [p for p in folder.glob("engine-*.pickle") if p != keep]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP - 1:]:
        old.unlink(missing_ok=True)
