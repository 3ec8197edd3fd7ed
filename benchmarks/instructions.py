"""Instructions executed, counted by valgrind's callgrind: a measure that does not move with the
machine's speed, which on a shared machine varies by half from one hour to the next.

    python benchmarks/instructions.py            # needs valgrind (Debian: apt install valgrind)

Prints, in millions of instructions:
- one run of the installed command (profiles/uchinada.yaml, JSON to a file, and the table), next
  to bare Python start-up and the imports alone;
- per profile in a batch: the count for 60 profiles minus the count for 20, over 40, in one
  process (engine.batch.run_many, --jobs 1), so start-up and one-time work (loading the engine,
  building validators, warming caches) cancel out;
- the same two, one run and per profile (as commands: --output-dir, --jobs 1), for gapcheck and
  for benchmarks/independent_floor.py side by side.
The catalogs-and-rules cache is warmed first for each command, so every counted run reads it
(one counted run that missed it would add the whole catalog load to its count). Under callgrind a
program runs about 50 times slower: the whole script takes 3 to 5 minutes.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-23"


def count(cmd: list[str], cwd: Path = ROOT) -> int:
    """Instructions executed by `cmd` (callgrind's 'Collected'), children not included."""
    cp = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                        cwd=str(cwd), capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", cp.stderr)
    if cp.returncode != 0 or not m:
        raise SystemExit(f"callgrind failed ({cp.returncode}) on {' '.join(cmd[:4])}:\n{cp.stderr[-2000:]}")
    return int(m.group(1))


def child(n: int, folder: str) -> None:
    """The counted batch: the first n profiles of `folder`, evaluated and rendered in one process."""
    import datetime as _dt

    sys.path.insert(0, str(ROOT))
    from gapcheck.engine.commands import batch

    paths = sorted(Path(folder).glob("*.yaml"))[:n]
    render = batch.Renderer("json")
    for out in batch.run_many(paths, as_of=_dt.date.fromisoformat(AS_OF), lang="ja", render=render, jobs=1):
        assert out.ok, out


def independent_floor(gc_cmd: list[str], single: list[str], tmp: Path, small: int, large: int) -> None:
    """gapcheck against benchmarks/independent_floor.py, both as commands: one run, and per profile
    of a batch to --output-dir with --jobs 1 (large minus small profiles)."""
    floor = [sys.executable, str(ROOT / "benchmarks" / "independent_floor.py")]
    folders = {}
    for n in (small, large):
        folders[n] = tmp / f"first{n}"
        folders[n].mkdir()
        for p in sorted((tmp / "p").glob("*.yaml"))[:n]:
            shutil.copy(p, folders[n])

    def batch(cmd: list[str], n: int) -> int:
        out = tmp / "out"
        shutil.rmtree(out, ignore_errors=True)
        return count(cmd + [str(folders[n]), "--as-of", AS_OF, "--jobs", "1", "--output-dir", str(out)])

    one = {"gapcheck": count(single),
           "floor": count(floor + [str(ROOT / "profiles" / "uchinada.yaml"), "--as-of", AS_OF, "-o", str(tmp / "f.json")])}
    per = {"gapcheck": (batch(gc_cmd + ["run"], large) - batch(gc_cmd + ["run"], small)) / (large - small),
           "floor": (batch(floor, large) - batch(floor, small)) / (large - small)}
    print("\n## Against the independent floor (benchmarks/independent_floor.py)\n")
    print("| instructions | gapcheck | independent floor | ratio |\n|---|---|---|---|")
    print(f"| one run: uchinada, JSON to a file | {one['gapcheck'] / 1e6:,.0f} M | {one['floor'] / 1e6:,.0f} M "
          f"| {one['gapcheck'] / one['floor']:.2f} |")
    print(f"| per profile of a batch to --output-dir, --jobs 1 ({large} minus {small}) | {per['gapcheck'] / 1e6:.1f} M "
          f"| {per['floor'] / 1e6:.1f} M | {per['gapcheck'] / per['floor']:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("N", "FOLDER"), help=argparse.SUPPRESS)
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--large", type=int, default=60)
    args = ap.parse_args()
    if args.child:
        return child(int(args.child[0]), args.child[1])
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    beside = Path(sys.executable).parent / "gapcheck"      # this Python's install, not another's
    exe = str(beside) if beside.exists() else shutil.which("gapcheck")
    gc_cmd = [exe] if exe else [sys.executable, "-m", "gapcheck"]
    tmp = Path(tempfile.mkdtemp(prefix="gapcheck-instr-"))
    try:
        generate.generate(args.large, 1, tmp / "p")
        single = gc_cmd + ["run", str(ROOT / "profiles" / "uchinada.yaml"), "--as-of", AS_OF,
                           "--format", "json", "-o", str(tmp / "u.json")]
        subprocess.run(single, capture_output=True, check=True)      # warm the cache
        rows = [
            ("python -c pass", count([sys.executable, "-c", "pass"])),
            ("imports only (gapcheck.cli, gapcheck.engine.api)", count([sys.executable, "-c", "import gapcheck.cli, gapcheck.engine.api"])),
            ("gapcheck run uchinada --format json -o FILE", count(single)),
            ("gapcheck run uchinada (table)", count(single[:-4] + ["-o", str(tmp / "u.txt")])),
        ]
        print(f"# Instructions (callgrind)\n\n- command: {' '.join(Path(c).name for c in gc_cmd[:2])}\n")
        print("| one run | instructions |\n|---|---|")
        for name, n in rows:
            print(f"| {name} | {n / 1e6:.0f} M |")
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]
        # the batch imports engine/ from this tree, whose cache entry differs from the installed
        # command's: warm it too, or the first count would include loading every catalog
        subprocess.run(me + ["1", str(tmp / "p")], check=True)
        small = count(me + [str(args.small), str(tmp / "p")])
        large = count(me + [str(args.large), str(tmp / "p")])
        per = (large - small) / (args.large - args.small)
        print(f"\nPer profile in a batch ({args.small} to {args.large} generated profiles, one process): "
              f"{per / 1e6:.1f} M instructions")
        independent_floor(gc_cmd, single, tmp, args.small, args.large)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
