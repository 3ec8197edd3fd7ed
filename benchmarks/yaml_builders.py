"""Do gapcheck's fast YAML builders earn their keep? The share of a 1,741-profile batch each saves.

engine/load/yamlio.py builds a document two ways: the careful builder (`_Builder`: composes the
node tree, handles anchors, aliases, merge keys and every error) and straight from libyaml's
events (`_build_from_events`: no node tree; the default for a document without '&', which falls
back to the careful builder for anything unusual). The project keeps a fast path only while it
saves more than 5 % of a 1,741-profile batch (a third builder, for documents without anchors
that the events path refuses, saved nothing of a batch, whose profiles all take the events
path, and was removed).

    python benchmarks/yaml_builders.py [--count 1741] [--rounds 3]

Measures, alternating the builders in each round (this machine's speed drifts): the time to
build every generated profile with each builder (the same data and positions, checked), and the
time of the whole batch in one process (`run_many --jobs 1`, the findings written to a folder),
and prints each fast path's saving as a share of that batch.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

from gapcheck.engine.commands import batch  # noqa: E402
from gapcheck.engine.load import yamlio  # noqa: E402


def careful(text: str, file: str):
    b = yamlio._Builder(file)
    return b.build(yamlio._compose(text)[0], ()), b.positions


def events(text: str, file: str):
    return yamlio._build_from_events(text, file)


BUILDERS = {"careful (_Builder)": careful, "from events (default)": events}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1741)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gapcheck-yaml-"))
    generate.generate(a.count, 1, folder / "p")
    paths = sorted(str(p) for p in (folder / "p").glob("*.yaml"))
    texts = [(Path(p).read_text(encoding="utf-8"), p) for p in paths]
    ref = [careful(t, f) for t, f in texts]
    for name, fn in BUILDERS.items():       # the same data and positions from every builder
        assert [fn(t, f) for t, f in texts] == ref, name
    times: dict[str, list[float]] = {n: [] for n in BUILDERS}
    whole: list[float] = []
    day = _dt.date(2026, 11, 23)
    for _ in range(a.rounds):
        for name, fn in BUILDERS.items():
            t0 = time.perf_counter()
            for t, f in texts:
                fn(t, f)
            times[name].append(time.perf_counter() - t0)
        out = Path(tempfile.mkdtemp(dir=folder))
        t0 = time.perf_counter()
        for _o in batch.run_many(paths, as_of=day, lang="ja", render=batch.Renderer("json"), jobs=1,
                                 out_dir=out, ext=".json"):
            pass
        whole.append(time.perf_counter() - t0)
    batch_s = statistics.median(whole)
    base = statistics.median(times["careful (_Builder)"])
    print(f"{len(paths)} profiles; whole batch in one process (default builder): {batch_s:.2f} s (median of {a.rounds})")
    print(f"{'builder':30} {'build all':>10} {'saves':>8} {'of batch':>9}")
    for name in BUILDERS:
        t = statistics.median(times[name])
        print(f"{name:30} {t:9.2f}s {base - t:7.2f}s {100 * (base - t) / batch_s:8.1f}%")


if __name__ == "__main__":
    main()
