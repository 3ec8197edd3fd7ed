"""Interruptions: Ctrl-C (SIGINT) and SIGTERM (timeout, a CI cancel, docker stop) end a run
cleanly: no temporary file left behind, no traceback, exit 130 or 143 (the CLI's).

- `sigterm_raises()`: SIGTERM raises Terminated in the main thread, as Ctrl-C raises
  KeyboardInterrupt, so the same clean-up (`finally:`) runs for both;
- `deferred()`: while a file is written and moved into place, or a batch removes its
  temporary files, the two signals wait, and take effect when it is done (a second one does not wait);
- a batch's worker processes leave both signals to the main process: they are started with the
  signals blocked (`blocked()`) and, in their initializer (`quiet_worker()`), move to a process
  group of their own, ignore SIGINT and keep SIGTERM's default. A signal to the whole process
  group (Ctrl-C in a terminal, `timeout`, `kill -- -PGID`) therefore reaches only the main
  process, which stops the workers itself once each has finished the profile it is on
  (engine.commands.batch): a worker killed in the middle of sending its result would leave the
  pool's queue lock taken, and the pool waiting for it forever.

Signal handlers can only be set in the main thread: elsewhere these do nothing.
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

EXIT_SIGINT = 128 + 2       # 130, as a shell reports a process ended by SIGINT
EXIT_SIGTERM = 128 + 15     # 143, likewise for SIGTERM

SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)


class Terminated(BaseException):
    """SIGTERM was received. A BaseException, as KeyboardInterrupt is, so that `except
    Exception` (one profile's error in a batch) does not catch it."""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within: SIGTERM raises Terminated, unless a handler of the caller's own is installed."""
    if not _main_thread() or not hasattr(signal, "SIGTERM") \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def deferred() -> Iterator[None]:
    """Within: SIGINT and SIGTERM wait; their handlers run when the block ends (a file being
    written is finished or removed first). A second signal meanwhile takes effect at once."""
    if not _main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, object] = {}

    def restore() -> None:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        previous.clear()

    def hold(signum, frame) -> None:
        if held:                    # asked twice: stop waiting
            restore()
            signal.raise_signal(signum)
            return
        held.append(signum)

    for s in SIGNALS:
        previous[s] = signal.signal(s, hold)
    try:
        yield
    finally:
        if previous:
            restore()
            for s in held:
                signal.raise_signal(s)          # its own handler runs now


@contextmanager
def blocked() -> Iterator[None]:
    """Within: SIGINT and SIGTERM are blocked in this thread, and so in every thread and process
    it starts (they inherit the mask): for starting a pool of workers (see quiet_worker).
    Signals that arrive meanwhile are delivered when it ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def quiet_worker() -> None:
    """In a worker process (started within `blocked()`): leave SIGINT and SIGTERM to the main
    process. Move to a process group of one's own, so that signals sent to the main process's
    group miss it; ignore SIGINT; die of SIGTERM (Pool.terminate, the main process's last
    resort); then unblock the two."""
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
