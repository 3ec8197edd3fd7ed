"""The plain-Python reference pipeline: the floor gapcheck is measured against.

Same loading and validation (engine.profile), same facts, same findings and the same output
writing as `gapcheck run`, but the rules are matched by plain Python predicates instead of the
durable_rules ruleset. The predicates are built from the same rule files, with the same
semantics as the compiled conditions (a comparison with null never holds, except is_null), so
the floor and the engine can be checked to give identical findings (tests/test_batch.py does).

    python benchmarks/floor.py DIR_OR_PROFILES... --as-of 2026-11-23 --output-dir OUT
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gc
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gapcheck.engine.commands import batch  # noqa: E402
from gapcheck.engine.load import jdate  # noqa: E402
from gapcheck.engine.api import Engine  # noqa: E402
from gapcheck.engine.match.evaluate import evaluate  # noqa: E402
from gapcheck.engine.report.output import commit_all, stage  # noqa: E402
from gapcheck.engine.load.profile import load_profile  # noqa: E402

Pred = Callable[[dict], bool]


def _leaf(fld: str, op: str, arg: Any) -> Pred:
    if op == "eq":
        return lambda d: (v := d.get(fld)) is not None and v == arg
    if op == "ne":
        return lambda d: (v := d.get(fld)) is not None and v != arg
    if op == "lt":
        return lambda d: (v := d.get(fld)) is not None and v < arg
    if op == "le":
        return lambda d: (v := d.get(fld)) is not None and v <= arg
    if op == "gt":
        return lambda d: (v := d.get(fld)) is not None and v > arg
    if op == "ge":
        return lambda d: (v := d.get(fld)) is not None and v >= arg
    if op == "is_null":
        return (lambda d: d.get(fld) is None) if arg else (lambda d: d.get(fld) is not None)
    if op == "in":
        values = tuple(arg)
        return lambda d: (v := d.get(fld)) is not None and v in values
    if op == "not_in":
        values = tuple(arg)
        return lambda d: (v := d.get(fld)) is not None and v not in values
    raise ValueError(op)


def _all(conds: list) -> Pred:
    preds = []
    for c in conds:
        (key, val), = c.items()
        if key == "any":
            subs = [_all([x]) for x in val]
            preds.append(lambda d, subs=subs: any(p(d) for p in subs))
        elif key == "all":
            preds.append(_all(val))
        elif isinstance(val, dict):
            (op, arg), = val.items()
            preds.append(_leaf(key, op, arg))
        else:
            preds.append(_leaf(key, "eq", val))
    return lambda d: all(p(d) for p in preds)


def python_matcher(engine: Engine) -> Callable:
    """A matcher for engine.evaluate.evaluate: rules indexed by (fact kind, area)."""
    index: dict[tuple, list[tuple[str, Pred]]] = {}
    for rule in engine.rules.rules:
        key = (rule.fact, rule.catalog if rule.fact == "requirement" else None)
        index.setdefault(key, []).append((rule.id, _all(rule.when)))

    def match(facts) -> list[tuple[str, int]]:
        fired = []
        for f in facts:
            d = f.data
            key = (d["kind"], d.get("area") if d["kind"] == "requirement" else None)
            for rule_id, pred in index.get(key, ()):
                if pred(d):
                    fired.append((rule_id, d["fid"]))
        return fired

    return match


def run(paths: list[str], as_of: _dt.date, out_dir: Path, lang: str = "ja") -> int:
    engine = Engine.load()
    gc.freeze()                         # as gapcheck's batch does once its engine is loaded
    matcher = python_matcher(engine)
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
        res = evaluate(lp, engine.catalogs, engine.compiled, as_of, matcher=matcher, langs=(lang,))
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
    failed = run(batch.collect(a.inputs), as_of, a.output_dir)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
