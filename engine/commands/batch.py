"""Running many profiles at once: a prefecture's municipalities, or all 1,741.

    report = run_batch(["profiles/"], as_of=day, lang="ja", output_dir="out", summary="out/heat.html")

- inputs are files and folders (engine.load.files.expand_profiles);
- a bad profile is reported and skipped, the others still run; a profile the rule engine failed
  on is reported too, and makes the batch exit 3 (an internal error, never "bad input");
- an output that cannot be written stops the batch; so do Ctrl-C and SIGTERM: the workers are
  stopped and every temporary file removed (engine.interrupts says how the signals are handled);
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
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import interrupts
from ..errors import EngineError, GapcheckError, printable
from ..match.facts import DUE_SOON_DAYS
from ..vocab import MAX_AGE_DAYS
from ..load.models import FINDING_STATUSES
from ..report.output import stage_tag

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
    # why it failed: "input" (the profile: skipped, the others run), "internal" (the rule engine
    # failed, or a bug: the others run, the batch exits 3), "output" (its output could not be
    # written: the batch stops, exit 2)
    fault: str = ""
    staged: str | None = None      # with out_dir: the output, written by the worker, not yet in place
    # with an HTML summary: the HTML report written beside the output in another format
    # (the heat map links to it), as (temporary file, its name in out_dir)
    staged_extra: list[tuple[str, str]] = field(default_factory=list)
    as_of: str = ""                # the evaluation date (ISO)
    data_as_of: str = ""           # the date the profile describes (ISO)
    basis: str | None = None       # what the profile's facts rest on (profile_version 2), if it says
    stale: bool = False            # the profile is older than the freshness window


# ----------------------------------------------------------------------------- workers


class Renderer:
    """Picklable `render(result, lang)` for the workers: one profile's output in `fmt`.

    In a batch, JSON is written compact (one line per profile: JSON Lines), as UTF-8 bytes."""

    def __init__(self, fmt: str = "json", selection: dict | None = None):
        self.fmt = fmt
        self.selection = selection      # --status, --severity, --area: the findings shown

    def __call__(self, result, lang: str):
        from ..report import model as report

        if self.fmt == "json":
            from ..report.formats.json import dumps

            return dumps(report.to_dict(result, lang, self.selection), compact=True)
        from ..api import render

        return render(result, self.fmt, lang, selection=self.selection)


_worker_state: dict = {}     # this process's engine and options (a worker's, or the caller's)


def _init_worker(options: dict) -> None:
    from ..api import Engine, default_engine

    if options.get("catalogs_dir") or options.get("rules_dir"):
        _worker_state["engine"] = Engine.load(options.get("catalogs_dir"), options.get("rules_dir"))
    elif _worker_state.get("given") is None:
        # forked workers inherit the parent's loaded and compiled engine; spawned ones load it
        _worker_state["engine"] = default_engine()
    else:
        _worker_state["engine"] = _worker_state["given"]
    _worker_state["options"] = options
    # The catalogs, rules and compiled ruleset live as long as the process: keep them out of
    # the cyclic garbage collector's scans (each profile allocates thousands of objects).
    gc.freeze()


def _init_pool_worker(options: dict, cancel) -> None:
    interrupts.quiet_worker()       # Ctrl-C and SIGTERM are the main process's to handle
    _worker_state["cancel"] = cancel
    _worker_state["parent"] = os.getppid()
    _init_worker(options)


def _leave_if_orphaned() -> None:
    """A worker whose main process is gone (killed with SIGKILL: the workers, in a process group
    of their own, were not) ends at once and quietly, instead of working through the queue."""
    if os.getppid() != _worker_state["parent"]:
        os._exit(0)


def _run_one(path: str) -> Outcome:
    """One profile, with the cyclic garbage collector paused: a profile allocates tens of
    thousands of short-lived objects, freed by reference counting, which made the collector
    run about twenty times per profile (benchmarks/README.md). It
    runs again, once, when it is switched back on; a profile leaves about 60 objects in
    reference cycles, so memory stays flat. In a pool that is being stopped, nothing is done."""
    in_pool = "parent" in _worker_state
    if in_pool:
        _leave_if_orphaned()
        if _worker_state["cancel"].is_set():
            return Outcome(path, False, fault="cancelled")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_one_inner(path)
    finally:
        if was_enabled:
            gc.enable()
        if in_pool:
            _leave_if_orphaned()


def _run_one_inner(path: str) -> Outcome:
    from ..report import model as report

    opts = _worker_state["options"]
    engine = _worker_state["engine"]
    try:
        result = engine.run(path, as_of=opts["as_of"], include_passed=opts["include_passed"],
                            due_soon_days=opts["due_soon_days"], langs=(opts["lang"],),
                            max_age=opts.get("max_age", MAX_AGE_DAYS))
        if opts.get("waivers") is not None:
            from ..match import waivers as waivers_mod

            result = waivers_mod.apply_waivers(result, opts["waivers"], result.as_of)
        render: Callable = opts["render"]
        text = render(result, opts["lang"])
        p = result.profile.profile
        summary = report.summary(result.findings)
        staged = None
        extra: list[tuple[str, str]] = []
        if opts.get("out_dir"):
            # written here, in parallel; the main process moves it into place (or discards it)
            from ..report.output import discard, stage

            try:
                staged = stage(Path(opts["out_dir"]) / f"{p.id}{opts['ext']}", text, tag=opts["tag"],
                               sync=False)
                if opts.get("also_html"):
                    from ..api import render as render_fmt

                    name = f"{p.id}.html"
                    extra.append((stage(Path(opts["out_dir"]) / name, render_fmt(result, "html", opts["lang"]),
                                        tag=opts["tag"], sync=False), name))
            except GapcheckError as e:      # a full disk, a folder gone: not this profile's fault
                discard(staged)
                for tmp, _ in extra:
                    discard(tmp)
                return Outcome(path, False, error={"ja": e.render("ja"), "en": e.render("en")},
                               fault="output")
            text = ""
        # (MAX_AGE_DAYS is the module's: importing it here would make it local to the whole function)
        max_age = getattr(result, "max_age_days", None) or opts.get("max_age") or MAX_AGE_DAYS
        stale = getattr(result, "stale", None)
        if stale is None:
            stale = (result.as_of - p.as_of).days > max_age
        basis = getattr(p, "basis", None)
        return Outcome(path, True, text, p.id, p.municipality.name, p.municipality.code,
                       p.municipality.prefecture, summary["by_area"], summary["by_severity"],
                       staged=staged, staged_extra=extra, as_of=result.as_of.isoformat(),
                       data_as_of=p.as_of.isoformat(), basis=basis if isinstance(basis, str) else None,
                       stale=bool(stale))
    except GapcheckError as e:
        return Outcome(path, False, error={"ja": e.render("ja"), "en": e.render("en")}, fault="input")
    except EngineError as e:
        # the rule engine failed: an internal error, not a problem of the profile (exit 3)
        return Outcome(path, False, error={"ja": f"{path}: ルールエンジンのエラー: {e}",
                                           "en": f"{path}: rule engine error: {e}"}, fault="internal")
    except Exception as e:  # noqa: BLE001 — one profile must not stop a batch; reported, never hidden
        from ..errors import printable

        msg, where = printable(f"{type(e).__name__}: {e}"), printable(path)
        return Outcome(path, False, error={"ja": f"{where}: 内部エラー（不具合）: {msg}",
                                           "en": f"{where}: internal error (a bug in gapcheck): {msg}"},
                       fault="internal")


def run_many(paths: list[str], *, as_of: _dt.date, lang: str, render: Callable, jobs: int = 1,
             include_passed: bool = False, due_soon_days: int = DUE_SOON_DAYS, waivers=None,
             catalogs_dir=None, rules_dir=None, out_dir: str | os.PathLike | None = None,
             ext: str = ".json", engine=None, also_html: bool = False,
             max_age: int = MAX_AGE_DAYS) -> Iterator[Outcome]:
    """Evaluate every profile and yield its Outcome, in the order of `paths`.

    `render(result, lang) -> str | bytes` turns one Result into its output; it runs in the
    workers, so it must be a module-level function (picklable).

    With `out_dir`, each worker writes its output to a temporary file in `out_dir` (named for
    `<id><ext>`, not yet synced to disk) and the Outcome carries its name in `staged` instead of
    the text: the caller syncs (engine.report.output.sync_all) and moves them into place with
    engine.report.output.commit, or discards them. Writing in the workers keeps the main process from
    becoming the bottleneck (it would otherwise receive and write every output itself). If the
    caller stops early, `discard_staged(out_dir)` removes what is left. With `also_html` (and
    `out_dir`), each profile's HTML report is staged as well (`<id>.html`, in staged_extra).
    """
    options = {"as_of": as_of, "lang": lang, "render": render, "include_passed": include_passed,
               "due_soon_days": due_soon_days, "waivers": waivers, "max_age": max_age,
               "catalogs_dir": catalogs_dir, "rules_dir": rules_dir,
               "out_dir": str(out_dir) if out_dir else None, "ext": ext, "tag": stage_tag(),
               "also_html": bool(also_html and out_dir and ext != ".html")}
    jobs = max(1, min(jobs, len(paths) or 1))
    _worker_state["given"] = engine        # inherited by forked workers
    if jobs == 1:
        _init_worker(options)
        for p in paths:
            yield _run_one(p)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "spawn" and engine is not None:
        # a spawned worker inherits nothing: it loads the same folders the given engine came from
        if engine.dirs is None:
            raise ValueError("run_many(engine=...) with spawned workers needs an engine loaded from folders")
        options["catalogs_dir"], options["rules_dir"] = map(str, engine.dirs)
    if method == "fork":
        from ..load.models import Profile

        Profile.model_rebuild()     # its validator (built on first use) built once, inherited by all
    ctx = multiprocessing.get_context(method)
    chunk = max(1, min(16, len(paths) // (jobs * 8) or 1))
    cancel = ctx.Event()
    # the workers (and the pool's threads, which start more when one dies) begin with SIGINT
    # and SIGTERM blocked, until they leave them to this process (quiet_worker)
    with interrupts.blocked():
        pool = ctx.Pool(jobs, initializer=_init_pool_worker, initargs=(options, cancel))
    results = pool.imap(_run_one, paths, chunksize=chunk)
    finished = False
    try:
        yield from results
        finished = True
    finally:
        _stop(pool, results, cancel, finished)


STOP_WAIT = 10.0    # seconds a stopped batch waits for its workers to finish the profile they are on


def _stop(pool, results, cancel, finished: bool) -> None:
    """Stop the pool's workers without killing one in the middle of its work: Pool.terminate
    kills them, and a worker killed while it holds one of the pool's queue locks (sending its
    result) leaves the pool's threads waiting for that lock forever (seen on Python 3.10).
    Stopped early (the caller stopped: an output error, Ctrl-C, SIGTERM), the workers finish
    the profile they are on and skip the rest, and their answers are read; only workers that
    have not answered within STOP_WAIT seconds, or a second Ctrl-C, get Pool.terminate."""
    try:
        if not finished:
            cancel.set()
            deadline = time.monotonic() + STOP_WAIT
            while True:
                try:
                    results.next(timeout=max(0.0, deadline - time.monotonic()))
                except StopIteration:
                    break
        pool.close()
        pool.join()
    except (KeyboardInterrupt, interrupts.Terminated):
        pool.terminate()
        raise
    except Exception:       # noqa: BLE001 — no answer in time (or a worker's error): stop them all
        pool.terminate()


def discard_staged(out_dir: str | os.PathLike) -> None:
    """Remove the temporary files this run's workers left in out_dir (after an interruption;
    the workers have stopped)."""
    from ..report.output import STAGE_SUFFIX, discard

    for p in Path(out_dir).glob(f".*.{stage_tag()}.*{STAGE_SUFFIX}"):
        discard(str(p))


# ----------------------------------------------------------------------------- roll-up

def worst(counts: dict[str, int]) -> str | None:
    present = [s for s in FINDING_STATUSES if counts.get(s)]
    return present[0] if present else None


@dataclass
class Matrix:
    """municipality × area counts, grouped by prefecture (from the 団体コード); with the
    catalogs' names of the areas (in the batch's language) and editions."""

    areas: list[str]
    rows: list[Outcome]
    failed: list[Outcome]
    area_names: dict[str, str] = field(default_factory=dict)
    editions: dict[str, dict] = field(default_factory=dict)
    # the municipalities expected (--expected CODES.csv) that sent nothing back: (code, name, prefecture)
    missing: list[tuple[str, str, str]] = field(default_factory=list)

    def by_prefecture(self) -> list[tuple[str, str, list[Outcome]]]:
        groups: dict[tuple[str, str], list[Outcome]] = {}
        for o in self.rows:
            groups.setdefault((o.code[:2], o.prefecture), []).append(o)
        for code, _name, pref in self.missing:
            groups.setdefault((code[:2], pref), [])
        return [(code, name, sorted(rows, key=lambda r: (r.code, r.profile_id)))
                for (code, name), rows in sorted(groups.items())]

    def missing_in(self, prefecture_code: str) -> list[tuple[str, str, str]]:
        return sorted(m for m in self.missing if m[0][:2] == prefecture_code)


def expected_missing(codes: list[tuple[str, str | None]], rows: list[Outcome]) -> list[tuple[str, str, str]]:
    """The expected municipalities (code, name from the list or the shipped list of local
    governments) no profile of the batch describes, with their prefecture."""
    from ..load import localgov
    from ..load.prefectures import PREFECTURES

    have = {o.code for o in rows}
    out = []
    for code, name in codes:
        if code in have:
            continue
        lg = localgov.lookup(code)
        out.append((code, name or (lg.name if lg else code),
                    lg.prefecture if lg else PREFECTURES.get(code[:2], code[:2])))
    return sorted(set(out))


# ----------------------------------------------------------------------------- the whole batch

COMMIT_EVERY = 200      # batch outputs are synced and moved into place in rounds of this many
SUMMARY_SUFFIXES = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}


@dataclass
class BatchReport:
    """What a batch did: the profiles that ran (their counts), those skipped with their
    errors, the summary text (written to `summary` when one was named) and the exit code."""

    ok: list[Outcome]
    failed: list[Outcome]
    summary: str
    exit_code: int


def _skip(o: Outcome, ja: str, en: str) -> None:
    from ..report.output import discard

    discard(o.staged)
    for tmp, _ in o.staged_extra:
        discard(tmp)
    o.staged_extra = []
    o.ok, o.fault = False, "input"
    where = printable(o.path)
    o.error = {"ja": f"{where}: {ja}（スキップ）", "en": f"{where}: {en} (skipped)"}


def _check_summary_name(summary: Path, out_dir: Path, ext: str) -> None:
    """The summary may not take the place of a profile's output (OUT/<id><ext>): the ids are
    known only once the profiles are read, so any name an id could have is refused."""
    import re

    stem = summary.name[:-len(ext)].lower() if summary.name.lower().endswith(ext) else None
    if (stem and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", stem)
            and os.path.normcase(os.path.realpath(summary.parent)) == os.path.normcase(os.path.realpath(out_dir))):
        raise GapcheckError(
            f"--summary {summary} has the name of a profile's findings in --output-dir (those of a "
            f"profile with id '{stem}'): one would replace the other",
            f"--summary {summary} は、id '{stem}' のプロファイルの指摘事項を --output-dir に書き出すファイルと"
            "同じです（一方が他方を上書きします）",
            hint_en=f"write the summary outside --output-dir, or give it a name no id can have, e.g. _summary{ext}",
            hint_ja=f"集計は --output-dir の外に書き出すか、id にならない名前（例: _summary{ext}）にしてください")


def _relative_link(out_dir: Path, summary: Path | None, ext: str) -> str | None:
    """The heat map's link to each profile's output, relative to the page: every folder name
    percent-encoded ('javascript:' becomes 'javascript%3A'), no { } left for str.format."""
    from urllib.parse import quote

    base = summary.parent if summary else Path(".")
    try:
        rel = os.path.relpath(out_dir, base)
    except ValueError:          # Windows: another drive, no relative link: the cells are not linked
        return None
    return "/".join(quote(seg, safe="") for seg in rel.split(os.sep)) + "/{id}" + ext


def run_batch(inputs: Iterable[str], *, as_of: _dt.date, lang: str, fmt: str = "json",
              include_passed: bool = False, due_soon_days: int = DUE_SOON_DAYS, jobs: int | None = None,
              output_dir: str | os.PathLike | None = None, summary: str | os.PathLike | None = None,
              summary_format: str | None = None, fail_on: str | None = None,
              engine=None, emit: Callable[[bytes | str], None] | None = None,
              on_outcome: Callable[[Outcome, int], None] | None = None,
              selection: dict | None = None, max_age: int = MAX_AGE_DAYS,
              expected: list[tuple[str, str | None]] | None = None) -> BatchReport:
    """Evaluate every profile under `inputs` and write the outputs and the summary.

    Each profile's output goes to `output_dir/<id><ext>` (committed in rounds: every file there
    is the old one or the whole new one), else to `emit` as a JSON Line. A bad profile, or a
    second profile with an id already seen, is skipped and reported through `on_outcome(outcome,
    total)`, which sees every outcome (for a progress bar). No output may replace an input: the profiles, the
    catalogs and the rules. The exit code follows the README: 0, 1 (`fail_on` reached), 2
    (every profile failed) or 4 (some did), and 3 when the rule engine failed on a profile (or
    a bug stopped one: an internal error), whatever the others did; the others still run.

    An output that cannot be written (a full disk) stops the batch with a GapcheckError naming
    it. Stopped early (that, Ctrl-C's KeyboardInterrupt, SIGTERM's interrupts.Terminated), the
    batch stops its workers and removes every temporary file before the exception goes on;
    the outputs already in place are whole. Temporary files that killed runs left in
    `output_dir` are swept first (engine.report.output.sweep_stale)."""
    gc.enable()         # a batch's work grows with its input (the command starts without it)
    with interrupts.sigterm_raises():
        return _batch(inputs, as_of=as_of, lang=lang, fmt=fmt, include_passed=include_passed,
                      due_soon_days=due_soon_days, jobs=jobs, output_dir=output_dir,
                      summary=summary, summary_format=summary_format, fail_on=fail_on,
                      engine=engine, emit=emit, on_outcome=on_outcome, selection=selection,
                      max_age=max_age, expected=expected)


def _batch(inputs, *, as_of, lang, fmt, include_passed, due_soon_days, jobs, output_dir, summary,
           summary_format, fail_on, engine, emit, on_outcome, selection=None,
           max_age=MAX_AGE_DAYS, expected=None) -> BatchReport:
    from ..api import default_engine, inputs_of
    from ..errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
    from ..load.files import expand_profiles
    from ..report.formats import EXTENSIONS
    from ..report.model import fails_on
    from ..report.output import commit_all, identities, sweep_stale, write_atomic
    from . import rollup

    paths = expand_profiles(inputs)
    engine = engine or default_engine()      # loaded and checked once, before any worker starts
    per_fmt = "json" if fmt == "table" else fmt
    out_dir = Path(output_dir) if output_dir else None
    if not out_dir and per_fmt != "json":
        raise GapcheckError(f"a batch writes --format {per_fmt} only into --output-dir (stdout gets JSON Lines)",
                            f"複数件の --format {per_fmt} 出力には --output-dir が必要です（標準出力は JSON Lines）")
    ext = EXTENSIONS.get(per_fmt, "." + per_fmt)
    sfmt = summary_format or SUMMARY_SUFFIXES.get(Path(summary).suffix.lower() if summary else "", "table")
    # an HTML summary (the heat map) links to each municipality's HTML report: written as well
    also_html = bool(out_dir) and sfmt == "html" and ext != ".html"
    if out_dir and summary:
        _check_summary_name(Path(summary), out_dir, ext)
        if also_html:
            _check_summary_name(Path(summary), out_dir, ".html")
    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise GapcheckError(f"cannot create the output folder: {e.strerror}",
                                f"出力フォルダを作成できません: {e.strerror}", file=str(out_dir)) from None
        sweep_stale(out_dir)
    input_ids = identities([*inputs_of(*paths), *engine.input_paths])    # no output may replace one
    outcomes = run_many(paths, as_of=as_of, lang=lang, render=Renderer(per_fmt, selection),
                        jobs=jobs or os.cpu_count() or 1, include_passed=include_passed,
                        due_soon_days=due_soon_days, out_dir=out_dir, ext=ext, engine=engine,
                        also_html=also_html, max_age=max_age)
    ok_rows: list[Outcome] = []
    failed: list[Outcome] = []
    seen_ids: dict[str, str] = {}
    staged: list[tuple[str, Path]] = []
    try:
        for o in outcomes:
            target = out_dir / f"{o.profile_id}{ext}" if out_dir and o.ok else None
            if o.ok and o.profile_id in seen_ids:
                # two profiles with one id would write over each other's output
                other = printable(seen_ids[o.profile_id])
                _skip(o, f"id '{o.profile_id}' は {other} と重複しています",
                      f"id '{o.profile_id}' is also used by {other}")
            elif target is not None and any(t.is_dir() for t in
                                            [target] + [out_dir / n for _, n in o.staged_extra]):
                # that one output cannot be written: skipped like an invalid profile, the rest go on
                there = printable(str(next(t for t in [target] + [out_dir / n for _, n in o.staged_extra]
                                           if t.is_dir())))
                _skip(o, f"出力先 {there} がフォルダのため書き出せません。フォルダを移動するか削除してください",
                      f"its output {there} is a folder, so it cannot be written; move or remove the folder")
            if on_outcome:
                on_outcome(o, len(paths))
            if not o.ok:
                if o.fault == "output":     # every other output would fail as well: stop
                    raise GapcheckError(o.error["en"], o.error["ja"])
                failed.append(o)
                continue
            seen_ids[o.profile_id] = o.path
            ok_rows.append(o)
            if out_dir:
                staged.append((o.staged, target))
                staged.extend((tmp, out_dir / name) for tmp, name in o.staged_extra)
                o.staged_extra = []
                if len(staged) >= COMMIT_EVERY:
                    commit_all(staged, input_ids)
            elif emit:
                emit(o.text + (b"\n" if isinstance(o.text, bytes) else "\n"))
            o.text = ""      # keep only the counts
        commit_all(staged, input_ids)
    finally:
        try:
            outcomes.close()                  # stops the workers (if any are still running)
        finally:
            if out_dir:
                with interrupts.deferred():   # a signal now waits until this is done
                    discard_staged(out_dir)   # after an interruption: no temporary files left behind
    names = {a: getattr(c.name, lang, None) or a for a, c in engine.catalogs.catalogs.items()}
    matrix = Matrix(list(engine.catalogs.catalogs), ok_rows, failed, names, dict(engine.ruleset.editions),
                    missing=expected_missing(expected, ok_rows) if expected else [])
    link = (_relative_link(out_dir, Path(summary) if summary else None, ".html")
            if out_dir and sfmt == "html" else None)
    text = rollup.render_html(matrix, lang, link) if sfmt == "html" else rollup.RENDERERS[sfmt](matrix, lang)
    if summary:
        write_atomic(summary, text, input_ids)
    if any(o.fault == "internal" for o in failed):
        code = EXIT_INTERNAL                  # never looks like bad input, nor like success
    elif failed:
        code = EXIT_USAGE if not ok_rows else EXIT_PARTIAL
    elif fail_on and any(fails_on(o.severities, fail_on) for o in ok_rows):
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    return BatchReport(ok_rows, failed, text, code)

