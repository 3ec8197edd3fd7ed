"""Two installs of gapcheck side by side, in one run: the figures of benchmarks/run.py that a
change could make worse, measured alternately (this machine's speed drifts by the hour).

    python benchmarks/compare.py OLD_VENV NEW_VENV [--runs 15] [--repeat 3] [--count 1741]

Each VENV is a virtual environment with gapcheck installed (`python -m venv V && V/bin/pip
install .` at the commit to compare). Prints, for each: one profile end to end (JSON to a file,
and the default table), the batch of COUNT generated profiles with --jobs 2 into a folder, and
its peak memory; with the ratio NEW / OLD.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from run import PeakRSS  # noqa: E402

PROFILE = str(HERE.parent / "profiles" / "uchinada.yaml")
AS_OF = "2026-11-23"


def _time(cmd: list[str], memory: bool = False) -> tuple[float, int]:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    if memory:
        with PeakRSS(p.pid) as m:
            p.wait()
        peak = m.peak
    p.wait()
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} exited {p.returncode}")
    return time.perf_counter() - t0, peak


def _keep_codes_both_accept(folder: Path) -> int:
    """Drop the generated profiles whose 団体コード has a weighted sum divisible by 11: versions
    before the check-digit fix refused those (real) codes, so both installs run the same set."""
    import re

    dropped = 0
    for p in sorted(folder.glob("*.yaml")):
        code = re.search(r'code: "(\d{6})"', p.read_text(encoding="utf-8")).group(1)
        if sum(int(d) * w for d, w in zip(code, (6, 5, 4, 3, 2))) % 11 == 0:
            p.unlink()
            dropped += 1
    return dropped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--count", type=int, default=1741)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gapcheck-compare-"))
    generate.generate(a.count, 1, tmp / "p")
    dropped = _keep_codes_both_accept(tmp / "p")
    venvs = {"old": a.old, "new": a.new}
    cases = {
        "one profile, JSON": lambda v: [str(v / "bin" / "gapcheck"), "run", PROFILE, "--as-of", AS_OF,
                                        "--format", "json", "-o", str(tmp / f"{v.name}.json")],
        "one profile, table": lambda v: [str(v / "bin" / "gapcheck"), "run", PROFILE, "--as-of", AS_OF],
    }
    res: dict[str, dict[str, list[float]]] = {}
    for name, cmd in cases.items():
        for v in venvs.values():
            _time(cmd(v))                      # warm each install's cache
        res[name] = {k: [] for k in venvs}
        for _ in range(a.runs):
            for k, v in venvs.items():
                res[name][k].append(_time(cmd(v))[0])
    batch = f"{a.count - dropped} profiles, --jobs 2"
    res[batch], peaks = {k: [] for k in venvs}, {k: [] for k in venvs}
    for i in range(a.repeat):
        for k, v in venvs.items():
            t, peak = _time([str(v / "bin" / "gapcheck"), "run", str(tmp / "p"), "--as-of", AS_OF, "--jobs", "2",
                             "--output-dir", str(tmp / f"out-{k}-{i}")], memory=True)
            res[batch][k].append(t)
            peaks[k].append(peak)
    print(f"| figure | old ({a.old}) | new ({a.new}) | new / old |\n|---|---|---|---|")
    for name, r in res.items():
        o, n = statistics.median(r["old"]), statistics.median(r["new"])
        unit = (1e3, "ms") if o < 5 else (1, "s")
        print(f"| {name} | {o * unit[0]:.{0 if unit[1] == 'ms' else 1}f} {unit[1]} | "
              f"{n * unit[0]:.{0 if unit[1] == 'ms' else 1}f} {unit[1]} | {n / o:.2f} |")
    o, n = max(peaks["old"]), max(peaks["new"])
    print(f"| peak memory of the batch | {o / 2**20:.0f} MB | {n / 2**20:.0f} MB | {n / o:.2f} |")


if __name__ == "__main__":
    main()
