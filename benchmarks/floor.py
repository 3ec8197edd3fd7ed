"""The shared-code floor: gapcheck's own pipeline with the plain-Python matcher.

Same loading and validation, same facts, same findings and the same output writing as
`gapcheck run`, but the rules are matched by engine.match.matcher.PythonMatcher (predicates
from the one condition table) instead of durable_rules. It measures what durable_rules' matching
costs; benchmarks/independent_floor.py measures gapcheck's whole overhead.

    python benchmarks/floor.py DIR_OR_PROFILES... --as-of 2026-11-23 --output-dir OUT
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gc
import sys
from pathlib import Path

from gapcheck.engine.commands import batch  # noqa: E402
from gapcheck.engine.load import jdate  # noqa: E402
from gapcheck.engine.load.files import expand_profiles  # noqa: E402
from gapcheck.engine.api import Engine  # noqa: E402
from gapcheck.engine.match.evaluate import evaluate  # noqa: E402
from gapcheck.engine.report.output import commit_all, stage  # noqa: E402
from gapcheck.engine.load.profile import load_profile  # noqa: E402
from gapcheck.engine.match.matcher import PythonMatcher  # noqa: E402


def run(paths: list[str], as_of: _dt.date, out_dir: Path, lang: str = "ja") -> int:
    engine = Engine.load()
    ruleset = engine.ruleset.with_matcher(PythonMatcher)
    gc.freeze()                         # as gapcheck's batch does once its engine is loaded
    render = batch.Renderer("json")     # the very writer `gapcheck run --output-dir` uses
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    staged: list = []
    for p in paths:
        try:
            lp = load_profile(p, engine.catalogs)
        except Exception:
            failed += 1
            continue
        res = evaluate(ruleset, lp, as_of, langs=(lang,))
        target = out_dir / f"{lp.profile.id}.json"      # written as `gapcheck run` writes it
        staged.append((stage(target, render(res, lang), sync=False), target))
        if len(staged) >= 200:
            commit_all(staged)
    commit_all(staged)
    return failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--as-of", default=None)
    ap.add_argument("--output-dir", type=Path, required=True)
    a = ap.parse_args()
    as_of = jdate.parse_day(a.as_of) if a.as_of else _dt.date.today()
    failed = run(expand_profiles(a.inputs), as_of, a.output_dir)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
