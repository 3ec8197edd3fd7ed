"""A cache of the loaded and checked catalogs and rules, so a single run starts fast.

Reading and checking every catalog and rule file takes about 50 ms of a run (the YAML, building
pydantic's validators, validating); rebuilding the same objects from the cache about 15 ms. An
entry can only make a run faster: one that is not exactly what this version of gapcheck wrote
for these files is never used, it cannot run code, and it never makes a run fail.

- **Plain data, no pickle.** An entry is JSON (orjson): for each catalog and rule file its
  name, sha256 and parsed YAML (data, positions, notes), and its checked models as pydantic
  dumps them (``model_dump(mode="json", exclude_unset=True)``), or ``true`` where a model's dump
  is its data as written (all the shipped ones). Reading JSON runs no code. The models are made
  as ``model_construct`` makes them, without pydantic's validation (the expensive part), but
  only after every value has been checked against the model's field types (str, int, bool,
  dates, Literal values, lists, mappings, nested models; no unknown or missing fields). The
  index of requirements, which file holds each rule, the rules digest and ``rules_version``
  are derived again, as the loaders derive them, never read.
- **Verified.** The key is the sha256 of the entry format, the gapcheck version, the Python
  version, the versions of pydantic, pydantic-core, PyYAML, durable-rules and orjson, the
  engine's own source files and every catalog and rule file (folder, name, sha256), which are
  read and hashed on every run. The entry holds its key, the sha256 of its payload, and the
  sha256 of each file, which must be the file's as it is now. An entry is only written when
  what it rebuilds equals what was loaded. Any doubt (a bad digest, another key, unreadable,
  not the format, a value of the wrong type, an exception while rebuilding) means a full load,
  which replaces the entry.
- **Private.** The folder is created 0700 and entries 0600. A folder or an entry that the group
  or others can write, or that another user owns, is not used: a full load, nothing written.

Trust: the cache has the same trust as the user's own files. The checks make sure an entry
belongs to the files as they are now (a stale, damaged or copied entry is never used), not that
it holds what loading them gives: someone who can write the user's private cache folder could
write a well-formed entry, with matching digests, whose findings differ. Only the user can, or
someone acting as the user, who could as well change the catalogs, the rules or gapcheck.

The cache lives in $GAPCHECK_CACHE_DIR, else $XDG_CACHE_HOME/gapcheck, else ~/.cache/gapcheck,
and keeps the KEEP most recently used entries (one per install or checkout in use).
GAPCHECK_NO_CACHE=1 turns it off.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import hashlib
import os
import stat
import sys
import types
import typing
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from .. import __version__

FORMAT = "gapcheck-engine-cache"
FORMAT_VERSION = 1
MAX_ENTRY_BYTES = 64 * 1024 * 1024
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "durable-rules", "orjson")
KEEP = 4     # entries kept: several installs or checkouts of gapcheck each keep their own
_ENTRY_GLOB = "engine-*.json"
_OLD_GLOB = "engine-*.pickle"        # entries of earlier versions: never read, removed when pruning
_POSIX = os.name == "posix"


class Codec(Protocol):
    """How a cached value is turned into JSON data and back. `decode` gets, for each folder,
    the [file, sha256] pairs of its *.yaml files as they are now; it raises on any doubt.
    `equal` says whether a decoded value is the value that was encoded."""

    def encode(self, value: Any) -> Any: ...

    def decode(self, data: Any, sources: list[list[list[str]]]) -> Any: ...

    def equal(self, a: Any, b: Any) -> bool: ...


class _Bad(ValueError):
    """The entry is not what this version writes."""


def cache_dir() -> Path:
    if os.environ.get("GAPCHECK_CACHE_DIR"):
        return Path(os.environ["GAPCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gapcheck"


# ---------------------------------------------------------------------------- the key

def _code_digest() -> bytes:
    """The engine's own source (every module under engine/): the cached data is what its
    loaders and checks made of the files, in the shape its models have."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for folder, subs, names in os.walk(root):
        subs[:] = [s for s in subs if s != "__pycache__"]
        files += [os.path.join(folder, n) for n in names if n.endswith(".py")]
    h = hashlib.sha256()
    for f in sorted(files):
        with open(f, "rb") as fh:
            data = fh.read()
        h.update(os.path.relpath(f, root).replace(os.sep, "/").encode("utf-8", "surrogateescape") + b"\0")
        h.update(hashlib.sha256(data).digest())
    return h.digest()


def _normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them (PyYAML, pyyaml; durable-rules, durable_rules)."""
    out = name.lower().replace("-", "_").replace(".", "_")
    while "__" in out:
        out = out.replace("__", "_")
    return out


_VERSIONS: list[tuple[str, str]] = []


def _library_versions() -> list[tuple[str, str]]:
    """(name, version) of each of LIBRARIES, as importlib.metadata.version gives it, without
    importing importlib.metadata (it takes longer than a run from the cache): the version in
    the name of the first <name>-<version>.dist-info folder on sys.path, which is where
    importlib.metadata reads it; importlib.metadata itself for a library installed otherwise;
    "" for one that is not installed."""
    if not _VERSIONS:
        want = {_normalise(lib): lib for lib in LIBRARIES}
        found: dict[str, str] = {}
        for entry in sys.path:
            if not isinstance(entry, str):
                continue
            try:
                names = os.listdir(entry or ".")
            except (OSError, ValueError):
                continue
            for n in names:
                if n.endswith(".dist-info"):
                    dist, _, ver = n[:-len(".dist-info")].partition("-")
                    lib = want.get(_normalise(dist))
                    if lib and lib not in found and ver and "-" not in ver:
                        found[lib] = ver
            if len(found) == len(want):
                break
        for lib in LIBRARIES:
            if lib not in found:
                import importlib.metadata as md

                try:
                    found[lib] = md.version(lib)
                except md.PackageNotFoundError:
                    found[lib] = ""
        _VERSIONS[:] = [(lib, found[lib]) for lib in LIBRARIES]
    return list(_VERSIONS)


def _sources(dirs: list[Path]) -> list[list[list[str]]]:
    """For each folder, [file, sha256] of its *.yaml files, sorted as the loaders read them."""
    return [[[str(f), hashlib.sha256(f.read_bytes()).hexdigest()] for f in sorted(d.glob("*.yaml"))]
            for d in dirs]


def _put(h: Any, *parts: Any) -> None:
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogateescape") + b"\0")


def key(dirs: list[Path], sources: list[list[list[str]]] | None = None) -> str | None:
    dirs = [Path(d) for d in dirs]
    h = hashlib.sha256()
    _put(h, FORMAT, FORMAT_VERSION, __version__, sys.version, sys.implementation.name)
    for lib, ver in _library_versions():
        _put(h, lib, ver)
    try:
        h.update(_code_digest())
        if sources is None:
            sources = _sources(dirs)
        for d, files in zip(dirs, sources, strict=True):
            _put(h, "folder", d, d.resolve())         # paths are part of the loaded result
            for f, digest in files:
                _put(h, f, digest)
    except OSError:
        return None
    return h.hexdigest()


# ---------------------------------------------------------------------------- the folder

def _private(st: os.stat_result) -> bool:
    """Not writable by the group or others, and owned by this user (POSIX)."""
    if not _POSIX:
        return True
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _folder_state(folder: Path) -> str:
    """'ok', 'absent', or 'unsafe' (not a folder, not ours, writable by others)."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return "absent"
    except (OSError, ValueError):
        return "unsafe"
    return "ok" if stat.S_ISDIR(st.st_mode) and _private(st) else "unsafe"


def cached(dirs: list[Path], build: Callable[[], Any], codec: Codec | None = None) -> Any:
    """`build()`'s result, from the cache when the files in `dirs` are unchanged. The value is
    stored and rebuilt by `codec` (by default the (CatalogSet, RuleBook) pair of Engine.load)."""
    if os.environ.get("GAPCHECK_NO_CACHE") in ("1", "true", "yes"):
        return build()
    codec = codec or ENGINE
    dirs = [Path(d) for d in dirs]
    try:
        sources = _sources(dirs)
        k = key(dirs, sources)
    except Exception:
        k = None
    if k is None:
        return build()
    folder = cache_dir()
    state = _folder_state(folder)
    if state == "unsafe":
        return build()
    path = folder / f"engine-{k[:32]}.json"
    if state == "ok":
        try:
            value = _read(path, k, sources, codec)
        except Exception:
            pass              # absent, damaged, another version's, or not ours: load the files
        else:
            try:
                os.utime(path)          # recently used: kept when older entries are pruned
            except OSError:
                pass
            return value
    value = build()              # errors in the inputs propagate as usual, nothing is cached
    try:
        _write(folder, path, k, sources, value, codec)
    except Exception:
        pass
    return value


def _read(path: Path, k: str, sources: list, codec: Codec) -> Any:
    import orjson

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > MAX_ENTRY_BYTES:
            raise _Bad("not a private regular file of a plausible size")
        raw = fh.read(MAX_ENTRY_BYTES + 1)
    head, sep, payload = raw.partition(b"\n")
    if not sep or len(raw) > MAX_ENTRY_BYTES:
        raise _Bad("no header")
    header = orjson.loads(head)
    if (type(header) is not dict or header.get("format") != FORMAT
            or header.get("format_version") != FORMAT_VERSION or header.get("key") != k
            or header.get("payload_sha256") != hashlib.sha256(payload).hexdigest()):
        raise _Bad("another format, key or digest")
    with _no_collections():
        body = orjson.loads(payload)
        if type(body) is not dict or body.get("key") != k or body.get("sources") != sources:
            raise _Bad("another key or other files")
        return codec.decode(body.get("value"), sources)


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """Decoding makes tens of thousands of objects, none of them garbage: the garbage collector,
    run every 700 of them, would only walk them again and again (about a fifth of the time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _write(folder: Path, path: Path, k: str, sources: list, value: Any, codec: Codec) -> None:
    import orjson

    with _no_collections():
        data = codec.encode(value)
        payload = orjson.dumps({"key": k, "sources": sources, "value": data})
        # what a hit will rebuild must be what was loaded, or nothing is written
        again = codec.decode(orjson.loads(payload)["value"], sources)
        if not (codec.equal(again, value) and codec.encode(again) == data):
            return
    header = orjson.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "key": k,
                           "payload_sha256": hashlib.sha256(payload).hexdigest()})
    if _folder_state(folder) == "absent":
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if _folder_state(folder) != "ok":
        return
    import tempfile     # only when an entry is written

    fd, tmp = tempfile.mkstemp(prefix=".engine-", suffix=".tmp", dir=folder)    # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)       # a full disk leaves no partial file behind
        raise
    _prune(folder, path)


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the KEEP most recently written or read entries; `keep` (just written)
    stays whatever the clock says. Entries of earlier formats are removed."""
    for old in folder.glob(_OLD_GLOB):
        old.unlink(missing_ok=True)
    others = [p for p in folder.glob(_ENTRY_GLOB) if p != keep]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[KEEP - 1:]:
        old.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- models

def _need(ok: bool, what: str = "wrong type") -> None:
    if not ok:
        raise _Bad(what)


def _date(v: Any) -> _dt.date:
    _need(type(v) is str and len(v) == 10)
    return _dt.date.fromisoformat(v)


def _any(v: Any) -> Any:
    return v           # JSON data as orjson decoded it: dict, list, str, int, float, bool, None


def _types(values: Any) -> set:
    return set(map(type, values))


# A decoder is a function that checks JSON data against a field's type and returns the value,
# or, for types whose JSON form is the value itself (str, int, bool, None and unions of them),
# the frozenset of those exact types: the value is then used as it is, checked at C speed
# (set(map(type, ...))) when it is inside a list or a mapping. Lists and mappings are new ones,
# their Any values shared, as pydantic's validation makes them (a model may be decoded from its
# document's data, and must share no more with it than a fresh load does).
Decoder = Callable[[Any], Any] | frozenset
_SCALARS = (str, int, bool, float, type(None))


def _as_function(d: Decoder) -> Callable[[Any], Any]:
    if not isinstance(d, frozenset):
        return d

    def exact(v: Any) -> Any:
        _need(type(v) in d)
        return v
    return exact


def _decoder(tp: Any) -> Decoder:
    """The decoder of the type `tp` of a model field (models are rebuilt without validation).
    An annotation it does not know is an error: that model is not cached rather than rebuilt
    unchecked."""
    from pydantic import BaseModel

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _decoder(args[0])
    if tp is Any:
        return _any
    if tp in _SCALARS:
        return frozenset((tp,))
    if tp is _dt.date:
        return _date
    if origin is typing.Literal:
        allowed = {(type(a), a) for a in args}

        def literal(v: Any) -> Any:
            _need((type(v), v) in allowed, "not an allowed value")
            return v
        return literal
    if origin is typing.Union or origin is types.UnionType:
        members = [_decoder(a) for a in args]
        if all(isinstance(m, frozenset) for m in members):
            return frozenset().union(*members)
        if len(args) == 2 and type(None) in args:                      # Optional[X]
            inner = _as_function(members[0] if args[1] is type(None) else members[1])
            return lambda v: None if v is None else inner(v)
        fns = [_as_function(m) for m in members]

        def union(v: Any) -> Any:
            for fn in fns:
                try:
                    return fn(v)
                except _Bad:
                    pass
            raise _Bad("none of the union's types")
        return union
    if origin is list:
        item = _decoder(args[0])
        if isinstance(item, frozenset):
            def plain_list(v: Any) -> list:
                _need(type(v) is list and _types(v) <= item)
                return list(v)
            return plain_list
        if item is _any:
            def any_list(v: Any) -> list:
                _need(type(v) is list)
                return list(v)
            return any_list

        def a_list(v: Any) -> list:
            _need(type(v) is list)
            return [item(x) for x in v]
        return a_list
    if origin is dict:
        if args[0] is not str:
            raise TypeError(f"no cache decoder for {tp!r} (keys other than str)")
        val = _decoder(args[1])
        if isinstance(val, frozenset):
            def plain_dict(v: Any) -> dict:
                _need(type(v) is dict and _types(v.values()) <= val)
                return dict(v)
            return plain_dict
        if val is _any:
            def any_dict(v: Any) -> dict:
                _need(type(v) is dict)
                return dict(v)
            return any_dict

        def a_dict(v: Any) -> dict:
            _need(type(v) is dict)
            return {k: val(x) for k, x in v.items()}
        return a_dict
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_decoder(tp)
    raise TypeError(f"no cache decoder for {tp!r}")


_DECODERS: dict[type, Callable[[Any], Any]] = {}
_REQUIRED = object()


def _model_decoder(cls: type) -> Callable[[Any], Any]:
    """A decoder for a model: its fields checked, missing ones given their defaults, and the
    instance made as model_construct (or unpickling) makes it, without validation."""
    hit = _DECODERS.get(cls)
    if hit is not None:
        return hit
    if (cls.__pydantic_post_init__ or cls.__private_attributes__ or cls.__pydantic_root_model__
            or cls.model_config.get("extra") == "allow"):
        raise TypeError(f"no cache decoder for {cls.__name__} (post-init, private attributes, extra)")
    fields: dict[str, Decoder] = {}
    required: set[str] = set()
    template: dict[str, Any] = {}                    # every field, in order, with its default
    factories: list[tuple[str, Callable[[], Any]]] = []
    new, setattr_ = cls.__new__, object.__setattr__

    def model(v: Any) -> Any:
        _need(type(v) is dict and required <= v.keys(), "not a mapping with the required fields")
        state = template.copy()
        for k, x in v.items():
            dec = fields.get(k)
            if dec.__class__ is frozenset:          # a str, int, bool or None field: inline
                _need(type(x) in dec)
                state[k] = x
            else:
                _need(dec is not None, "unknown field")
                state[k] = dec(x)
        for name, factory in factories:
            if name not in v:
                state[name] = factory()
        m = new(cls)
        setattr_(m, "__dict__", state)
        setattr_(m, "__pydantic_fields_set__", set(v))
        setattr_(m, "__pydantic_extra__", None)
        setattr_(m, "__pydantic_private__", None)
        return m

    _DECODERS[cls] = model          # before the fields: a model may contain itself
    try:
        for name, f in cls.model_fields.items():
            if f.alias not in (None, name) or f.validation_alias not in (None, name):
                raise TypeError(f"no cache decoder for the aliased field {cls.__name__}.{name}")
            fields[name] = _decoder(f.annotation)
            template[name] = _REQUIRED
            if f.is_required():
                required.add(name)
            elif f.default_factory is not None:
                if f.default_factory not in (list, dict):
                    raise TypeError(f"no cache decoder for the default of {cls.__name__}.{name}")
                factories.append((name, f.default_factory))
            elif f.default is None or type(f.default) in _SCALARS:
                template[name] = f.default
            else:
                raise TypeError(f"no cache decoder for the default of {cls.__name__}.{name}")
    except BaseException:
        del _DECODERS[cls]
        raise
    return model


def _dump(m: Any) -> Any:
    # a value pydantic cannot dump faithfully fails the check of what the entry rebuilds
    return m.model_dump(mode="json", exclude_unset=True, warnings=False)


# ---------------------------------------------------------------------------- documents

_ENCODINGS = ("utf-8", "utf-8-sig", "cp932")


def _fields_are(cls: type, names: set[str]) -> None:
    """A field this codec does not know (added to the class later) is never silently lost."""
    import dataclasses

    if {f.name for f in dataclasses.fields(cls)} != names:
        raise TypeError(f"the cache does not know all fields of {cls.__name__}")


def _encode_document(doc: Any) -> dict:
    """A Document as JSON data. The positions (a path -> (line, column) for every value, 7,000
    in all) are a tree: each path as the index of its parent's path (earlier in the list; -1
    for the root) and its last key or index, a third of the size of the paths written out."""
    from . import yamlio

    _fields_are(yamlio.Document, {"file", "data", "positions", "sha256", "encoding", "notes"})
    index: dict[tuple, int] = {}
    parents, keys = [], []
    for i, p in enumerate(doc.positions):
        if p:
            parents.append(index[p[:-1]])       # KeyError when the parent comes later: not cached
            keys.append(p[-1])
        else:
            parents.append(-1)
            keys.append(0)
        index[p] = i
    pos = doc.positions.values()
    return {"file": doc.file, "sha256": doc.sha256, "encoding": doc.encoding, "data": doc.data,
            "parents": parents, "keys": keys, "lines": [lc[0] for lc in pos],
            "columns": [lc[1] for lc in pos], "notes": [list(n) for n in doc.notes]}


_DOCUMENT_KEYS = {"file", "sha256", "encoding", "data", "parents", "keys", "lines", "columns", "notes"}
_INT, _PATH_PART, _NOTE = {int}, {str, int}, (int, int, str, str, str)


def _decode_document(d: Any, file: str, sha256: str) -> Any:
    from . import yamlio

    _need(type(d) is dict and d.keys() == _DOCUMENT_KEYS)
    _need(d["file"] == file and d["sha256"] == sha256, "another file")
    _need(d["encoding"] in _ENCODINGS and type(d["data"]) is dict)
    notes = d["notes"]
    _need(type(notes) is list)
    for n in notes:
        _need(type(n) is list and tuple(map(type, n)) == _NOTE)
    return yamlio.Document(file=file, data=d["data"], positions=_Positions(d, file), sha256=sha256,
                           encoding=d["encoding"], notes=[tuple(n) for n in notes])


class _Positions(dict):
    """A cached document's positions, built when first read. A run that takes its catalogs and
    rules from the cache never reads them (they serve error messages, explain and verify), and
    building 7,000 of them took about a third of a cache hit. Should the cached arrays turn out
    malformed then, the positions are read from the file itself, whose sha256 the entry was
    checked against: they can never be wrong, only slower."""

    __slots__ = ("_encoded", "_file")

    def __init__(self, encoded: dict, file: str):
        super().__init__()
        self._encoded, self._file = encoded, file

    def _fill(self) -> None:
        d, self._encoded = self._encoded, None
        try:
            parents, keys, lines, columns = d["parents"], d["keys"], d["lines"], d["columns"]
            _need(type(parents) is list and type(keys) is list and type(lines) is list
                  and type(columns) is list and len(parents) == len(keys) == len(lines) == len(columns))
            _need(_types(parents) <= _INT and _types(keys) <= _PATH_PART and _types(lines) <= _INT
                  and _types(columns) <= _INT and (not parents or min(parents) >= -1))
            paths: list[tuple] = []
            add = paths.append
            for parent, k in zip(parents, keys):
                add(paths[parent] + (k,) if parent >= 0 else ())    # a parent not yet built: IndexError
            dict.update(self, zip(paths, zip(lines, columns)))
        except (_Bad, IndexError, TypeError, KeyError):
            from . import yamlio

            dict.update(self, yamlio.load(self._file).positions)

    def _filled(self) -> "_Positions":
        if self._encoded is not None:
            self._fill()
        return self

    def __getitem__(self, k):
        return dict.__getitem__(self._filled(), k)

    def __contains__(self, k):
        return dict.__contains__(self._filled(), k)

    def __iter__(self):
        return dict.__iter__(self._filled())

    def __len__(self):
        return dict.__len__(self._filled())

    def __eq__(self, other):
        return dict.__eq__(self._filled(), other)

    __hash__ = None

    def get(self, k, default=None):
        return dict.get(self._filled(), k, default)

    def keys(self):
        return dict.keys(self._filled())

    def values(self):
        return dict.values(self._filled())

    def items(self):
        return dict.items(self._filled())

    def __reduce__(self):           # a copy (a forked worker's, a pickle) is a plain dict
        return (dict, (dict(self._filled()),))


# ---------------------------------------------------------------------------- the engine's pair

def _same(a: Any, b: Any) -> bool:
    """a == b, and of the same types throughout (1 is not True, 1.0 is not 1); key order aside."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def _or_same(dumps: list, data: Any) -> list:
    """The dumps of the models validated from the list `data`, each replaced by `true` where it
    is its data as written (decoded from the document's data then, not stored twice)."""
    if type(data) is not list or len(data) != len(dumps):
        return dumps
    return [True if _same(d, x) else d for d, x in zip(dumps, data)]


def _from_same(entries: Any, data: Any) -> list:
    _need(type(entries) is list)
    if not any(e is True for e in entries):
        return entries
    _need(type(data) is list and len(data) == len(entries), "no data where the model is its data")
    return [x if e is True else e for e, x in zip(entries, data)]


class EngineCodec:
    """The (CatalogSet, RuleBook) pair of Engine.load: per file its document and its checked
    model(s); the rest is derived again as load_catalogs and load_rules derive it.

    Most models dump to exactly their data as written (the shipped catalogs all do): a catalog,
    an item or a rule that does is stored as `true`, and decoded, with the same checks, from its
    document's data. That halves the entry."""

    def encode(self, value: Any) -> Any:
        from .catalog import CatalogSet
        from .rules import RuleBook

        cs, book = value
        if not (type(value) is tuple and type(cs) is CatalogSet and type(book) is RuleBook):
            raise TypeError("not a (CatalogSet, RuleBook) pair")
        _fields_are(CatalogSet, {"catalogs", "documents", "items", "_citations", "_ids"})
        _fields_are(RuleBook, {"rules", "documents", "rule_files", "version", "digest"})
        catalogs = []
        for area, doc in cs.documents.items():
            dump = _dump(cs.catalogs[area])
            if _same(dump, doc.data):
                dump = True
            elif type(dump.get("items")) is list:
                dump["items"] = _or_same(dump["items"], doc.data.get("items"))
            catalogs.append({"document": _encode_document(doc), "catalog": dump})
        by_file: dict[str, list] = {}
        for r in book.rules:
            by_file.setdefault(book.rule_files[r.id], []).append(_dump(r))
        rules = [{"document": _encode_document(doc), "rules": _or_same(by_file.get(f, []), doc.data.get("rules"))}
                 for f, doc in book.documents.items()]
        return {"catalogs": catalogs, "rules": rules}

    def decode(self, data: Any, sources: list[list[list[str]]]) -> Any:
        from .catalog import CatalogSet
        from .models import Catalog, Rule
        from .rules import RuleBook

        _need(type(data) is dict and data.keys() == {"catalogs", "rules"} and len(sources) == 2)
        cat_files, rule_files = ([(f, s) for f, s in files if not Path(f).name.startswith("_")]
                                 for files in sources)      # as paths.yaml_files reads them
        entries = data["catalogs"]
        _need(type(entries) is list and len(entries) == len(cat_files), "other catalog files")
        cs = CatalogSet()
        catalog = _model_decoder(Catalog)
        for (f, sha), e in zip(cat_files, entries):
            _need(type(e) is dict and e.keys() == {"document", "catalog"})
            doc = _decode_document(e["document"], f, sha)
            m = e["catalog"]
            if m is True:
                m = doc.data
            else:
                _need(type(m) is dict)
                if "items" in m:
                    m = dict(m, items=_from_same(m["items"], doc.data.get("items")))
            cat = catalog(m)
            _need(cat.area not in cs.catalogs, "an area twice")
            cs.catalogs[cat.area] = cat
            cs.documents[cat.area] = doc
            for item in cat.items:
                _need(item.id not in cs.items, "an item ID twice")
                cs.items[item.id] = (cat, item)
        for cat in cs.catalogs.values():
            for item in cat.items:
                _need(not item.superseded_by or item.superseded_by in cs.items)
        cs.catalogs = dict(sorted(cs.catalogs.items()))

        entries = data["rules"]
        _need(type(entries) is list and len(entries) == len(rule_files), "other rule files")
        book = RuleBook()
        rule = _model_decoder(Rule)
        h = hashlib.sha256()
        versions = set()
        for (f, sha), e in zip(rule_files, entries):
            _need(type(e) is dict and e.keys() == {"document", "rules"})
            doc = _decode_document(e["document"], f, sha)
            h.update(Path(f).name.encode() + b"\0" + sha.encode() + b"\0")
            version = doc.data.get("ruleset_version")
            _need(type(version) is str)
            versions.add(version)
            book.documents[doc.file] = doc
            rules = _from_same(e["rules"], doc.data.get("rules"))
            _need(len(rules) > 0)
            for r in map(rule, rules):
                _need(r.id not in book.rule_files and (r.catalog in cs.catalogs or r.catalog == "*"), "a rule twice, or of no catalog")
                book.rule_files[r.id] = doc.file
                book.rules.append(r)
        book.digest = h.hexdigest()
        book.version = "+".join(sorted(versions)) + "-" + book.digest[:8]
        return cs, book

    def equal(self, a: Any, b: Any) -> bool:
        """a == b, without comparing a whole catalog once per requirement (the index holds
        (catalog, item) pairs): the catalogs once, then which catalog and item each ID names."""
        (cs, book), (cs2, book2) = a, b
        return (type(cs) is type(cs2) and cs.catalogs == cs2.catalogs and cs.documents == cs2.documents
                and _index(cs) == _index(cs2) and cs._citations == cs2._citations
                and cs._ids == cs2._ids and book == book2)


def _index(cs: Any) -> list:
    where = {id(it): (c.area, n) for c in cs.catalogs.values() for n, it in enumerate(c.items)}
    return [(k, c is cs.catalogs.get(c.area), where.get(id(it))) for k, (c, it) in cs.items.items()]


ENGINE = EngineCodec()
