"""Running many profiles at once: a prefecture's municipalities, or all 1,741.

- inputs are files and directories (every *.yaml in a directory and below, sorted; names
  starting with '_' or '.', TEMPLATE.yaml and *.waivers.yaml are skipped);
- a bad profile is reported and skipped, the others still run;
- `jobs` > 1 spreads profiles over worker processes; results come back in input order, so the
  output is byte-identical to jobs = 1;
- each profile's rendered output is handed to a sink as soon as it is ready (nothing is kept but
  the per-area counts), so memory does not grow with the number of profiles.
"""
from __future__ import annotations

import datetime as _dt
import gc
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import GapcheckError
from .models import FINDING_STATUSES

SKIP_NAMES = {"TEMPLATE.yaml"}


@dataclass
class Outcome:
    """What one profile produced: its rendered output and its counts, or its error."""

    path: str
    ok: bool
    text: str | bytes = ""
    profile_id: str = ""
    name: str = ""
    code: str = ""
    prefecture: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)    # area -> status -> n
    severities: dict[str, int] = field(default_factory=dict)           # open findings by severity
    error: dict[str, str] | None = None                               # {"ja": ..., "en": ...}
    staged: str | None = None      # with out_dir: the output, written by the worker, not yet in place


def collect(inputs: Iterable[str]) -> list[str]:
    """Profile paths from files and directories, in a stable order, each once."""
    out: list[str] = []
    seen: set[str] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files = sorted(q for q in p.rglob("*.yaml")
                           if q.name not in SKIP_NAMES and not q.name.endswith(".waivers.yaml")
                           and not any(part.startswith(("_", ".")) for part in q.relative_to(p).parts))
            if not files:
                raise GapcheckError(f"no profiles (*.yaml) in the folder {p}",
                                    f"フォルダ {p} にプロファイル（*.yaml）がありません", file=str(p))
        else:
            files = [p]
        for f in files:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                out.append(str(f))
    return out


# ----------------------------------------------------------------------------- workers


class Renderer:
    """Picklable `render(result, lang)` for the workers: one profile's output in `fmt`.

    In a batch, JSON is written compact (one line per profile: JSON Lines), as UTF-8 bytes."""

    def __init__(self, fmt: str = "json"):
        self.fmt = fmt

    def __call__(self, result, lang: str):
        from . import report

        if self.fmt == "json":
            from .formats.json import dumps

            return dumps(report.to_dict(result, lang), compact=True)
        from .api import render

        return render(result, self.fmt, lang)

_worker_state: dict = {}


def _init_worker(options: dict) -> None:
    from .api import Engine, default_engine

    if options.get("catalogs_dir") or options.get("rules_dir"):
        _worker_state["engine"] = Engine.load(options.get("catalogs_dir"), options.get("rules_dir"))
    else:
        # forked workers inherit the parent's loaded and compiled engine; spawned ones load it
        _worker_state["engine"] = default_engine()
    _worker_state["options"] = options
    # The catalogs, rules and compiled ruleset live as long as the process: keep them out of
    # the cyclic garbage collector's scans (each profile allocates thousands of objects).
    gc.freeze()


def _run_one(path: str) -> Outcome:
    """One profile, with the cyclic garbage collector paused: a profile allocates tens of
    thousands of short-lived objects, freed by reference counting, which made the collector
    run about twenty times per profile (3 % of the instructions, measured with callgrind). It
    runs again, once, when it is switched back on; a profile leaves about 60 objects in
    reference cycles, so memory stays flat."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_one_inner(path)
    finally:
        if was_enabled:
            gc.enable()


def _run_one_inner(path: str) -> Outcome:
    from . import report

    opts = _worker_state["options"]
    engine = _worker_state["engine"]
    try:
        result = engine.run(path, as_of=opts["as_of"], include_passed=opts["include_passed"],
                            due_soon_days=opts["due_soon_days"], langs=(opts["lang"],))
        if opts.get("waivers") is not None:
            from . import waivers as waivers_mod

            result = waivers_mod.apply_waivers(result, opts["waivers"], result.as_of)
        render: Callable = opts["render"]
        text = render(result, opts["lang"])
        p = result.profile.profile
        summary = report.summary(result.findings)
        staged = None
        if opts.get("out_dir"):
            # written here, in parallel; the main process moves it into place (or discards it)
            from .output import stage

            staged = stage(Path(opts["out_dir"]) / f"{p.id}{opts['ext']}", text, tag=opts["tag"], sync=False)
            text = ""
        return Outcome(path, True, text, p.id, p.municipality.name, p.municipality.code,
                       p.municipality.prefecture, summary["by_area"], summary["by_severity"],
                       staged=staged)
    except GapcheckError as e:
        return Outcome(path, False, error={"ja": e.render("ja"), "en": e.render("en")})
    except Exception as e:  # noqa: BLE001 — one profile must not stop a batch; reported, never hidden
        from .errors import printable

        msg, where = printable(f"{type(e).__name__}: {e}"), printable(path)
        return Outcome(path, False, error={"ja": f"{where}: 内部エラー（不具合）: {msg}",
                                           "en": f"{where}: internal error (a bug in gapcheck): {msg}"})


def run_many(paths: list[str], *, as_of: _dt.date, lang: str, render: Callable, jobs: int = 1,
             include_passed: bool = False, due_soon_days: int = 180, waivers=None,
             catalogs_dir=None, rules_dir=None, out_dir: str | os.PathLike | None = None,
             ext: str = ".json") -> Iterator[Outcome]:
    """Evaluate every profile and yield its Outcome, in the order of `paths`.

    `render(result, lang) -> str | bytes` turns one Result into its output; it runs in the
    workers, so it must be a module-level function (picklable).

    With `out_dir`, each worker writes its output to a temporary file in `out_dir` (named for
    `<id><ext>`, not yet synced to disk) and the Outcome carries its name in `staged` instead of
    the text: the caller syncs (engine.output.sync_all) and moves them into place with
    engine.output.commit, or discards them. Writing in the workers keeps the main process from
    becoming the bottleneck (it would otherwise receive and write every output itself). If the
    caller stops early, `discard_staged(out_dir)` removes what is left.
    """
    options = {"as_of": as_of, "lang": lang, "render": render, "include_passed": include_passed,
               "due_soon_days": due_soon_days, "waivers": waivers,
               "catalogs_dir": catalogs_dir, "rules_dir": rules_dir,
               "out_dir": str(out_dir) if out_dir else None, "ext": ext, "tag": stage_tag()}
    jobs = max(1, min(jobs, len(paths) or 1))
    if jobs == 1:
        _init_worker(options)
        for p in paths:
            yield _run_one(p)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        from .models import Profile

        Profile.model_rebuild()     # its validator (built on first use) built once, inherited by all
    ctx = multiprocessing.get_context(method)
    chunk = max(1, min(16, len(paths) // (jobs * 8) or 1))
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(options,)) as pool:
        yield from pool.imap(_run_one, paths, chunksize=chunk)


def stage_tag() -> str:
    """Marks the temporary files of this run (the main process's pid)."""
    return f"gc{os.getpid()}"


def discard_staged(out_dir: str | os.PathLike) -> None:
    """Remove the temporary files this run's workers left in out_dir (after an interruption)."""
    from .output import STAGE_SUFFIX, discard

    for p in Path(out_dir).glob(f".*.{stage_tag()}.*{STAGE_SUFFIX}"):
        discard(str(p))


# ----------------------------------------------------------------------------- roll-up

STATUS_RANK = {s: i for i, s in enumerate(FINDING_STATUSES)}   # overdue worst ... ok best


def worst(counts: dict[str, int]) -> str | None:
    present = [s for s in FINDING_STATUSES if counts.get(s)]
    return present[0] if present else None


@dataclass
class Matrix:
    """municipality × area counts, grouped by prefecture (from the 団体コード)."""

    areas: list[str]
    rows: list[Outcome]
    failed: list[Outcome]

    def by_prefecture(self) -> list[tuple[str, str, list[Outcome]]]:
        groups: dict[tuple[str, str], list[Outcome]] = {}
        for o in self.rows:
            groups.setdefault((o.code[:2], o.prefecture), []).append(o)
        return [(code, name, sorted(rows, key=lambda r: (r.code, r.profile_id)))
                for (code, name), rows in sorted(groups.items())]
