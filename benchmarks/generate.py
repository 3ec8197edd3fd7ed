"""Deterministic synthetic profiles for benchmarks and batch tests.

    python benchmarks/generate.py --count 1741 --seed 1 --out /tmp/profiles

Every profile speaks to every current requirement of every catalog with a realistic mix of
statuses (more done than not, some unknown, plans with dates, some designated systems). The
municipalities are real: the 1,741 市町村 and 特別区 of catalogs/local_governments.csv, with their
names and codes, taken in turn from each prefecture (the first of 01, of 02, ... of 47, then the
second of each, ...), so the first 705 profiles hold 15 of every prefecture (the fewest any has);
past 1,741 the list starts again. Only the statuses are made up (and name_en, "Synthetic 0001").
The same --count and --seed always give the same files.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gapcheck.engine.load import localgov  # noqa: E402
from gapcheck.engine.load.catalog import load_catalogs  # noqa: E402

STATUS_MIX = [("done", 45), ("in_progress", 12), ("planned", 15), ("not_started", 8),
              ("unknown", 15), ("not_applicable", 5)]
PLANNED = ["令和6年度", "令和7年度", "令和7年度末", "令和8年度", "令和8年9月", "2027年3月", "R9年度"]
EDITIONS = ["ed1", "ed2023", "ed2024", "ed5", "ed5"]


def pick(rng: random.Random, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def municipalities() -> list[localgov.LocalGov]:
    """The listed 市町村 and 特別区 (no prefectures, no wards of 政令指定都市), taken in turn from
    each prefecture in code order."""
    by_pref: dict[str, list[localgov.LocalGov]] = {}
    for code, g in sorted(localgov.load().items()):
        if code[2:5] != "000" and " " not in g.name:         # a ward is written "札幌市 中央区"
            by_pref.setdefault(code[:2], []).append(g)
    groups = [by_pref[p] for p in sorted(by_pref)]
    return [grp[k] for k in range(max(map(len, groups))) for grp in groups if k < len(grp)]


def profile_text(i: int, rng: random.Random, catalogs, munis: list[localgov.LocalGov]) -> str:
    muni = munis[i % len(munis)]
    y, m = rng.choice([(2024, 3), (2025, 3), (2025, 9), (2026, 3), (2026, 9)])
    end_fy = rng.choice([2025, 2026, 2027, 2028])
    lines = [
        f"# synthetic profile {i} (benchmarks/generate.py): a real name and code, made-up statuses",
        f"id: m{i:04d}",
        "municipality:",
        f"  name: {muni.name}",
        f"  name_en: Synthetic {i:04d}",
        f"  code: \"{muni.code}\"",
        f"  prefecture: {muni.prefecture}",
        f"as_of: {y}-{m:02d}-{28 if m == 9 else 31}",
        "plan:",
        f"  title: {muni.name}DX推進計画（合成）",
        f"  period_start: {end_fy - 4}年度",
        f"  period_end: {end_fy}年度末",
    ]
    if rng.random() < 0.3:
        lines += ["  successor:", "    title: 第2期計画", f"    planned: {end_fy + 1}年度",
                  f"    adopted: {str(rng.random() < 0.5).lower()}"]
    lines.append("areas:")
    for area, cat in catalogs.catalogs.items():
        lines.append(f"  {area}:")
        live = [it for it in cat.items if it.level != "prefectural" and not it.withdrawn]
        if rng.random() < 0.7:
            scope = [it.id for it in live if rng.random() < 0.85]
            lines.append(f"    plan_scope: [{', '.join(scope)}]")
        if "nhi_levied_as" in cat.profile_facts:
            lines.append(f"    facts: {{nhi_levied_as: {rng.choice(['tax', 'premium'])}}}")
        lines.append("    items:")
        for it in live:
            st = pick(rng, STATUS_MIX)
            fields = [f"status: {st}"]
            if st in ("planned", "in_progress") and rng.random() < 0.7:
                fields.append(f"planned: {rng.choice(PLANNED)}")
            if it.extended_deadline and st != "done" and rng.random() < 0.2:
                fields.append("designated: true")
            if it.expect and st == "done":
                if it.expect.one_of:
                    fields.append(f"value: {rng.choice(EDITIONS if area == 'dx_plan' else it.expect.one_of)}")
                elif it.expect.min_date:
                    fields.append(f"value: {rng.choice(['令和5年3月', '令和6年10月', '令和7年3月'])}")
            if rng.random() < 0.1:
                fields.append(f"cost_estimate: {rng.randrange(1, 200) * 100000}")
            lines.append(f"      {it.id}: {{{', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


def generate(count: int, seed: int, out: Path) -> list[Path]:
    catalogs = load_catalogs()
    munis = municipalities()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        rng = random.Random(f"{seed}:{i}")
        p = out / f"m{i:04d}.yaml"
        p.write_text(profile_text(i, rng, catalogs, munis), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    generate(a.count, a.seed, a.out)
    print(f"wrote {a.count} profiles to {a.out}")


if __name__ == "__main__":
    main()
