"""Reading YAML the user wrote: safely, with line numbers, and never silently wrong.

Every input file (profiles, catalogs, rules, waivers) is read here.

- bytes are decoded as UTF-8 (with or without BOM) or CP932/Shift_JIS (as Japanese Windows tools
  save it), never guessed into mojibake: text that decodes as CP932 only by accident (Latin-1,
  EUC-JP, damaged UTF-8) is refused, UTF-16/UTF-32 are recognised and named;
- only the safe YAML subset is constructed; duplicate keys are errors; merge keys (<<) work;
- aliases are bounded (an alias bomb is refused quickly), nesting depth and input size are limited;
- mapping keys written in full-width ASCII (ＩＤ, ＢＳ－ＪＵＫＩ) are read as ASCII, and noted;
- every value's position is kept, so errors and evidence can name the line.
- no key or string value may contain a control character (C0 except tab, LF and CR; DEL; C1):
  load() refuses them all, with their lines (see CONTROL_CHARS).
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import GapcheckError

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 100          # alias uses (*name) per document
MAX_EXPANDED = 10_000      # nodes built through aliases, in total
MAX_DEPTH = 100            # nesting of mappings and lists
ENCODINGS = "UTF-8 (BOM optional), CP932 / Shift_JIS"
ENCODINGS_JA = "UTF-8（BOM あり・なし）、Shift_JIS（CP932）"
_SAVE_HINT_EN = f"accepted encodings: {ENCODINGS}. Save the file as UTF-8 (e.g. in Notepad: Save As → Encoding: UTF-8)"
_SAVE_HINT_JA = f"使える文字コード: {ENCODINGS_JA}。UTF-8 で保存し直してください（メモ帳: 名前を付けて保存 → 文字コード: UTF-8）"

Path = tuple  # a path into the document: ('areas', 'base_systems', 'items', 'BS-01')

@dataclass
class Document:
    """A parsed YAML document with the source position of every node."""

    file: str
    data: Any
    positions: dict = field(default_factory=dict)   # Path -> (line, column), 1-based
    sha256: str = ""
    encoding: str = "utf-8"
    notes: list = field(default_factory=list)       # (line, column, path, written, read as): normalised keys

    def line_of(self, path: Path) -> int | None:
        """Line of the node at path, or of its nearest ancestor that exists."""
        return self.position(path)[0]

    def position(self, path: Path) -> tuple[int | None, int | None]:
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (None, None))


# ---------------------------------------------------------------------------- decoding

def _line_col(raw: bytes, pos: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, pos) + 1
    start = raw.rfind(b"\n", 0, pos) + 1
    return line, pos - start + 1


def _encoding_error(file: str, en: str, ja: str, line: int | None = None,
                    column: int | None = None) -> GapcheckError:
    return GapcheckError(en, ja, file=file, line=line, column=column,
                         hint_en=_SAVE_HINT_EN, hint_ja=_SAVE_HINT_JA)


_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32 BE"), (b"\xff\xfe\x00\x00", "UTF-32 LE"),
    (b"\xfe\xff", "UTF-16 BE"), (b"\xff\xfe", "UTF-16 LE"),
)


def _utf16_without_bom(raw: bytes) -> str | None:
    """'UTF-16 LE'/'UTF-16 BE' when NUL bytes sit in every other position, as in UTF-16 text."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.02:
        return "UTF-16 LE"
    if even >= pairs * 0.3 and odd <= pairs * 0.02:
        return "UTF-16 BE"
    return None


_BAD = re.compile("[\uff61-\uff9f\x80-\x9f\ue000-\uf8ff]")        # half-width kana, C1, 外字
_GOOD = re.compile("[\u3000-\u30ff\uff01-\uff5e]")                  # kana, CJK punctuation, 全角英数
_OTHER = re.compile("[\x00-\x7f\u3000-\u30ff\uff01-\uff5e\uff61-\uff9f\x80-\x9f\ue000-\uf8ff]+")
_LEVEL1 = bytes(range(0x81, 0x99))      # lead bytes: symbols, Greek, Cyrillic, box drawing, ①, level-1 kanji


def _cp932_plausibility(text: str) -> tuple[int, int, int]:
    """(non-ASCII characters, plausible Japanese ones, implausible ones) in CP932-decoded text.

    Plausible: kana, CJK punctuation, full-width ASCII, the symbol rows and JIS level-1 kanji.
    Implausible: half-width katakana, C1 controls and the private-use (外字) area, which is what
    Latin-1, EUC-JP and UTF-8 bytes turn into when read as CP932. Level-2 kanji count as neither.
    """
    n = len(text) - len(text.encode("ascii", "ignore"))
    bad = len(_BAD.findall(text))
    good = len(_GOOD.findall(text))
    rest = _OTHER.sub("", text).encode("cp932", "ignore")        # double-byte characters only
    leads = rest[0::2]
    good += len(leads) - len(leads.translate(None, _LEVEL1))
    return n, good, bad


def _guess(raw: bytes) -> tuple[str, str]:
    """A guess at what the bytes are, for the message (en, ja). Never used to decode."""
    try:
        t = raw.decode("euc-jp")
        n, good, bad = _cp932_plausibility(t)
        if n and good * 2 >= n:
            return " (it looks like EUC-JP)", "（EUC-JP のようです）"
    except UnicodeDecodeError:
        pass
    high = [b for b in raw if b >= 0x80]
    if high and all(b >= 0xA0 for b in high):
        return " (it looks like Latin-1 / Windows-1252)", "（Latin-1 / Windows-1252 のようです）"
    return "", ""


def decode(raw: bytes, file: str) -> str:
    """Decode the bytes of a text file, or explain why they are not read.

    Order: UTF-8 BOM → UTF-16/32 BOM (refused, named) → NUL bytes (binary, or UTF-16 without BOM)
    → UTF-8 → CP932, accepted only when the text reads as Japanese (never mojibake) → UTF-8 with
    a few bad bytes (refused, the line named) → anything else (refused, EUC-JP and Latin-1 named).
    """
    return decode_with_encoding(raw, file)[0]


def decode_with_encoding(raw: bytes, file: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            line, col = _line_col(raw, e.start + 3)
            raise _encoding_error(
                file, f"the file starts with a UTF-8 byte-order mark but is not valid UTF-8 "
                      f"(byte 0x{raw[e.start + 3]:02X})",
                f"UTF-8 の BOM で始まっていますが、UTF-8 として正しくない部分があります（0x{raw[e.start + 3]:02X}）",
                line, col) from None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise _encoding_error(
                file, f"the file is {name} text (it starts with a {name} byte-order mark); "
                      f"gapcheck reads {ENCODINGS}",
                f"{name} のファイルです（{name} の BOM で始まっています）。読み込めるのは {ENCODINGS_JA} です")
    if b"\x00" in raw:
        u16 = _utf16_without_bom(raw)
        if u16:
            raise _encoding_error(
                file, f"the file looks like {u16} text without a byte-order mark; gapcheck reads {ENCODINGS}",
                f"BOM のない {u16} のファイルのようです。読み込めるのは {ENCODINGS_JA} です")
        line, col = _line_col(raw, raw.index(b"\x00"))
        raise GapcheckError(
            "this is a binary file, not YAML text (it contains NUL bytes)",
            "バイナリファイルです。YAMLテキストではありません（NUL バイトを含みます）",
            file=file, line=line, column=col, hint_en=f"save the file as text in {ENCODINGS}",
            hint_ja=f"{ENCODINGS_JA} のテキストとして保存してください")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        bad_at = e.start
    line, col = _line_col(raw, bad_at)
    # Shift_JIS (CP932) only when the text reads as Japanese: kana and common kanji, not
    # half-width katakana and private-use characters, which is what other encodings turn into.
    try:
        text: str | None = raw.decode("cp932")
    except UnicodeDecodeError as e:
        text, cp_err = None, e
    pua = None
    if text is not None:
        pua = next((i for i, ch in enumerate(text) if 0xE000 <= ord(ch) <= 0xF8FF), None)
        n, good, bad = _cp932_plausibility(text)
        plausible = good * 2 >= n and bad * 2 <= n
        if plausible and pua is None:
            return text, "cp932"
    # UTF-8 with a few bytes that are not (damage, or a line pasted from a Shift_JIS file)
    as_utf8 = raw.decode("utf-8", "replace")
    n_u = len(as_utf8) - len(as_utf8.encode("ascii", "ignore"))
    if n_u and as_utf8.count("\ufffd") * 3 <= n_u:
        raise _encoding_error(
            file, f"the file is UTF-8 but has bytes that are not UTF-8 (first: 0x{raw[bad_at]:02X}); "
                  "perhaps text in another encoding was pasted in",
            f"UTF-8 のファイルに UTF-8 でないバイトが混ざっています（最初は 0x{raw[bad_at]:02X}）。"
            "別の文字コードの文章を貼り付けていないか確認してください", line, col)
    if text is not None and pua is not None and plausible:
        cl = text.count("\n", 0, pua) + 1
        cc = pua - (text.rfind("\n", 0, pua) + 1) + 1
        raise _encoding_error(
            file, "the file is Shift_JIS (CP932) with user-defined characters (外字), which cannot be "
                  "read reliably",
            "外字（ユーザー定義文字）を含む Shift_JIS（CP932）のファイルです。外字は確実に読み取れません",
            cl, cc)
    g_en, g_ja = _guess(raw)
    if text is None:
        line, col = _line_col(raw, min(bad_at, cp_err.start))
    raise _encoding_error(
        file, f"the file is neither UTF-8 nor Shift_JIS (CP932) text{g_en}",
        f"UTF-8 でも Shift_JIS（CP932）でもない文字コードです{g_ja}", line, col)


def read_text(file: str) -> tuple[str, bytes]:
    text, raw, _ = _read(file)
    return text, raw


def _read(file: str) -> tuple[str, bytes, str]:
    from .files import read_bounded

    label = str(file)
    raw = read_bounded(label, MAX_BYTES, hint_en="is this the right file? A profile is usually well under 1 MB",
                       hint_ja="ファイルを確認してください（プロファイルは通常 1MB 未満です）")
    text, enc = decode_with_encoding(raw, label)
    return text, raw, enc


# ---------------------------------------------------------------------------- building

_ZEN = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_ZEN[0x3000] = 0x20


def ascii_token(v: Any) -> Any:
    """'ＢＳ－ＪＵＫＩ' → 'BS-JUKI', ' done　' → 'done': full-width ASCII read as ASCII and
    spaces around trimmed, when the result is plain ASCII (an ID, a key, a code word).
    Anything else (Japanese text, other types) is returned unchanged."""
    if not isinstance(v, str):
        return v
    if v.isascii():                      # the common case, and much cheaper than translate
        return v.strip()
    s = v.translate(_ZEN).strip()
    return s if s.isascii() else v


def _too_deep(file: str, mark) -> GapcheckError:
    return GapcheckError(
        f"the document is nested more than {MAX_DEPTH} levels deep", f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）",
        file=file, line=mark.line + 1 if mark else None)


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.positions: dict = {}
        self.notes: list = []
        self.aliases = 0
        self.expanded = 0
        self.in_alias = 0
        self.alias_path: Path = ()                 # where the alias being expanded is used
        self.seen_nodes: set[int] = set()
        self.open_nodes: set[int] = set()     # the nodes being built (an alias to one is a loop)
        self.ctor = _DatesAsText("")     # one per document: the constructor caches what it built

    def _bomb(self, node: yaml.Node, what_en: str, what_ja: str) -> GapcheckError:
        # an alias resolves to the anchored node: name the place where the alias is used
        line, col = self.positions.get(self.alias_path, (node.start_mark.line + 1, node.start_mark.column + 1))
        return GapcheckError(
            f"{what_en}; refusing to expand the aliases (*name)", f"{what_ja}。エイリアス（*名前）の展開を中止しました",
            file=self.file, line=line, column=col,
            hint_en="write the values out instead of repeating anchors",
            hint_ja="アンカーを繰り返し参照せず、値を直接書いてください")

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _too_deep(self.file, node.start_mark)
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in self.open_nodes:
            self.alias_path = path
            raise self._bomb(node, "an alias refers to a value that contains it (a loop)",
                             "エイリアスが自分自身を含む値を参照しています（循環）")
        # A node met again is an alias (*name): outside an expansion it is one use of an alias,
        # inside one it is part of the expansion. Both are bounded.
        alias = id(node) in self.seen_nodes and not self.in_alias
        if alias:
            self.alias_path = path
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise self._bomb(node, f"too many aliases (more than {MAX_ALIASES})",
                                 f"エイリアスが多すぎます（上限 {MAX_ALIASES}）")
            self.in_alias += 1
        if self.in_alias:
            self.expanded += 1
            if self.expanded > MAX_EXPANDED:
                raise self._bomb(node, f"the aliases expand to more than {MAX_EXPANDED:,} values",
                                 f"エイリアスの展開結果が大きすぎます（上限 {MAX_EXPANDED:,} 個）")
        self.seen_nodes.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if alias:
                self.in_alias -= 1
            return self.scalar(node)
        if node.tag not in _COLLECTION_TAGS:
            raise self._tag_error(node)
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path, depth)
            return [self.build(v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
        finally:
            self.open_nodes.discard(id(node))
            if alias:
                self.in_alias -= 1

    def _tag_error(self, node: yaml.Node) -> GapcheckError:
        return GapcheckError(f"unsupported YAML tag {node.tag}", f"使用できないYAMLのタグです: {node.tag}",
                             file=self.file, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                             hint_en="remove the tag (!!...)", hint_ja="タグ（!!...）を削除してください")

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        merged: dict = {}
        out: dict = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                sources = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
                for src in sources:
                    val = self.build(src, path, depth + 1)
                    if not isinstance(val, dict):
                        raise GapcheckError("a merge key (<<) needs a mapping or a list of mappings",
                                            "マージキー（<<）には「キー: 値」の形式が必要です",
                                            file=self.file, line=src.start_mark.line + 1)
                    for k, v in val.items():
                        merged.setdefault(k, v)     # the first mapping listed wins
                continue
            key = self.key(knode, path)
            if key in out:
                first = self.positions.get(path + (key,), (None,))[0]
                raise GapcheckError(
                    f"duplicate key {key!r} (first at line {first})",
                    f"キー {key!r} が重複しています（最初の定義は {first} 行目）",
                    file=self.file, line=knode.start_mark.line + 1,
                    column=knode.start_mark.column + 1, path=_dotted(path + (key,)),
                    hint_en="keep one of them", hint_ja="どちらか一方だけにしてください")
            pos = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            self.positions[path + (key,)] = pos
            out[key] = self.build(vnode, path + (key,), depth + 1)
            self.positions[path + (key,)] = pos
        if merged:
            return {**merged, **out}       # keys written in the mapping override merged ones
        return out

    def key(self, knode: yaml.Node, path: Path) -> Any:
        if not isinstance(knode, yaml.ScalarNode):
            raise GapcheckError("a mapping key must be a plain value", "キーは単純な値にしてください",
                                file=self.file, line=knode.start_mark.line + 1,
                                column=knode.start_mark.column + 1)
        key = self.scalar(knode)
        if isinstance(key, str):
            norm = ascii_token(key)
            if norm != key:
                self.notes.append((knode.start_mark.line + 1, knode.start_mark.column + 1,
                                   _dotted(path + (norm,)), key, norm))
                key = norm
        return key

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        try:
            return self.ctor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as e:
            raise GapcheckError(f"unsupported YAML value: {e.problem}",
                                f"使用できないYAMLの値です: {e.problem}",
                                file=self.file, line=node.start_mark.line + 1,
                                column=node.start_mark.column + 1) from None
        except (ValueError, OverflowError) as e:
            raise GapcheckError(f"unreadable YAML value: {e}", f"読み取れないYAMLの値です: {e}",
                                file=self.file, line=node.start_mark.line + 1,
                                column=node.start_mark.column + 1) from None


class _Unusual(Exception):
    """The document needs the careful path (tags, merge keys, keys to normalise, duplicates,
    more than one document, the depth limit ...); raised by _build_from_events."""


def _build_from_events(text: str, file: str) -> tuple[Any, dict]:
    """(data, positions) for a document without anchors, built straight from libyaml's events.

    The same result as composing the nodes and building with _Builder (tests check it on
    every shipped file, tricky documents and 300 generated ones), about a third faster: the
    composer keeps a Python object for every node and two for its marks until the document is
    complete, and calls back into Python for each node. Anything beyond the common case raises
    _Unusual, and the document is read the careful way instead, which also reports its errors.
    """
    loader = _CDatesAsText(text)
    try:
        get = loader.get_event
        if get().__class__ is not _StreamStart or get().__class__ is not _DocStart:
            raise _Unusual
        ev = get()
        cls = ev.__class__
        if (cls is not _MapStart and cls is not _SeqStart) or ev.tag is not None or ev.anchor is not None:
            raise _Unusual
        is_map = cls is _MapStart
        root = cur = {} if is_map else []
        mark = ev.start_mark
        positions: dict = {(): (mark.line + 1, mark.column + 1)}
        stack: list = []
        path: Path = ()
        depth = 0
        child: Path | None = None          # in a mapping: the path of the key just read
        builder = None
        while True:
            ev = get()
            cls = ev.__class__
            if is_map and child is None:                    # a key, or the end of the mapping
                if cls is _MapEnd:
                    if not stack:
                        break
                    cur, path, depth, is_map = stack.pop()
                    continue
                if cls is not _Scalar or ev.tag is not None or ev.anchor is not None:
                    raise _Unusual
                key = ev.value
                if (_resolve(yaml.ScalarNode, key, ev.implicit) != _STR or not key.isascii()
                        or key != key.strip() or key in cur):
                    raise _Unusual
                child = path + (key,)
                mark = ev.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
                continue
            if cls is _SeqEnd and not is_map:
                if not stack:
                    break
                cur, path, depth, is_map = stack.pop()
                continue
            if depth >= MAX_DEPTH or ev.anchor is not None or ev.tag is not None:
                raise _Unusual
            if is_map:
                at, child = child, None
            else:
                at = path + (len(cur),)
                mark = ev.start_mark
                positions[at] = (mark.line + 1, mark.column + 1)
            if cls is _Scalar:
                value = ev.value
                tag = _resolve(yaml.ScalarNode, value, ev.implicit)
                if tag != _STR:
                    if tag == _MERGE:
                        raise _Unusual
                    builder = builder or _Builder(file)
                    value = builder.scalar(yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style))
            elif cls is _MapStart or cls is _SeqStart:
                value = {} if cls is _MapStart else []
            else:
                raise _Unusual                              # an alias
            if is_map:
                cur[at[-1]] = value
            else:
                cur.append(value)
            if cls is not _Scalar:
                stack.append((cur, path, depth, is_map))
                cur, path, depth, is_map = value, at, depth + 1, cls is _MapStart
        if get().__class__ is not _DocEnd or get().__class__ is not _StreamEnd:
            raise _Unusual                                  # more than one document
        return root, positions
    finally:
        loader.dispose()


_StreamStart, _StreamEnd = yaml.StreamStartEvent, yaml.StreamEndEvent
_DocStart, _DocEnd = yaml.DocumentStartEvent, yaml.DocumentEndEvent
_MapStart, _MapEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SeqStart, _SeqEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_Scalar = yaml.ScalarEvent


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _DatesAsText(yaml.SafeLoader):
    """SafeLoader that keeps dates as written (we parse them ourselves, 和暦 included)."""


_DatesAsText.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
_DatesAsText.yaml_constructors["tag:yaml.org,2002:timestamp"] = yaml.SafeLoader.construct_yaml_str


class _CDatesAsText(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same, parsed by libyaml when PyYAML has it (about 20 times faster); only composing
    is done by the loader, values are constructed by _DatesAsText.

    libyaml's composer calls back into Python for every node: resolve() for its tag, and
    descend_resolver()/ascend_resolver() for path-dependent tags. The safe schema has no path
    resolvers, so those two do nothing, and the tag of a plain scalar depends only on its
    text: the hooks are bound to C callables (a no-op, and a cache in front of resolve()),
    which saves about 1,400 Python calls per profile. Profiles repeat the same few values
    (done, planned, 令和8年度, true) hundreds of times."""

    def __init__(self, stream):
        super().__init__(stream)
        if not self.yaml_path_resolvers:
            self.descend_resolver = _no_op        # (parent, index) -> None
            self.ascend_resolver = _no_op
            self.resolve = _resolve


# A callable implemented in C that takes any arguments and does nothing with them (str.format
# ignores arguments its template does not use): cheaper to call than a Python function.
_no_op = "".format


@functools.lru_cache(maxsize=65536)
def _resolve(kind, value, implicit):
    return yaml.resolver.Resolver.resolve(_RESOLVER, kind, value, implicit)


_RESOLVER = yaml.resolver.Resolver()


def _compose(text: str) -> list:
    return list(yaml.compose_all(text, Loader=_CDatesAsText))


def _reader_error(e: yaml.reader.ReaderError, text: str, file: str) -> GapcheckError:
    pos = e.position
    if e.encoding == "?":       # libyaml counts bytes of the UTF-8 text
        pos = len(text.encode("utf-8", "surrogatepass")[:pos].decode("utf-8", "ignore"))
    pos = max(0, min(pos, len(text)))
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    ch = f"U+{e.character:04X}" if isinstance(e.character, int) else repr(e.character)
    return GapcheckError(
        f"the text contains a control character ({ch}) that YAML does not allow",
        f"YAML で使えない制御文字（{ch}）が含まれています", file=file, line=line, column=col,
        hint_en="delete the character (it may have come in by copy and paste)",
        hint_ja="その文字を削除してください（コピー＆ペーストで混入することがあります）")


def parse(text: str, file: str, sha256: str | None = None) -> Document:
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    if "&" not in text:
        try:
            data, positions = _build_from_events(text, file)
            return Document(file=file, data=data, positions=positions, notes=[], sha256=digest)
        except (_Unusual, GapcheckError, yaml.YAMLError, UnicodeError, RecursionError):
            pass        # read again the careful way, which reports any error as it always has
    try:
        nodes = _compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "unreadable"
        raise GapcheckError(
            f"YAML syntax error: {problem}", f"YAML の書式エラー: {problem}",
            file=file, line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
            hint_en="check indentation and quoting around this line (a tab is not allowed as indentation)",
            hint_ja="この行付近のインデントと引用符を確認してください（タブでのインデントは使えません）") from None
    except yaml.reader.ReaderError as e:
        raise _reader_error(e, text, file) from None
    except yaml.YAMLError as e:
        raise GapcheckError(f"YAML error: {e}", f"YAML エラー: {e}", file=file) from None
    except RecursionError:
        raise GapcheckError(f"the document is nested too deeply (more than {MAX_DEPTH} levels)",
                            f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）", file=file) from None
    except UnicodeError:
        raise GapcheckError("the text contains characters that cannot be encoded (surrogates)",
                            "符号化できない文字（サロゲート）が含まれています", file=file) from None
    if len(nodes) > 1:
        raise GapcheckError("the file holds more than one YAML document (---)",
                            "1つのファイルに複数のYAML文書（---）があります", file=file,
                            line=nodes[1].start_mark.line + 1,
                            hint_en="keep one document per file", hint_ja="1ファイルに1文書にしてください")
    if not nodes or nodes[0] is None or (isinstance(nodes[0], yaml.ScalarNode)
                                          and nodes[0].tag == "tag:yaml.org,2002:null"):
        raise GapcheckError("the file is empty (or holds only comments)", "ファイルが空です（コメントのみ）",
                            file=file, line=1,
                            hint_en="a YAML mapping (key: value lines) is expected",
                            hint_ja="「キー: 値」形式のYAMLを記述してください")
    b = _Builder(file)
    try:
        data = b.build(nodes[0], ())
    except RecursionError:
        raise GapcheckError(f"the document is nested too deeply (more than {MAX_DEPTH} levels)",
                            f"入れ子が深すぎます（上限 {MAX_DEPTH} 段）", file=file) from None
    return Document(file=file, data=data, positions=b.positions, notes=b.notes, sha256=digest)


# C0 controls except tab, line feed and carriage return; DEL; C1 controls (U+0080-U+009F).
# YAML itself refuses most of them as raw characters, but a double-quoted value writes any of
# them as an escape ("\v", "\e", "\x85", "\u009b"): they break Excel output (openpyxl refuses
# them) and can drive a terminal, so no value or key of an input file may contain one.
from ..errors import CONTROL_CHARS  # noqa: E402  (the one definition)


def control_char_problems(doc: Document) -> list:
    """A Problem for every key and string value that contains a control character."""
    from .validation import Problem

    problems: list = []

    def check(s: str, path: Path, is_key: bool) -> None:
        m = CONTROL_CHARS.search(s)
        if m is None:
            return
        ch = f"U+{ord(m.group()):04X}"
        what_en, what_ja = ("key", "キー") if is_key else ("value", "値")
        line, col = doc.position(path)
        problems.append(Problem(
            f"the {what_en} contains a control character ({ch}), which is not allowed",
            f"{what_ja}に制御文字（{ch}）が含まれています。制御文字は使えません", found=s,
            expected_en="text without control characters (tabs and line breaks are allowed)",
            expected_ja="制御文字を含まない文字列（タブと改行は使えます）",
            file=doc.file, line=line, column=col, path=_dotted(path) or None, code="control-character",
            hint_en="delete the character: in double quotes it is an escape such as \\v, \\e, \\x1b or \\u0085",
            hint_ja="その文字を削除してください（二重引用符の中では \\v、\\e、\\x1b、\\u0085 などのエスケープで書かれています）"))

    def walk(v: Any, path: Path) -> None:
        if isinstance(v, str):
            check(v, path, False)
        elif isinstance(v, dict):
            for k, x in v.items():
                if isinstance(k, str):
                    check(k, path + (k,), True)
                walk(x, path + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, path + (i,))

    walk(doc.data, ())
    return problems


def load(file: str, *, expect_mapping: bool = True) -> Document:
    text, raw, enc = _read(file)
    doc = parse(text, str(file), hashlib.sha256(raw).hexdigest())
    doc.encoding = enc
    # Control characters can only come from escapes (a backslash) or a raw NEL (U+0085, which
    # YAML allows): the scan of the values is skipped for the usual file without either.
    if "\\" in text or "\x85" in text:
        problems = control_char_problems(doc)
        if problems:
            from .validation import InvalidInput

            raise InvalidInput(problems)
    if expect_mapping and not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise GapcheckError(
            f"the top level is {kind}; a mapping (key: value) is expected",
            f"最上位が{'リスト' if isinstance(doc.data, list) else '単一の値'}です。「キー: 値」の形式が必要です",
            file=str(file), line=doc.line_of(()) or 1,
            hint_en="start the file with lines like `id: ...`", hint_ja="`id: ...` のような行で始めてください")
    return doc
