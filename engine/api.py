"""The library's front door: load -> compile -> evaluate -> report, callable from Python."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .load import jdate
from .load.catalog import CatalogSet, load_catalogs
from .match.compiler import CompiledRules, compile_rules
from .errors import GapcheckError
from .match.evaluate import Result, evaluate
from .match.facts import DUE_SOON_DAYS
from .load.profile import load_profile
from .load.rules import RuleBook, load_rules

if TYPE_CHECKING:
    from .match.waivers import Waivers


@dataclass
class Engine:
    """Catalogs and rules loaded and compiled once; evaluate any number of profiles with it."""

    catalogs: CatalogSet
    rules: RuleBook
    compiled: CompiledRules

    @classmethod
    def load(cls, catalogs_dir: str | Path | None = None, rules_dir: str | Path | None = None) -> "Engine":
        from .load import cache
        from .load import paths

        cdir = Path(catalogs_dir) if catalogs_dir else paths.catalogs_dir()
        rdir = Path(rules_dir) if rules_dir else paths.rules_dir()

        def build():
            cs = load_catalogs(cdir)
            return cs, load_rules(cs, rdir)

        cs, book = cache.cached([cdir, rdir], build)
        return cls(cs, book, compile_rules(book))

    def run(self, profile_path: str | Path, as_of: _dt.date | str | None = None,
            include_passed: bool = False, due_soon_days: int = DUE_SOON_DAYS,
            waivers: "str | Path | Waivers | None" = None, langs: tuple[str, ...] = ("ja", "en")) -> Result:
        """Evaluate one profile; with `waivers` (a waiver file or loaded Waivers), apply them."""
        ws = self.load_waivers(waivers) if waivers is not None else None
        day = resolve_as_of(as_of)
        lp = load_profile(str(profile_path), self.catalogs)
        result = evaluate(lp, self.catalogs, self.compiled, day,
                          window=due_soon_days, include_passed=include_passed, langs=langs)
        if ws is not None:
            from .match.waivers import apply_waivers

            result = apply_waivers(result, ws, day)
        return result

    def load_waivers(self, waivers: "str | Path | Waivers") -> "Waivers":
        """A waiver file, checked against this engine's rules and requirements."""
        from .match.waivers import Waivers, load_waivers

        if isinstance(waivers, Waivers):
            return waivers
        return load_waivers(str(waivers), self.catalogs, self.rules)


def resolve_as_of(as_of: _dt.date | str | None) -> _dt.date:
    if as_of is None:
        return _dt.date.today()
    if isinstance(as_of, _dt.date):
        return as_of
    try:
        return jdate.parse_day(as_of)
    except jdate.DateParseError as e:
        raise GapcheckError(f"--as-of: {e.reason_en}: {as_of!r}", f"--as-of: {e.reason_ja}: {as_of!r}",
                            hint_en="a single day, e.g. 2026-04-01 or 令和8年4月1日",
                            hint_ja="1日を指定してください（例: 2026-04-01、令和8年4月1日）") from None


_default: Engine | None = None


def default_engine() -> Engine:
    global _default
    if _default is None:
        _default = Engine.load()
    return _default


def run(profile_path: str | Path, as_of: _dt.date | str | None = None, include_passed: bool = False,
        due_soon_days: int = DUE_SOON_DAYS, waivers: "str | Path | Waivers | None" = None) -> Result:
    return default_engine().run(profile_path, as_of, include_passed, due_soon_days, waivers)


def render(result: Result, fmt: str = "table", lang: str = "ja", **opts) -> str | bytes:
    """Render in any of engine.formats.FORMATS: table (opts: style), json, csv, markdown, html
    (text) or xlsx (bytes)."""
    from .report import model as report

    return report.render(result, fmt, lang, **opts)
