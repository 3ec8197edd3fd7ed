"""The YAML reader's builders give the same data, positions and notes.

Documents without anchors ('&') are built straight from libyaml's events (_build_from_events);
every other document, and one that needs more than the common case, by _Builder, which bounds
alias expansion. Both must read any document alike (benchmarks/yaml_builders.py measures what
the events path saves)."""
import pytest
from hypothesis import given, settings, strategies as st

from gapcheck.engine.load import yamlio
from tests.conftest import ROOT

FILES = sorted(p for d in ("profiles", "catalogs", "rules") for p in (ROOT / d).rglob("*.yaml"))

TRICKY = [
    "a: 1\nb: [1, 2, {c: d}]\n",
    "base: {x: 1, y: 2}\nmerged:\n  <<: {x: 9, z: 3}\n  y: 4\n",
    "ＩＤ: ｘ\nlist:\n  - ＢＳ－ＪＵＫＩ: done\n",
    "dates: [2026-03-31, 令和8年度, R8.3]\nnulls: [~, null, '']\nbools: [true, no, 'yes']\n",
    "nested:\n  - - - 1\n      - 2\n  - {}\n  - []\n",
    "s: !!str 12\nf: 1.5\ni: 0x1F\n",
    "a: 1\nb: 2\na: 3\n",                                   # duplicate key
    "ａ: 1\na: 2\n",                                        # duplicate once normalised
    "' x ': 1\n'y ': 2\n",                                 # keys with spaces
    "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "  " * 100 + "leaf: v\n",   # at the depth limit
    "".join(f"{'  ' * i}k{i}:\n" for i in range(101)) + "  " * 101 + "leaf: v\n",   # just past it
]


def careful_build(text: str):
    b = yamlio._Builder("f.yaml")
    return b.build(yamlio._compose(text)[0], ()), b.positions, b.notes


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_builders_agree_on_every_shipped_file(path):
    text = path.read_text(encoding="utf-8")
    careful = careful_build(text)
    assert careful[1], "positions were recorded"
    if "&" not in text:
        assert yamlio._build_from_events(text, "f.yaml") == careful[:2]
        assert not careful[2]          # no notes: shipped files need no normalising


def from_events(text):
    """What parse() gives for a text without anchors: the events path, or its fallback."""
    try:
        data, positions = yamlio._build_from_events(text, "f.yaml")
        return "ok", data, positions, []
    except yamlio._Unusual:
        return outcome(yamlio._Builder, text)
    except yamlio.GapcheckError as e:
        return "error", e.render("en")


def parsed(text):
    try:
        d = yamlio.parse(text, "f.yaml")
        return "ok", d.data, d.positions, d.notes
    except yamlio.GapcheckError as e:
        return "error", e.render("en")


def parsed_carefully(text, monkeypatch):
    """parse() with the events path switched off: how every document was read before it."""
    def unusual(*_a):
        raise yamlio._Unusual
    with monkeypatch.context() as m:
        m.setattr(yamlio, "_build_from_events", unusual)
        return parsed(text)


@pytest.mark.parametrize("text", TRICKY)
def test_builders_agree_on_tricky_documents(text, monkeypatch):
    careful = outcome(yamlio._Builder, text)
    assert from_events(text) == careful
    assert parsed(text) == parsed_carefully(text, monkeypatch)


@pytest.mark.parametrize("text", [
    "a: 1\n---\nb: 2\n",            # two documents
    "# only a comment\n",             # empty
    "just a value\n",                 # a scalar at the top
    "a: !!str 1\n",                   # a tag
    "<<: {x: 1}\ny: 2\n",             # a merge key
    "a: *nowhere\n",                  # an alias without an anchor
    "Ａ: 1\n",                         # a key to normalise
    "a: [1, 2\n",                      # a syntax error
    "a: 1\nb: 2\na: 3\n",             # a duplicate key
])
def test_documents_beyond_the_common_case_take_the_careful_path(text, monkeypatch):
    import yaml

    with pytest.raises((yamlio._Unusual, yaml.YAMLError)):
        yamlio._build_from_events(text, "f.yaml")
    assert parsed(text) == parsed_carefully(text, monkeypatch)


def test_the_plain_builder_is_used_only_without_anchors():
    assert yamlio.parse("a: 1\nb: 2\n", "f").data == {"a": 1, "b": 2}
    # with an anchor the careful builder runs and still bounds alias expansion
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh"))
    with pytest.raises(yamlio.GapcheckError):
        yamlio.parse(bomb, "f")


keys = st.text(alphabet="abcＡＢ１-_ 　", min_size=1, max_size=4)
scalars = st.one_of(st.integers(-5, 5), st.booleans(), st.none(), st.text(alphabet="xyz令和8年度", max_size=5))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                     st.dictionaries(keys, kids, max_size=3)), max_leaves=12)


def outcome(cls, text):
    b = cls("f.yaml")
    try:
        return "ok", b.build(yamlio._compose(text)[0], ()), b.positions, b.notes
    except yamlio.GapcheckError as e:       # e.g. two keys that read alike (ａ and a)
        return "error", e.render("en")


@settings(max_examples=300, deadline=None)
@given(trees)
def test_builders_agree_on_generated_documents(tree):
    import yaml

    text = yaml.safe_dump({"root": tree}, allow_unicode=True)
    careful = outcome(yamlio._Builder, text)
    assert from_events(text) == careful
