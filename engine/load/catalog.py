"""Loading the national-requirement catalogs (catalogs/*.yaml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from . import yamlio
from ..errors import GapcheckError
from .models import Catalog, Citation, Item
from .validation import InvalidInput, Problem, validate


@dataclass
class CatalogSet:
    """All catalogs of one run, with an index of every requirement by ID."""

    catalogs: dict[str, Catalog] = field(default_factory=dict)      # area -> catalog, sorted
    documents: dict[str, yamlio.Document] = field(default_factory=dict)
    items: dict[str, tuple[Catalog, Item]] = field(default_factory=dict)
    _citations: dict[str, list[dict]] = field(default_factory=dict, repr=False)
    _ids: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def item(self, req_id: str) -> Item:
        return self.items[req_id][1]

    def ids_of(self, area: str) -> frozenset[str]:
        """The requirement IDs of one area's catalog."""
        hit = self._ids.get(area)
        if hit is None:
            hit = self._ids[area] = frozenset(it.id for it in self.catalogs[area].items)
        return hit

    def area_of(self, req_id: str) -> str:
        return self.items[req_id][0].area

    def citations(self, item: Item) -> list[dict]:
        """The item's citations resolved against its catalog's sources (a new list each call)."""
        cached = self._citations.get(item.id)
        if cached is None:
            cached = self._citations[item.id] = cite(self.items[item.id][0], item.citation)
        return list(cached)

    def editions(self) -> dict[str, dict]:
        return {a: {"edition": c.edition, "as_of": c.as_of.isoformat(),
                    "file": Path(self.documents[a].file).name,
                    "sha256": self.documents[a].sha256}
                for a, c in self.catalogs.items()}


def cite(cat: Catalog, citations: list[Citation]) -> list[dict]:
    sources = {s.id: s for s in cat.sources}
    out = []
    for c in citations:
        s = sources[c.source]
        out.append({"source": s.id, "title": s.title, "locator": c.locator,
                    "date": s.date.isoformat() if s.date else None, "url": s.url})
    return out


def _check(cat: Catalog, doc: yamlio.Document) -> list[GapcheckError]:
    problems: list[GapcheckError] = []
    source_ids = {s.id for s in cat.sources}
    seen: set[str] = set()
    for i, item in enumerate(cat.items):
        path = ("items", i)
        if item.id in seen:
            problems.append(Problem(f"duplicate item ID {item.id}", f"項目ID {item.id} が重複しています",
                                    file=doc.file, line=doc.line_of(path + ("id",)), path=f"items[{i}].id"))
        seen.add(item.id)
        cits = list(item.citation) + (item.extended_deadline.citation if item.extended_deadline else [])
        for c in cits:
            if c.source not in source_ids:
                problems.append(Problem(
                    f"citation names unknown source '{c.source}'",
                    f"引用元 '{c.source}' が sources にありません",
                    file=doc.file, line=doc.line_of(path + ("citation",)), path=f"items[{i}].citation",
                    hint_en="known sources: " + ", ".join(sorted(source_ids)),
                    hint_ja="定義済みの引用元: " + ", ".join(sorted(source_ids))))
    for i, note in enumerate(cat.notes):
        for c in note.citation:
            if c.source not in source_ids:
                problems.append(Problem(
                    f"a note's citation names unknown source '{c.source}'",
                    f"notes の引用元 '{c.source}' が sources にありません",
                    file=doc.file, line=doc.line_of(("notes", i, "citation")), path=f"notes[{i}].citation"))
    return problems


def load_catalogs(directory: str | Path | None = None) -> CatalogSet:
    directory = Path(directory) if directory else paths.catalogs_dir()
    files = paths.yaml_files(directory, "catalog", "カタログ")
    cs = CatalogSet()
    problems: list[GapcheckError] = []
    for f in files:
        doc = yamlio.load(str(f))
        cat = validate(Catalog, doc)
        problems += _check(cat, doc)
        if cat.area in cs.catalogs:
            problems.append(Problem(f"area '{cat.area}' is defined twice",
                                    f"分野 '{cat.area}' が2回定義されています", file=doc.file, line=doc.line_of(("area",))))
        cs.catalogs[cat.area] = cat
        cs.documents[cat.area] = doc
        for i, item in enumerate(cat.items):
            if item.id in cs.items and cs.items[item.id][0].area != cat.area:
                problems.append(Problem(f"item ID {item.id} is also used in {cs.items[item.id][0].area}",
                                        f"項目ID {item.id} は {cs.items[item.id][0].area} でも使われています",
                                        file=doc.file, line=doc.line_of(("items", i, "id"))))
            cs.items[item.id] = (cat, item)
    for area, cat in cs.catalogs.items():
        doc = cs.documents[area]
        for i, item in enumerate(cat.items):
            if item.superseded_by and item.superseded_by not in cs.items:
                problems.append(Problem(f"superseded_by names unknown item {item.superseded_by}",
                                        f"superseded_by の項目 {item.superseded_by} がありません",
                                        file=doc.file, line=doc.line_of(("items", i, "superseded_by"))))
    if problems:
        raise InvalidInput(problems)
    cs.catalogs = dict(sorted(cs.catalogs.items()))
    return cs
