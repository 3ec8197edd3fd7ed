"""Render every format of the example profiles into a folder, for byte-identity checks.

    python benchmarks/outputs.py OUT_DIR [--as-of 2026-11-23]

Runs the installed `gapcheck` command (so it works whatever the package layout) on each
example profile in json, csv, markdown and html, in both languages, plus the budget and a
batch summary; compare two such folders with `diff -r` (or `--compare OTHER_DIR`).
"""
from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILES = sorted(p for p in (ROOT / "profiles").glob("*.yaml") if p.name != "TEMPLATE.yaml")
FORMATS = ("json", "csv", "markdown", "html")


def gapcheck(*args: str) -> None:
    cmd = [sys.executable, "-c", "import sys; from importlib.metadata import entry_points as e; "
           "sys.argv[0]='gapcheck'; "
           "sys.exit([x for x in e(group='console_scripts') if x.name=='gapcheck'][0].load()())", *args]
    env = dict(os.environ, GAPCHECK_LANG="ja")
    r = subprocess.run(cmd, env=env, capture_output=True)
    if r.returncode not in (0, 1):
        sys.exit(f"gapcheck {' '.join(args)} exited {r.returncode}:\n{r.stderr.decode()}")


def render(out: Path, as_of: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for p in PROFILES:
        for lang in ("ja", "en"):
            for fmt in FORMATS:
                gapcheck("--lang", lang, "run", str(p), "--as-of", as_of, "--format", fmt,
                         "-o", str(out / f"{p.stem}.{lang}.{fmt}"))
            gapcheck("--lang", lang, "run", str(p), "--as-of", as_of, "--include-passed",
                     "--format", "json", "-o", str(out / f"{p.stem}.{lang}.passed.json"))
            gapcheck("--lang", lang, "budget", str(p), "--fy", "R8", "--as-of", as_of,
                     "--format", "json", "-o", str(out / f"{p.stem}.{lang}.budget.json"))
    gapcheck("run", *map(str, PROFILES), "--as-of", as_of, "--output-dir", str(out / "batch"),
             "--summary", str(out / "batch-summary.html"))


def compare(a: Path, b: Path) -> int:
    bad = 0
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()} |
                   {p.relative_to(b) for p in b.rglob("*") if p.is_file()})
    for n in names:
        if not (a / n).is_file() or not (b / n).is_file() or not filecmp.cmp(a / n, b / n, shallow=False):
            print(f"differs: {n}")
            bad += 1
    print(f"{len(names) - bad} identical, {bad} different")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("--compare", type=Path, help="compare with a folder rendered earlier")
    a = ap.parse_args()
    render(a.out, a.as_of)
    return compare(a.compare, a.out) if a.compare else 0


if __name__ == "__main__":
    sys.exit(main())
