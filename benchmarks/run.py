"""gapcheck benchmark: latency, batch throughput, memory, the plain-Python floor, time split.

    python benchmarks/run.py              # full run (1,741 profiles; a few minutes on 2 cores)
    python benchmarks/run.py --quick      # 100 profiles only
    python benchmarks/run.py --independent-only   # only gapcheck against benchmarks/independent_floor.py

Everything is measured in this one run on this machine and printed as Markdown; the figures in
benchmarks/README.md come from it. Profiles come from benchmarks/generate.py (fixed seed).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

AS_OF = "2026-11-23"


def gapcheck_cmd() -> list[str]:
    exe = shutil.which("gapcheck")
    return [exe] if exe else [sys.executable, "-m", "gapcheck"]


class PeakRSS:
    """Samples the summed RSS of a process and all its descendants (Linux /proc)."""

    def __init__(self, pid: int, every: float = 0.02):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _tree(self, pid: int) -> list[int]:
        out = [pid]
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    for c in fh.read().split():
                        out += self._tree(int(c))
        except OSError:
            pass
        return out

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree(self.pid)))
            time.sleep(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def timed(cmd: list[str], memory: bool = True, **kw) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time (and, with memory=True, peak RSS of the process tree sampled every 20 ms;
    latency runs leave the sampler off so it does not compete for the CPU)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if memory:
        with PeakRSS(proc.pid) as mem:
            out, err = proc.communicate()
        peak = mem.peak
    else:
        out, err = proc.communicate()
        peak = 0
    wall = time.perf_counter() - t
    cp = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd[:4])} ...\n{err.decode()[-2000:]}")
    return wall, peak, cp


def single_latency(runs: int, tmp: Path) -> dict:
    cmd = gapcheck_cmd() + ["run", str(ROOT / "profiles" / "uchinada.yaml"), "--as-of", AS_OF,
                            "--format", "json", "-o", str(tmp / "single.json")]
    timed(cmd, memory=False)  # warm the file cache and gapcheck's catalog cache
    walls = [timed(cmd, memory=False)[0] for _ in range(runs)]
    bare = [timed([sys.executable, "-c", "pass"], memory=False)[0] for _ in range(runs)]
    imports = [timed([sys.executable, "-c", "import gapcheck.cli, gapcheck.engine.api, gapcheck.engine.report.model"], memory=False,
                     cwd=str(ROOT))[0] for _ in range(runs)]
    return {"median_s": statistics.median(walls), "min_s": min(walls), "runs": runs,
            "python_startup_s": statistics.median(bare), "imports_s": statistics.median(imports)}


def import_breakdown() -> list[tuple[str, float]]:
    """Cumulative import time of the top-level packages gapcheck loads (python -X importtime)."""
    cp = subprocess.run([sys.executable, "-X", "importtime", "-c", "import gapcheck.cli, gapcheck.engine.api, gapcheck.engine.report.model"],
                        cwd=str(ROOT), capture_output=True, text=True)
    agg: dict[str, int] = {}
    for line in cp.stderr.splitlines():
        m = re.match(r"import time:\s+\d+\s+\|\s+(\d+)\s+\|(\s*)(\S+)", line)
        if m and len(m.group(2)) <= 1:          # top-level imports only
            agg[m.group(3).split(".")[0]] = agg.get(m.group(3).split(".")[0], 0) + int(m.group(1))
    return sorted(((k, v / 1e6) for k, v in agg.items()), key=lambda kv: -kv[1])[:8]


def in_process_split(paths: list[Path]) -> dict:
    """Time per stage for one process over `paths`: load, facts, matching, findings, writing."""
    from gapcheck.engine.match import facts as F
    from gapcheck.engine.report import model as report
    from gapcheck.engine.api import Engine
    from gapcheck.engine.match.evaluate import evaluate
    from gapcheck.engine.report.formats.json import dumps
    from gapcheck.engine.report.output import commit_all, stage
    from gapcheck.engine.load.profile import load_profile

    t0 = time.perf_counter()
    engine = Engine.load()
    setup = time.perf_counter() - t0
    day = _dt.date.fromisoformat(AS_OF)
    t = {"load": 0.0, "facts": 0.0, "match": 0.0, "evaluate": 0.0, "write": 0.0}
    out = Path(tempfile.mkdtemp())
    staged: list = []
    for p in paths:
        a = time.perf_counter()
        lp = load_profile(str(p), engine.catalogs)
        b = time.perf_counter()
        fs = F.build_facts(lp.profile, lp.document.data, F.day_plans(engine.catalogs, day, 180), day)
        c = time.perf_counter()
        engine.ruleset.matcher.match(fs, str(p))
        d = time.perf_counter()
        res = evaluate(engine.ruleset, lp, day, langs=("ja",))
        e = time.perf_counter()
        # written as a batch writes: compact JSON staged beside its place, committed in rounds
        target = out / f"{lp.profile.id}.json"
        staged.append((stage(target, dumps(report.to_dict(res, "ja"), compact=True), sync=False), target))
        if len(staged) >= 200:
            commit_all(staged)
        f = time.perf_counter()
        t["load"] += b - a
        t["facts"] += c - b
        t["match"] += d - c
        t["evaluate"] += e - d
        t["write"] += f - e
    a = time.perf_counter()
    commit_all(staged)
    t["write"] += time.perf_counter() - a
    shutil.rmtree(out)
    n = len(paths)
    # evaluate() = facts + matching + findings; report findings as the remainder
    findings = t["evaluate"] - t["facts"] - t["match"]
    per = {"setup_s": setup, "load_ms": t["load"] / n * 1e3, "facts_ms": t["facts"] / n * 1e3,
           "match_ms": t["match"] / n * 1e3, "findings_ms": findings / n * 1e3, "write_ms": t["write"] / n * 1e3}
    per["total_ms"] = per["load_ms"] + per["facts_ms"] + per["match_ms"] + per["findings_ms"] + per["write_ms"]
    return per


def batch(paths: list[Path], jobs: int, tmp: Path, tag: str) -> dict:
    out = tmp / f"out-{tag}"
    cmd = gapcheck_cmd() + ["run", *map(str, paths), "--as-of", AS_OF, "--jobs", str(jobs),
                            "--output-dir", str(out), "--summary", str(tmp / f"summary-{tag}.csv")]
    wall, peak, _ = timed(cmd)
    n = len(list(out.iterdir()))
    shutil.rmtree(out)
    return {"profiles": len(paths), "written": n, "jobs": jobs, "wall_s": wall, "peak_rss_mb": peak / 2**20,
            "ms_per_profile": wall / len(paths) * 1e3}


_PROBE = ("import time\ndef f():\n    s = 0\n    for i in range(3_000_000):\n        s += i * i\n"
          "t = time.perf_counter()\nf()\nprint(time.perf_counter() - t)")


def cpu_probe() -> tuple[float, float]:
    """A fixed pure-Python loop, alone and two at once (best of 3): how much a second process
    adds on this machine."""
    def one() -> float:
        return float(subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True).stdout)

    def two() -> float:
        ps = [subprocess.Popen([sys.executable, "-c", _PROBE], stdout=subprocess.PIPE, text=True) for _ in range(2)]
        return max(float(p.communicate()[0]) for p in ps)

    return min(one() for _ in range(3)), min(two() for _ in range(3))


def floor(paths: list[Path], tmp: Path, tag: str) -> dict:
    out = tmp / f"floor-{tag}"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "floor.py"), *map(str, paths), "--as-of", AS_OF,
           "--output-dir", str(out)]
    wall, peak, _ = timed(cmd)
    shutil.rmtree(out)
    return {"profiles": len(paths), "wall_s": wall, "peak_rss_mb": peak / 2**20}


INDEPENDENT = ROOT / "benchmarks" / "independent_floor.py"


def _alternate(cmds: dict[str, list[str]], runs: int, before=None) -> dict[str, list[float]]:
    """Wall times of each command, run in turn (ABBA order: the machine's speed drifts)."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    for i in range(runs):
        for k in (list(cmds) if i % 2 == 0 else list(cmds)[::-1]):
            if before:
                before(k)
            walls[k].append(timed(cmds[k], memory=False, cwd=str(ROOT))[0])
    return walls


def _same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return names == sorted(p.name for p in b.iterdir()) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def independent_single(runs: int, tmp: Path) -> dict:
    """One profile end to end (process start to exit): gapcheck and the independent floor, alternately."""
    prof = "profiles/uchinada.yaml"
    out = {k: tmp / f"single-{k}.json" for k in ("gapcheck", "floor")}
    cmds = {"gapcheck": gapcheck_cmd() + ["run", prof, "--as-of", AS_OF, "--format", "json", "-o", str(out["gapcheck"])],
            "floor": [sys.executable, str(INDEPENDENT), prof, "--as-of", AS_OF, "-o", str(out["floor"])]}
    for c in cmds.values():
        timed(c, memory=False, cwd=str(ROOT))     # warm the file cache and gapcheck's catalog cache
    walls = _alternate(cmds, runs)
    return {"walls": walls, "same": out["gapcheck"].read_bytes() == out["floor"].read_bytes()}


def independent_batch(folder: Path, jobs: int, runs: int, tmp: Path) -> dict:
    """A folder of profiles to --output-dir with --jobs: gapcheck and the independent floor, alternately.
    Each run starts with an empty output folder and nothing left to write back (os.sync)."""
    out = {k: tmp / f"ind-{k}" for k in ("gapcheck", "floor")}
    cmds = {"gapcheck": gapcheck_cmd() + ["run", str(folder), "--as-of", AS_OF, "--jobs", str(jobs),
                                          "--output-dir", str(out["gapcheck"])],
            "floor": [sys.executable, str(INDEPENDENT), str(folder), "--as-of", AS_OF, "--jobs", str(jobs),
                      "--output-dir", str(out["floor"])]}

    def fresh(k: str) -> None:
        shutil.rmtree(out[k], ignore_errors=True)
        os.sync()

    walls = _alternate(cmds, runs, before=fresh)
    same = _same_files(out["gapcheck"], out["floor"])
    for d in out.values():
        shutil.rmtree(d, ignore_errors=True)
    return {"walls": walls, "same": same}


def _spread(xs: list[float], unit: float, fmt: str) -> str:
    return (f"{statistics.median(xs) * unit:{fmt}} ({min(xs) * unit:{fmt}}–{max(xs) * unit:{fmt}})")


def independent(runs: int, repeat: int, folder: Path, n: int, tmp: Path) -> None:
    """gapcheck against the independent floor: one profile, and the batch to a folder on disk and,
    where there is one, in memory (tmpfs: the same work without the disk's write-back)."""
    rows = [("one profile end to end (uchinada, JSON to a file)", independent_single(runs, tmp), 1e3, ".0f", " ms"),
            (f"{n} profiles, --jobs 2, to --output-dir", independent_batch(folder, 2, repeat, tmp), 1, ".1f", " s")]
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        shm = Path(tempfile.mkdtemp(prefix="gapcheck-bench-", dir="/dev/shm"))
        try:
            rows.append((f"{n} profiles, --jobs 2, to --output-dir in memory (/dev/shm)",
                         independent_batch(folder, 2, repeat, shm), 1, ".1f", " s"))
        finally:
            shutil.rmtree(shm, ignore_errors=True)
    print("## Against the independent floor (benchmarks/independent_floor.py: no gapcheck code)\n")
    print("Run alternately (ABBA), so a drift in the machine's speed touches both alike; "
          "median (min–max); ratio of the medians.\n")
    print("| measure | gapcheck | independent floor | ratio | runs | outputs |\n|---|---|---|---|---|---|")
    for what, r, unit, fmt, u in rows:
        g, f = r["walls"]["gapcheck"], r["walls"]["floor"]
        print(f"| {what} | {_spread(g, unit, fmt)}{u} | {_spread(f, unit, fmt)}{u} "
              f"| {statistics.median(g) / statistics.median(f):.2f} | {len(g)} each "
              f"| {'byte-identical' if r['same'] else 'DIFFERENT'} |")
    print()


def byte_compile() -> None:
    """Compile gapcheck's modules to bytecode first, as `pip install` does: otherwise a run
    from the source tree with PYTHONDONTWRITEBYTECODE set compiles them on every start."""
    import compileall

    compileall.compile_dir(str(ROOT / "engine"), quiet=1)
    compileall.compile_file(str(ROOT / "cli.py"), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100 profiles only")
    ap.add_argument("--runs", type=int, default=7, help="repetitions for the single-profile latency")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of the largest batch with --jobs 2 (the machine's speed varies)")
    ap.add_argument("--independent-only", action="store_true",
                    help="only gapcheck against the independent floor (one profile, and the largest batch)")
    args = ap.parse_args()
    byte_compile()
    sizes = [100] if args.quick else [100, 400, 1741]
    tmp = Path(tempfile.mkdtemp(prefix="gapcheck-bench-"))
    try:
        gen = tmp / "profiles"
        t = time.perf_counter()
        all_paths = generate.generate(max(sizes), 1, gen)
        gen_s = time.perf_counter() - t
        if args.independent_only:
            print(f"# gapcheck against the independent floor\n\n- machine: {platform.machine()}, "
                  f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; "
                  f"date: {_dt.date.today().isoformat()}; evaluation date {AS_OF}\n")
            independent(args.runs, args.repeat, gen, len(all_paths), tmp)
            probe = cpu_probe()
            print(f"CPU check after the runs (a fixed pure-Python loop, one process alone / two at once): "
                  f"{probe[0]*1e3:.0f} ms / {probe[1]*1e3:.0f} ms each, so two processes ran at "
                  f"{2 * probe[0] / probe[1]:.2f} times the speed of one")
            return

        print("# gapcheck benchmark\n")
        print(f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
              f"{platform.python_version()}, {platform.platform()}")
        print(f"- date: {_dt.date.today().isoformat()}; profiles: benchmarks/generate.py --seed 1 "
              f"({max(sizes)} generated in {gen_s:.1f} s); evaluation date {AS_OF}")
        print(f"- command: {' '.join(Path(c).name for c in gapcheck_cmd()[:2])}\n")

        lat = single_latency(args.runs, tmp)
        print("## One profile, end to end (profiles/uchinada.yaml, JSON to a file)\n")
        print(f"| median wall | min | python start-up | imports | runs |\n|---|---|---|---|---|\n"
              f"| {lat['median_s']*1e3:.0f} ms | {lat['min_s']*1e3:.0f} ms | {lat['python_startup_s']*1e3:.0f} ms "
              f"| {lat['imports_s']*1e3:.0f} ms (incl. start-up) | {lat['runs']} |\n")
        print("Top-level imports (python -X importtime, cumulative): "
              + ", ".join(f"{k} {v*1e3:.0f} ms" for k, v in import_breakdown()) + "\n")

        split = in_process_split(all_paths[:min(400, len(all_paths))])
        print(f"## Where the time goes (one process, {min(400, len(all_paths))} profiles)\n")
        print("| catalogs+rules load and compile (once) | load+validate | facts | matching (durable_rules) "
              "| findings | JSON writing | total per profile |\n|---|---|---|---|---|---|---|\n"
              f"| {split['setup_s']*1e3:.0f} ms | {split['load_ms']:.1f} ms | {split['facts_ms']:.1f} ms "
              f"| {split['match_ms']:.1f} ms | {split['findings_ms']:.1f} ms | {split['write_ms']:.1f} ms "
              f"| {split['total_ms']:.1f} ms |\n")

        print("## Batch throughput\n")
        print("| profiles | jobs | wall | per profile | peak RSS (all processes) |\n|---|---|---|---|---|")
        rows = []
        for n in sizes:
            for jobs in (1, 2):
                reps = args.repeat if (n == max(sizes) and jobs == 2) else 1
                for _ in range(reps):
                    r = batch(all_paths[:n], jobs, tmp, f"{n}-{jobs}")
                    assert r["written"] == n, r
                    rows.append(r)
                    print(f"| {n} | {jobs} | {r['wall_s']:.1f} s | {r['ms_per_profile']:.1f} ms "
                          f"| {r['peak_rss_mb']:.0f} MB |")
        print()
        big = [r["wall_s"] for r in rows if r["profiles"] == max(sizes) and r["jobs"] == 2]
        print(f"{max(sizes)} profiles with --jobs 2, {len(big)} runs: median {statistics.median(big):.1f} s, "
              f"min {min(big):.1f} s, max {max(big):.1f} s\n")
        probe = cpu_probe()
        print(f"CPU check (a fixed pure-Python loop, one process alone / two at once): {probe[0]*1e3:.0f} ms / "
              f"{probe[1]*1e3:.0f} ms each, so two processes on this machine run at "
              f"{2 * probe[0] / probe[1]:.2f} times the speed of one\n")
        print("## Against the plain-Python floor (same loading, validation and writing; rules as "
              "Python predicates; one process)\n")
        print("| profiles | gapcheck --jobs 1 | floor | ratio |\n|---|---|---|---|")
        for n in sizes:
            f = floor(all_paths[:n], tmp, str(n))
            g = next(r for r in rows if r["profiles"] == n and r["jobs"] == 1)
            print(f"| {n} | {g['wall_s']:.1f} s | {f['wall_s']:.1f} s | {g['wall_s']/f['wall_s']:.2f} |")
        print()
        independent(args.runs, args.repeat, gen, len(all_paths), tmp)
        if len(sizes) > 1:
            per = [next(r for r in rows if r["profiles"] == n and r["jobs"] == 2)["ms_per_profile"] for n in sizes]
            print("Linearity (--jobs 2, ms per profile): " + ", ".join(f"{n}: {p:.1f}" for n, p in zip(sizes, per)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
