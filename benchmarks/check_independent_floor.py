"""Check that benchmarks/independent_floor.py writes the same bytes as gapcheck.

    python benchmarks/check_independent_floor.py                 # 5 examples + 1,741 generated, 2 dates
    python benchmarks/check_independent_floor.py --count 30 --dates 2026-11-23 --lang en

For each date: every example profile (profiles/*.yaml but TEMPLATE.yaml) one at a time,
`gapcheck run P --format json -o A` against `independent_floor.py P -o B`; then the generated
profiles as a batch, `gapcheck run DIR --output-dir A --jobs N` against
`independent_floor.py DIR --output-dir B --jobs N`. Files are compared byte for byte (the same
names in both folders, each file identical); the first difference is reported with the JSON path
where the documents part. Exit 0 when everything is equal, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "benchmarks" / "independent_floor.py"
DATES = ("2026-11-23", "2026-04-01")


def gapcheck_cmd() -> list[str]:
    """The gapcheck command of this Python's environment (then the one on PATH)."""
    beside = Path(sys.executable).with_name("gapcheck")
    exe = str(beside) if beside.is_file() else shutil.which("gapcheck")
    return [exe] if exe else [sys.executable, "-m", "cli"]


def first_difference(a, b, path: str = "$") -> str:
    """Where two JSON values part, e.g. `$.findings[3].message: 'x' != 'y'`."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
    elif a != b:
        return f"{path}: {a!r} != {b!r}"
    return f"{path}: same JSON, different bytes (formatting)"


def compare(a: Path, b: Path) -> str | None:
    x, y = a.read_bytes(), b.read_bytes()
    if x == y:
        return None
    try:
        return first_difference(json.loads(x), json.loads(y))
    except ValueError as e:
        return f"not JSON: {e}"


def run(cmd: list[str], refusals: tuple[int, ...]) -> int:
    """Run a command; its exit code, which must be 0 or one of `refusals` (a profile refused)."""
    cp = subprocess.run(cmd, capture_output=True, cwd=ROOT)
    if cp.returncode not in (0,) + refusals:
        sys.exit(f"failed ({cp.returncode}): {' '.join(cmd)}\n{cp.stderr.decode()[-2000:]}")
    return cp.returncode


def check_dirs(a: Path, b: Path) -> tuple[int, str | None]:
    """(files compared, first problem)."""
    na, nb = sorted(p.name for p in a.iterdir()), sorted(p.name for p in b.iterdir())
    if na != nb:
        only = sorted(set(na) ^ set(nb))
        return 0, f"different files: {len(na)} from gapcheck, {len(nb)} from the floor (e.g. {only[:3]})"
    for name in na:
        diff = compare(a / name, b / name)
        if diff:
            return 0, f"{name}: {diff}"
    return len(na), None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1741, help="generated profiles (0: none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dates", nargs="+", default=list(DATES))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--lang", choices=("ja", "en"), default="ja")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="floor-check-"))
    failed = False
    try:
        examples = sorted(p for p in (ROOT / "profiles").glob("*.yaml") if p.name != "TEMPLATE.yaml")
        if a.count:
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count", str(a.count),
                            "--seed", str(a.seed), "--out", str(tmp / "gen")], check=True, capture_output=True)
        for date in a.dates:
            ga, fb = tmp / f"g-{date}", tmp / f"f-{date}"
            ga.mkdir()
            fb.mkdir()
            refused = []
            for p in examples:
                rel = str(p.relative_to(ROOT))       # as a user types it: the path is in the JSON
                # a profile whose as_of is after the date is refused (gapcheck: exit 2), by both
                rg = run(gapcheck_cmd() + ["run", rel, "--as-of", date, "--lang", a.lang, "--format", "json",
                                           "-o", str(ga / f"{p.stem}.json")], (2,))
                rf = run([sys.executable, str(FLOOR), rel, "--as-of", date, "--lang", a.lang, "-o", str(fb / f"{p.stem}.json")], (1,))
                if rg or rf:
                    refused.append(f"{p.name} (gapcheck exit {rg}, floor exit {rf})")
                    failed |= not (rg and rf)
            n, problem = check_dirs(ga, fb)
            print(f"{date}: {len(examples)} example profiles, one at a time: "
                  + (f"{n} files identical" if not problem else f"DIFFERENT: {problem}")
                  + (f"; refused: {', '.join(refused)}" if refused else ""), flush=True)
            failed |= problem is not None
            if a.count:
                ga, fb = tmp / f"gb-{date}", tmp / f"fb-{date}"
                # some profiles refused: gapcheck exit 4 (partial), the floor exit 1
                run(gapcheck_cmd() + ["run", str(tmp / "gen"), "--as-of", date, "--lang", a.lang, "--jobs", str(a.jobs),
                                      "--output-dir", str(ga)], (2, 4))
                run([sys.executable, str(FLOOR), str(tmp / "gen"), "--as-of", date, "--lang", a.lang, "--jobs", str(a.jobs),
                     "--output-dir", str(fb)], (1,))
                n, problem = check_dirs(ga, fb)
                print(f"{date}: {a.count} generated profiles, batch --jobs {a.jobs}: "
                      + (f"{n} files identical" if not problem else f"DIFFERENT: {problem}")
                      + (f" ({a.count - n} refused by both: as_of after {date})" if not problem and n < a.count else ""), flush=True)
                failed |= problem is not None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
