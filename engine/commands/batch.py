"""Running many profiles at once: a prefecture's municipalities, or all 1,741.

    report = run_batch(["profiles/"], as_of=day, lang="ja", output_dir="out", summary="out/heat.html")

- inputs are files and folders (engine.load.files.expand_profiles);
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

from ..errors import GapcheckError, printable
from ..match.facts import DUE_SOON_DAYS
from ..load.models import FINDING_STATUSES

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


# ----------------------------------------------------------------------------- workers


class Renderer:
    """Picklable `render(result, lang)` for the workers: one profile's output in `fmt`.

    In a batch, JSON is written compact (one line per profile: JSON Lines), as UTF-8 bytes."""

    def __init__(self, fmt: str = "json"):
        self.fmt = fmt

    def __call__(self, result, lang: str):
        from ..report import model as report

        if self.fmt == "json":
            from ..report.formats.json import dumps

            return dumps(report.to_dict(result, lang), compact=True)
        from ..api import render

        return render(result, self.fmt, lang)


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


def _run_one(path: str) -> Outcome:
    """One profile, with the cyclic garbage collector paused: a profile allocates tens of
    thousands of short-lived objects, freed by reference counting, which made the collector
    run about twenty times per profile (benchmarks/README.md). It
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
    from ..report import model as report

    opts = _worker_state["options"]
    engine = _worker_state["engine"]
    try:
        result = engine.run(path, as_of=opts["as_of"], include_passed=opts["include_passed"],
                            due_soon_days=opts["due_soon_days"], langs=(opts["lang"],))
        if opts.get("waivers") is not None:
            from ..match import waivers as waivers_mod

            result = waivers_mod.apply_waivers(result, opts["waivers"], result.as_of)
        render: Callable = opts["render"]
        text = render(result, opts["lang"])
        p = result.profile.profile
        summary = report.summary(result.findings)
        staged = None
        if opts.get("out_dir"):
            # written here, in parallel; the main process moves it into place (or discards it)
            from ..report.output import stage

            staged = stage(Path(opts["out_dir"]) / f"{p.id}{opts['ext']}", text, tag=opts["tag"], sync=False)
            text = ""
        return Outcome(path, True, text, p.id, p.municipality.name, p.municipality.code,
                       p.municipality.prefecture, summary["by_area"], summary["by_severity"],
                       staged=staged)
    except GapcheckError as e:
        return Outcome(path, False, error={"ja": e.render("ja"), "en": e.render("en")})
    except Exception as e:  # noqa: BLE001 — one profile must not stop a batch; reported, never hidden
        from ..errors import printable

        msg, where = printable(f"{type(e).__name__}: {e}"), printable(path)
        return Outcome(path, False, error={"ja": f"{where}: 内部エラー（不具合）: {msg}",
                                           "en": f"{where}: internal error (a bug in gapcheck): {msg}"})


def run_many(paths: list[str], *, as_of: _dt.date, lang: str, render: Callable, jobs: int = 1,
             include_passed: bool = False, due_soon_days: int = DUE_SOON_DAYS, waivers=None,
             catalogs_dir=None, rules_dir=None, out_dir: str | os.PathLike | None = None,
             ext: str = ".json", engine=None) -> Iterator[Outcome]:
    """Evaluate every profile and yield its Outcome, in the order of `paths`.

    `render(result, lang) -> str | bytes` turns one Result into its output; it runs in the
    workers, so it must be a module-level function (picklable).

    With `out_dir`, each worker writes its output to a temporary file in `out_dir` (named for
    `<id><ext>`, not yet synced to disk) and the Outcome carries its name in `staged` instead of
    the text: the caller syncs (engine.report.output.sync_all) and moves them into place with
    engine.report.output.commit, or discards them. Writing in the workers keeps the main process from
    becoming the bottleneck (it would otherwise receive and write every output itself). If the
    caller stops early, `discard_staged(out_dir)` removes what is left.
    """
    options = {"as_of": as_of, "lang": lang, "render": render, "include_passed": include_passed,
               "due_soon_days": due_soon_days, "waivers": waivers,
               "catalogs_dir": catalogs_dir, "rules_dir": rules_dir,
               "out_dir": str(out_dir) if out_dir else None, "ext": ext, "tag": stage_tag()}
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
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(options,)) as pool:
        yield from pool.imap(_run_one, paths, chunksize=chunk)


def stage_tag() -> str:
    """Marks the temporary files of this run (the main process's pid)."""
    return f"gc{os.getpid()}"


def discard_staged(out_dir: str | os.PathLike) -> None:
    """Remove the temporary files this run's workers left in out_dir (after an interruption)."""
    from ..report.output import STAGE_SUFFIX, discard

    for p in Path(out_dir).glob(f".*.{stage_tag()}.*{STAGE_SUFFIX}"):
        discard(str(p))


# ----------------------------------------------------------------------------- roll-up

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
    o.ok = False
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
              on_outcome: Callable[[Outcome, int], None] | None = None) -> BatchReport:
    """Evaluate every profile under `inputs` and write the outputs and the summary.

    Each profile's output goes to `output_dir/<id><ext>` (committed in rounds: every file there
    is the old one or the whole new one), else to `emit` as a JSON Line. A bad profile, or a
    second profile with an id already seen, is skipped and reported through `on_outcome(outcome,
    total)`, which sees every outcome (for a progress bar). No output may replace an input: the profiles, the
    catalogs and the rules. The exit code follows the README: 0, 1 (`fail_on` reached), 2
    (every profile failed) or 4 (some did)."""
    from ..api import default_engine, inputs_of
    from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
    from ..load.files import expand_profiles
    from ..report.formats import EXTENSIONS
    from ..report.model import fails_on
    from ..report.output import commit_all, identities, write_atomic
    from . import rollup

    paths = expand_profiles(inputs)
    engine = engine or default_engine()      # loaded and checked once, before any worker starts
    per_fmt = "json" if fmt == "table" else fmt
    out_dir = Path(output_dir) if output_dir else None
    if not out_dir and per_fmt != "json":
        raise GapcheckError(f"a batch writes --format {per_fmt} only into --output-dir (stdout gets JSON Lines)",
                            f"複数件の --format {per_fmt} 出力には --output-dir が必要です（標準出力は JSON Lines）")
    ext = EXTENSIONS.get(per_fmt, "." + per_fmt)
    if out_dir and summary:
        _check_summary_name(Path(summary), out_dir, ext)
    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise GapcheckError(f"cannot create the output folder: {e.strerror}",
                                f"出力フォルダを作成できません: {e.strerror}", file=str(out_dir)) from None
    input_ids = identities([*inputs_of(*paths), *engine.input_paths])    # no output may replace one
    outcomes = run_many(paths, as_of=as_of, lang=lang, render=Renderer(per_fmt),
                        jobs=jobs or os.cpu_count() or 1, include_passed=include_passed,
                        due_soon_days=due_soon_days, out_dir=out_dir, ext=ext, engine=engine)
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
            elif target is not None and target.is_dir():
                # that one output cannot be written: skipped like an invalid profile, the rest go on
                there = printable(str(target))
                _skip(o, f"出力先 {there} がフォルダのため書き出せません。フォルダを移動するか削除してください",
                      f"its output {there} is a folder, so it cannot be written; move or remove the folder")
            if on_outcome:
                on_outcome(o, len(paths))
            if not o.ok:
                failed.append(o)
                continue
            seen_ids[o.profile_id] = o.path
            ok_rows.append(o)
            if out_dir:
                staged.append((o.staged, target))
                if len(staged) >= COMMIT_EVERY:
                    commit_all(staged, input_ids)
            elif emit:
                emit(o.text + (b"\n" if isinstance(o.text, bytes) else "\n"))
            o.text = ""      # keep only the counts
        commit_all(staged, input_ids)
    finally:
        outcomes.close()                      # stops the workers (if any are still running)
        if out_dir:
            discard_staged(out_dir)           # after an interruption: no temporary files left behind
    matrix = Matrix(list(engine.catalogs.catalogs), ok_rows, failed)
    sfmt = summary_format or SUMMARY_SUFFIXES.get(Path(summary).suffix.lower() if summary else "", "table")
    link = _relative_link(out_dir, Path(summary) if summary else None, ext) if out_dir and sfmt == "html" else None
    text = rollup.render_html(matrix, lang, link) if sfmt == "html" else rollup.RENDERERS[sfmt](matrix, lang)
    if summary:
        write_atomic(summary, text, input_ids)
    if failed:
        code = EXIT_USAGE if not ok_rows else EXIT_PARTIAL
    elif fail_on and any(fails_on(o.severities, fail_on) for o in ok_rows):
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    return BatchReport(ok_rows, failed, text, code)

