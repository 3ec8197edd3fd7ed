"""Reading YAML the user wrote: safely, with line numbers, and never silently wrong.

- bytes are decoded as UTF-8 (with or without BOM) or CP932/Shift_JIS, never guessed into mojibake;
- only the safe YAML subset is constructed; duplicate keys are errors;
- aliases are bounded (an alias bomb is refused quickly), input size is limited;
- every value's position is kept, so errors and evidence can name the line.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import GapcheckError

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 100
ENCODINGS = "UTF-8 (BOM optional), CP932 / Shift_JIS"

Path = tuple  # a path into the document: ('areas', 'base_systems', 'items', 'BS-01')


@dataclass
class Document:
    """A parsed YAML document with the source position of every node."""

    file: str
    data: Any
    positions: dict = field(default_factory=dict)   # Path -> (line, column), 1-based
    sha256: str = ""

    def line_of(self, path: Path) -> int | None:
        """Line of the node at path, or of its nearest ancestor that exists."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p][0]
            p = p[:-1]
        return self.positions.get((), (None,))[0]

    def position(self, path: Path) -> tuple[int | None, int | None]:
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (None, None))


def decode(raw: bytes, file: str) -> str:
    if b"\x00" in raw:
        raise GapcheckError(
            "this is a binary file, not YAML text", "バイナリファイルです。YAMLテキストではありません",
            file=file, hint_en=f"save the file as text in {ENCODINGS}",
            hint_ja="UTF-8 または Shift_JIS(CP932) のテキストとして保存してください")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        raise GapcheckError(
            f"the file is neither UTF-8 nor CP932/Shift_JIS text",
            "UTF-8 でも Shift_JIS(CP932) でもない文字コードです",
            file=file, hint_en=f"accepted encodings: {ENCODINGS}",
            hint_ja="UTF-8 または Shift_JIS(CP932) で保存し直してください") from None
    return text


def read_text(file: str) -> tuple[str, bytes]:
    label = str(file)
    if os.path.isdir(file):
        raise GapcheckError("this is a directory, not a file", "ディレクトリです。ファイルを指定してください",
                            file=label)
    try:
        size = os.path.getsize(file)
        if size > MAX_BYTES:
            raise GapcheckError(
                f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}",
                f"ファイルが大きすぎます（{size:,} バイト、上限 {MAX_BYTES:,} バイト）", file=label)
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise GapcheckError("no such file", "ファイルが見つかりません", file=label) from None
    except PermissionError:
        raise GapcheckError("the file cannot be read (permission denied)",
                            "ファイルを読み取れません（アクセス権がありません）", file=label) from None
    except OSError as e:
        raise GapcheckError(f"the file cannot be read: {e.strerror}",
                            f"ファイルを読み取れません: {e.strerror}", file=label) from None
    return decode(raw, label), raw


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.positions: dict = {}
        self.aliases = 0
        self.seen_nodes: dict[int, Any] = {}

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen_nodes:
            # an alias: count and bound it
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise GapcheckError(
                    f"too many aliases (more than {MAX_ALIASES}); refusing to expand",
                    f"エイリアスが多すぎます（上限 {MAX_ALIASES}）。展開を中止しました",
                    file=self.file, line=node.start_mark.line + 1)
        self.seen_nodes[id(node)] = True
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            yaml.SafeLoader.flatten_mapping(_FLATTENER, node)
            for knode, vnode in node.value:
                key = self.scalar(knode)
                if isinstance(key, (list, dict)):
                    raise GapcheckError("a mapping key must be a plain value", "キーは単純な値にしてください",
                                        file=self.file, line=knode.start_mark.line + 1)
                if key in out:
                    first = self.positions.get(path + (key,), (None,))[0]
                    raise GapcheckError(
                        f"duplicate key {key!r} (first at line {first})",
                        f"キー {key!r} が重複しています（最初の定義は {first} 行目）",
                        file=self.file, line=knode.start_mark.line + 1,
                        column=knode.start_mark.column + 1,
                        hint_en="keep one of them", hint_ja="どちらか一方だけにしてください")
                self.positions[path + (key,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
                out[key] = self.build(vnode, path + (key,))
                self.positions[path + (key,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, path + (i,)) for i, v in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return self.build(node, ())
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as e:
            raise GapcheckError(f"unsupported YAML value: {e.problem}",
                                f"使用できないYAMLの値です: {e.problem}",
                                file=self.file, line=node.start_mark.line + 1) from None


class _DatesAsText(yaml.SafeLoader):
    """SafeLoader that keeps dates as written (we parse them ourselves, 和暦 included)."""


_DatesAsText.yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
_DatesAsText.yaml_constructors["tag:yaml.org,2002:timestamp"] = yaml.SafeLoader.construct_yaml_str
_CONSTRUCTOR = _DatesAsText("")
_FLATTENER = _DatesAsText("")


def parse(text: str, file: str) -> Document:
    import hashlib

    try:
        nodes = list(yaml.compose_all(text, Loader=_DatesAsText))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise GapcheckError(
            f"YAML syntax error: {e.problem}", f"YAML の書式エラー: {e.problem}",
            file=file, line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
            hint_en="check indentation and quoting around this line",
            hint_ja="この行付近のインデントと引用符を確認してください") from None
    except yaml.YAMLError as e:
        raise GapcheckError(f"YAML error: {e}", f"YAML エラー: {e}", file=file) from None
    if len(nodes) > 1:
        raise GapcheckError("the file holds more than one YAML document (---)",
                            "1つのファイルに複数のYAML文書（---）があります", file=file,
                            line=nodes[1].start_mark.line + 1)
    if not nodes or nodes[0] is None:
        raise GapcheckError("the file is empty", "ファイルが空です", file=file,
                            hint_en="a YAML mapping (key: value lines) is expected",
                            hint_ja="「キー: 値」形式のYAMLを記述してください")
    b = _Builder(file)
    data = b.build(nodes[0], ())
    return Document(file=file, data=data, positions=b.positions,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def load(file: str, *, expect_mapping: bool = True) -> Document:
    text, raw = read_text(file)
    doc = parse(text, str(file))
    import hashlib
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    if expect_mapping and not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise GapcheckError(
            f"the top level is {kind}; a mapping (key: value) is expected",
            f"最上位が{'リスト' if isinstance(doc.data, list) else '単一の値'}です。「キー: 値」の形式が必要です",
            file=str(file), line=1)
    return doc
