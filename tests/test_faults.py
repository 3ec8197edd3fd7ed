"""Fault injection: what gapcheck does when the rule engine, the disk or the user stops a run.

- the rule engine loses activations (a rule's action never reports its matches, the observer
  rules still count every fact): an engine error (exit 3), never "unassessed" findings that
  pass --fail-on, in a single run and in a batch (--jobs 1 and 2);
- a rule action raises in one profile of a batch: exit 3 (never 2 or 4, "bad input");
- SIGINT and SIGTERM to the process group in the middle of a batch with --output-dir, and at
  the moment a single run's output is being moved into place: exit 130 / 143, no traceback,
  no temporary file left;
- a full disk (a small tmpfs, where this machine lets us mount one): exit 2 naming the output,
  no partial or temporary file;
- temporary files that a killed run left behind are swept by a later run, and only those.
"""
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from gapcheck.cli import main
from gapcheck.engine import api
from gapcheck.engine.errors import EngineError
from gapcheck.engine.match.compiler import DurableMatcher
from gapcheck.engine.report.output import STAGE_SUFFIX
from tests.conftest import PROFILES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

AS_OF = "2026-11-23"
UCHINADA = PROFILES / "uchinada.yaml"
LATE_PLAN = "base_systems.overdue_late_plan"    # of the shipped profiles, fires on uchinada only (AS_OF)
SHIPPED = ("choda", "hakusan", "kaga", "tomisato", "uchinada")

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="the injected engine reaches --jobs 2 workers by fork")
posix_signals = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and process groups")


def _lose(c):
    """An action that reports nothing: the rule's activations are lost, while the observer
    rules still see every fact (so the count of facts that reached the engine is right)."""


def _boom(c):
    raise RuntimeError("boom in action")


def _engine_with(base, actions) -> api.Engine:
    return api.Engine(base.ruleset.with_matcher(lambda rules: DurableMatcher(rules, actions=actions)))


@pytest.fixture(scope="module")
def losing_all(engine):
    """Every rule's activations lost: every requirement would come out unassessed/info."""
    return _engine_with(engine, {r.id: _lose for r in engine.rules.rules})


@pytest.fixture(scope="module")
def failing_late_plan(engine):
    """LATE_PLAN's action raises: an engine error on uchinada, the other profiles unaffected."""
    return _engine_with(engine, {LATE_PLAN: _boom})


@pytest.fixture
def shipped(tmp_path):
    d = tmp_path / "profiles"
    d.mkdir()
    for name in SHIPPED:
        shutil.copy(PROFILES / f"{name}.yaml", d / f"{name}.yaml")
    return d


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen240")
    generate.generate(240, 11, d)
    return d


def _temporary(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob(f"*{STAGE_SUFFIX}")) if folder.exists() else []


# ---------------------------------------------------------------------------- lost activations

def test_a_lost_activation_is_an_engine_error(engine):
    """One rule's activations lost on a profile it holds on: the safety net would have called its
    requirements unassessed; the rules' Python predicates say the rule holds, so it is an
    EngineError naming the rule. Where the rule does not hold (kaga), nothing is amiss."""
    import datetime

    from gapcheck.engine.load.profile import load_profile
    from gapcheck.engine.match.evaluate import evaluate

    lossy = _engine_with(engine, {LATE_PLAN: _lose}).ruleset
    day = datetime.date(2026, 11, 23)
    with pytest.raises(EngineError, match=LATE_PLAN):
        evaluate(lossy, load_profile(str(UCHINADA), engine.catalogs), day)
    kaga = load_profile(str(PROFILES / "kaga.yaml"), engine.catalogs)
    assert ([f.id for f in evaluate(lossy, kaga, day).findings]
            == [f.id for f in evaluate(engine.ruleset, kaga, day).findings])


def test_lost_activations_fail_a_single_run(runner, losing_all, monkeypatch, tmp_path):
    monkeypatch.setattr(api, "_default", losing_all)
    out = tmp_path / "f.json"
    r = runner.invoke(main, ["--lang", "en", "run", str(UCHINADA), "--as-of", AS_OF, "--fail-on", "critical",
                             "--format", "json", "-o", str(out)])
    assert r.exit_code == 3, r.output
    assert "rule engine error" in r.stderr and "did not report" in r.stderr
    assert "Traceback" not in r.output and not out.exists()


@needs_fork
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_lost_activations_fail_a_batch(runner, losing_all, monkeypatch, shipped, tmp_path, jobs):
    monkeypatch.setattr(api, "_default", losing_all)
    r = runner.invoke(main, ["--lang", "en", "run", str(shipped), "--as-of", AS_OF, "--fail-on", "critical",
                             "--jobs", jobs, "--output-dir", str(tmp_path / "out")])
    assert r.exit_code == 3, r.output
    assert r.stderr.count("rule engine error") == len(SHIPPED) and "did not report" in r.stderr
    assert "internal error" in r.stderr and "Traceback" not in r.output
    assert not list((tmp_path / "out").iterdir())


# ---------------------------------------------------------------------------- an action raises

@needs_fork
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_action_exception_makes_a_batch_exit_3(runner, failing_late_plan, monkeypatch, shipped,
                                                  tmp_path, jobs):
    """The rule engine failing on one profile is an internal error (3), not a bad profile (4),
    even with a really bad profile beside it; the others still run and are written."""
    monkeypatch.setattr(api, "_default", failing_late_plan)
    (shipped / "broken.yaml").write_text("id: broken\nmunicipality: [\n", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(main, ["--lang", "en", "run", str(shipped), "--as-of", AS_OF, "--jobs", jobs,
                             "--output-dir", str(out)])
    assert r.exit_code == 3, r.output
    engine_lines = [ln for ln in r.stderr.splitlines() if "rule engine error" in ln]
    assert len(engine_lines) == 1 and "uchinada.yaml" in engine_lines[0] and "boom in action" in engine_lines[0]
    assert "error (skipped): " in r.stderr and "broken.yaml" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{n}.json" for n in SHIPPED if n != "uchinada"]
    assert "Traceback" not in r.output


# ---------------------------------------------------------------------------- signals

def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _interrupt_batch(many, out, signame: str, busy: bool) -> tuple[int, str, list[int]]:
    """Start a batch of `many` into `out` with --jobs 2 in a session of its own; once the
    workers have written 10 files, send `signame` to its process group. busy: with the main
    process stopped (SIGSTOP) meanwhile, as when it is busy syncing, so that the workers see the
    signal first. Returns the exit code, stderr and the worker pids."""
    p = subprocess.Popen([sys.executable, "-m", "gapcheck", "--lang", "en", "run", str(many), "--as-of", AS_OF,
                          "--output-dir", str(out), "--jobs", "2"], cwd=out.parent,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while p.poll() is None and time.monotonic() < deadline:
            if out.is_dir() and len(os.listdir(out)) >= 10:
                break
            time.sleep(0.005)
        assert p.poll() is None, "the batch ended before it could be interrupted"
        workers = _children(p.pid)
        if busy:
            os.kill(p.pid, signal.SIGSTOP)
        os.killpg(p.pid, getattr(signal, signame))
        if busy:
            time.sleep(0.3)
            os.kill(p.pid, signal.SIGCONT)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, err.decode("utf-8", "replace"), workers


@posix_signals
@pytest.mark.parametrize("signame,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_to_the_process_group_ends_a_batch_cleanly(many, tmp_path, signame, code):
    """Ctrl-C (SIGINT to the process group) or SIGTERM to it (timeout, a CI cancel) while
    workers write outputs, with the main process ready and with it busy: exit 130 / 143, no
    traceback, no temporary file, no worker left, and every output in place is whole."""
    for busy in (False, True):
        out = tmp_path / f"out-{busy}"
        rc, err, workers = _interrupt_batch(many, out, signame, busy)
        assert rc == code, (busy, err[-3000:])
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (busy, err[-3000:])
        assert ("interrupted" if signame == "SIGINT" else "SIGTERM") in err
        assert _temporary(out) == [], busy
        for f in out.iterdir():
            json.loads(f.read_bytes())
        time.sleep(0.1)
        assert [w for w in workers if _alive(w)] == [], busy


@posix_signals
def test_workers_do_not_outlive_a_killed_batch(many, tmp_path):
    """The workers are in a process group of their own (so that Ctrl-C reaches only the main
    process): SIGKILL to the batch's group kills the main process alone, and its workers then
    end by themselves instead of working through the queue."""
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-m", "gapcheck", "run", str(many), "--as-of", AS_OF,
                          "--output-dir", str(out), "--jobs", "2"], cwd=tmp_path,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while p.poll() is None and time.monotonic() < deadline and not (out.is_dir() and len(os.listdir(out)) >= 10):
            time.sleep(0.005)
        assert p.poll() is None, "the batch ended before it could be killed"
        workers = _children(p.pid)
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    deadline = time.monotonic() + 10
    while [w for w in workers if _alive(w)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [w for w in workers if _alive(w)] == []
    assert b"Traceback" not in err


_INTERRUPT_AT_COMMIT = """
import os, signal, sys
from gapcheck.engine.report import output
real = output.commit
def commit(*args, **kwargs):
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))      # staged, not yet moved into place
    return real(*args, **kwargs)
output.commit = commit
from gapcheck.cli import main
main(sys.argv[2:], prog_name="gapcheck")
"""


@posix_signals
@pytest.mark.parametrize("signame,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_a_single_output_is_written_leaves_no_temporary_file(tmp_path, signame, code):
    """The signal arrives after the output is staged and before it is moved into place: it waits
    until the file is in place (whole), then the run stops with 130 / 143."""
    target = tmp_path / "findings.json"
    r = subprocess.run([sys.executable, "-c", _INTERRUPT_AT_COMMIT, signame, "--lang", "en", "run", str(UCHINADA),
                        "--as-of", AS_OF, "--format", "json", "-o", str(target)],
                       cwd=tmp_path, capture_output=True, timeout=120)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == code, err[-3000:]
    assert "Traceback" not in err
    assert _temporary(tmp_path) == []
    assert json.loads(target.read_bytes())["findings"]


# ---------------------------------------------------------------------------- a full disk

@pytest.fixture
def small_disk(tmp_path):
    """A 300 KB tmpfs (room for two batch outputs), or a skip where mounting is not allowed."""
    d = tmp_path / "small"
    d.mkdir()
    if not shutil.which("mount") or os.name != "posix":
        pytest.skip("no mount here")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(d)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield d
    finally:
        subprocess.run(["umount", "-l", str(d)], capture_output=True)


def test_a_full_disk_stops_a_batch_with_exit_2(runner, many, tmp_path, small_disk):
    """The first outputs fit, then the disk is full: the batch stops with exit 2 and a message
    naming the output that could not be written (not 4, as if profiles were bad), and leaves
    neither temporary files nor part of the outputs."""
    few = tmp_path / "few"
    few.mkdir()
    for f in sorted(many.iterdir())[:12]:
        shutil.copy(f, few / f.name)
    out = small_disk / "out"
    r = runner.invoke(main, ["--lang", "en", "run", str(few), "--as-of", AS_OF, "--jobs", "2",
                             "--output-dir", str(out)])
    assert r.exit_code == 2, r.output
    assert "No space left on device" in r.stderr and f"{out}{os.sep}m00" in r.stderr, r.stderr
    assert "skipped" not in r.stderr and "Traceback" not in r.output
    assert sorted(os.listdir(out)) == []
    # a single run into the full disk: exit 2 naming the file, no temporary file, no file
    (small_disk / "filler").write_bytes(b"x" * 250_000)
    one = small_disk / "one.json"
    r = runner.invoke(main, ["--lang", "en", "run", str(UCHINADA), "--as-of", AS_OF, "--format", "json",
                             "-o", str(one)])
    assert r.exit_code == 2 and str(one) in r.stderr and "No space left on device" in r.stderr, r.output
    assert sorted(os.listdir(small_disk)) == ["filler", "out"]


# ---------------------------------------------------------------------------- leftovers of killed runs

def test_a_later_run_sweeps_what_killed_runs_left(runner, shipped, tmp_path):
    """A temporary file of a run that is gone (its pid is not running) and that is older than
    STALE_AFTER is removed by the next batch into the folder; a recent one, or one of a process
    still running, is kept (it may belong to a live run)."""
    from gapcheck.engine.report import output

    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    old = time.time() - getattr(output, "STALE_AFTER", 600) - 60
    stale = out / f".m0001.json.gc{gone}.abc123de{STAGE_SUFFIX}"
    recent = out / f".m0002.json.gc{gone}.abc123df{STAGE_SUFFIX}"
    live = out / f".m0003.json.gc{os.getppid()}.abc123dg{STAGE_SUFFIX}"
    for f in (stale, recent, live):
        f.write_text("{")
    for f in (stale, live):
        os.utime(f, (old, old))
    r = runner.invoke(main, ["run", str(shipped), "--as-of", AS_OF, "--jobs", "1", "--output-dir", str(out)])
    assert r.exit_code == 0, r.output
    assert _temporary(out) == sorted([recent.name, live.name])
