"""The library's front door: load -> compile -> evaluate -> report, callable from Python.

    >>> from gapcheck import api
    >>> result = api.run("profiles/uchinada.yaml", as_of="2026-04-01")
    >>> print(api.render(result, "json", lang="en"))
"""
from __future__ import annotations

from .vocab import MAX_AGE_DAYS

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GapcheckError
from .load import jdate
from .load.catalog import CatalogSet, load_catalogs
from .load.profile import load_profile
from .load.rules import RuleBook, load_rules
from .match.evaluate import evaluate
from .match.facts import DUE_SOON_DAYS
from .match.result import Result
from .match.ruleset import RuleSet, compile

if TYPE_CHECKING:
    from .match.waivers import Waivers


class Engine:
    """Catalogs and rules loaded and compiled once (a RuleSet); evaluate any number of
    profiles with it."""

    def __init__(self, ruleset: RuleSet, dirs: tuple[Path, Path] | None = None):
        self.ruleset = ruleset
        self.dirs = dirs        # the catalog and rule folders it was loaded from (None: built in Python)

    @property
    def catalogs(self) -> CatalogSet:
        return self.ruleset.catalogs

    @property
    def rules(self) -> RuleBook:
        return self.ruleset.book

    @property
    def input_paths(self) -> tuple[str, ...]:
        """The catalog and rule files: no output may replace one of them."""
        return self.ruleset.input_paths

    @classmethod
    def load(cls, catalogs_dir: str | Path | None = None, rules_dir: str | Path | None = None) -> "Engine":
        from .load import cache, paths

        cdir = Path(catalogs_dir) if catalogs_dir else paths.catalogs_dir()
        rdir = Path(rules_dir) if rules_dir else paths.rules_dir()

        def build():
            cs = load_catalogs(cdir)
            return cs, load_rules(cs, rdir)

        cs, book = cache.cached([cdir, rdir], build)
        return cls(compile(cs, book), (cdir, rdir))

    def run(self, profile_path: str | Path, as_of: _dt.date | str | None = None,
            include_passed: bool = False, due_soon_days: int = DUE_SOON_DAYS,
            waivers: "str | Path | Waivers | None" = None, langs: tuple[str, ...] = ("ja", "en"),
            max_age: int = MAX_AGE_DAYS) -> Result:
        """Evaluate one profile; with `waivers` (a waiver file or loaded Waivers), apply them.
        `max_age`: evidence older than this many days is stale (--max-age)."""
        ws = self.load_waivers(waivers) if waivers is not None else None
        day = resolve_as_of(as_of)
        lp = load_profile(str(profile_path), self.catalogs)
        result = evaluate(self.ruleset, lp, day, window=due_soon_days, include_passed=include_passed,
                          langs=langs, max_age=max_age)
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
        raise GapcheckError(f"--as-of {as_of!r}: {e.reason_en}", f"--as-of {as_of!r}: {e.reason_ja}",
                            hint_en="give a day, e.g. 2026-04-01 or 令和8年4月1日",
                            hint_ja="日まで指定してください（例: 2026-04-01、令和8年4月1日）") from None


_default: Engine | None = None


def default_engine() -> Engine:
    """The engine of the shipped catalogs and rules, loaded and compiled once per process."""
    global _default
    if _default is None:
        _default = Engine.load()
    return _default


def run(profile_path: str | Path, as_of: _dt.date | str | None = None, include_passed: bool = False,
        due_soon_days: int = DUE_SOON_DAYS, waivers: "str | Path | Waivers | None" = None,
        langs: tuple[str, ...] = ("ja", "en"), max_age: int = MAX_AGE_DAYS) -> Result:
    """Evaluate one profile with the shipped catalogs and rules; messages are rendered in
    `langs` (a result rendered in one language needs only that one)."""
    return default_engine().run(profile_path, as_of, include_passed, due_soon_days, waivers, langs, max_age)


def inputs_of(*paths: "str | Path | None") -> list[str]:
    """What no output may replace: the paths given (a profile, a waiver file, JSON runs) and
    every data file gapcheck ships (its catalogs and rules among them)."""
    from .load.paths import shipped_files

    return [str(p) for p in paths if p] + shipped_files()


def fails_on(result: Result, threshold: str) -> bool:
    """--fail-on: an open finding (not ok, not waived) of `threshold` or worse exists."""
    from .report import model

    return model.fails_on(model.summary(result.findings)["by_severity"], threshold)


def render(result: Result, fmt: str = "table", lang: str = "ja", **opts) -> str | bytes:
    """Render in any of engine.report.formats.FORMATS: table (opts: style), json, csv, markdown,
    html (text) or xlsx (bytes)."""
    from .report import model

    return model.render(result, fmt, lang, **opts)
