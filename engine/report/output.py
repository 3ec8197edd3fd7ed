"""Writing outputs safely: atomically, never over an input, and leaving no temporary file (a
signal waits until the file is in place; what killed runs left is swept)."""
from __future__ import annotations

import glob
import os
import re
import time
from pathlib import Path

from ..errors import GapcheckError
from ..interrupts import deferred


def _identity(p: str | os.PathLike) -> tuple[int, int] | None:
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def identities(paths) -> frozenset:
    """(device, inode) of each existing path: the `inputs` write_atomic and commit accept, computed
    once for a batch (comparing paths would stat every input for every output)."""
    return frozenset(i for i in map(_identity, paths) if i is not None)


def write_atomic(path: str | os.PathLike, data: str | bytes, inputs: list[str] | frozenset = (), *,
                 overwrite: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    An interrupted run leaves the old file intact. Refuses to write over any of `inputs` (paths,
    or their `identities`): the caller names them, its profiles, waivers, catalogs and rules
    included (engine.api.inputs_of). With
    overwrite=False an existing file is never replaced (exit 2), even if it appears meanwhile.
    """
    _check_target(Path(path), inputs, overwrite)
    sweep_stale(Path(path).parent if str(Path(path).parent) else Path("."), Path(path).name)
    with deferred():        # Ctrl-C or SIGTERM now takes effect once the file is in place or gone
        commit(stage(path, data, tag=stage_tag()), path, inputs, overwrite=overwrite)


def _check_target(target: Path, inputs, overwrite: bool) -> None:
    # Only an existing file can be an input: stat the target once and compare identities with
    # the inputs' (a frozenset from `identities`, or paths).
    ident = _identity(target)
    if ident and ident in (inputs if isinstance(inputs, frozenset) else identities(inputs)):
        raise GapcheckError(
            f"refusing to write the output over the input file {target}",
            f"入力ファイル {target} に出力を上書きすることはできません",
            file=str(target), hint_en="choose another --output file",
            hint_ja="別の --output ファイルを指定してください")
    if target.is_dir():
        raise GapcheckError("the output path is a directory", "出力先がディレクトリです", file=str(target))
    if not overwrite and (target.exists() or target.is_symlink()):
        raise GapcheckError("the file already exists; refusing to overwrite it",
                            "ファイルがすでにあります。上書きしません", file=str(target),
                            hint_en="choose another file name, or move the old file away first",
                            hint_ja="別のファイル名を指定するか、既存のファイルを移動してください")


STAGE_SUFFIX = ".gapcheck-tmp"
STALE_AFTER = 600       # seconds: a temporary file this old, of a process that is gone, is swept


def stage_tag() -> str:
    """Marks the temporary files of this run: gc<pid of the main process>."""
    return f"gc{os.getpid()}"


_STAGED = re.compile(r"\.gc(\d+)\.[^.]+" + re.escape(STAGE_SUFFIX) + "$")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):     # another user's process, or cannot tell
        return True
    return True


def sweep_stale(folder: str | os.PathLike, name: str = "*") -> list[str]:
    """Remove the temporary files (of outputs named `name`) that killed runs left in `folder`
    (SIGKILL, a power cut): those whose run's process (the pid in their tag) is not running and
    that are STALE_AFTER seconds old. A live run's temporary files are kept: its process runs,
    and in a folder shared with another machine (where the pid says nothing) they are seconds
    old, since a batch moves its outputs into place every 200 profiles (batch.COMMIT_EVERY).
    Returns the names removed."""
    if os.name == "nt":         # os.kill(pid, 0) would end the process there
        return []
    removed = []
    now = time.time()
    try:
        candidates = list(Path(folder).glob(f".{glob.escape(name) if name != '*' else '*'}.gc*{STAGE_SUFFIX}"))
    except OSError:
        return []
    for p in candidates:
        m = _STAGED.search(p.name)
        if not m or _running(int(m.group(1))):
            continue
        try:
            if now - p.lstat().st_mtime < STALE_AFTER:
                continue
            p.unlink()
            removed.append(str(p))
        except OSError:
            pass
    return removed


def stage(path: str | os.PathLike, data: str | bytes, tag: str = "", *, sync: bool = True) -> str:
    """Write `data` to a new temporary file beside `path` and return its name.

    `commit` then moves it into place. With sync=False the file is not synced to disk here:
    the caller syncs once (`sync_all`) before committing many files, as a batch does (one
    fsync per file cost a quarter of a large batch: benchmarks/README.md)."""
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise GapcheckError("the output folder does not exist", "出力先のフォルダがありません", file=str(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = _mkstemp(parent, "." + target.name + "." + (tag + "." if tag else ""))
    except OSError as e:
        raise GapcheckError(f"cannot write in the output folder: {e.strerror}",
                            f"出力先のフォルダに書き込めません: {e.strerror}", file=str(target)) from None
    try:
        # mkstemp makes the file private (0600); give the output the mode a new file would get
        # (or keep the mode of the file it replaces), so shared reports stay readable
        try:
            mode = target.stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError):
            raise GapcheckError(f"cannot write the output: {e.strerror or e}; the old file (if any) is unchanged",
                                f"出力を書き込めません: {e.strerror or e}。既存のファイルは変更されていません",
                                file=str(target)) from None
        raise
    return tmp


def commit(tmp: str, path: str | os.PathLike, inputs: list[str] = (), *, overwrite: bool = True) -> None:
    """Move a staged file into place (atomically); the staged file is gone afterwards either way."""
    target = Path(path)
    try:
        _check_target(target, inputs, overwrite)
        if overwrite:
            os.replace(tmp, target)
        else:
            _place_new(tmp, target)
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError) and not isinstance(e, FileExistsError):
            raise GapcheckError(f"cannot write the output: {e.strerror or e}; the old file (if any) is unchanged",
                                f"出力を書き込めません: {e.strerror or e}。既存のファイルは変更されていません",
                                file=str(target)) from None
        raise


def sync_all() -> None:
    """Flush everything written so far to disk (before staged files are committed)."""
    if hasattr(os, "sync"):
        os.sync()


def commit_all(staged: list[tuple[str, Path]], inputs: list[str] | frozenset = ()) -> None:
    """Sync once, then move each staged (temporary file, target) into place; empties `staged`.

    A batch's outputs are staged without a sync each and committed in rounds: every file in
    place is whole."""
    if staged:
        sync_all()
        for tmp, target in staged:
            commit(tmp, target, inputs)
        staged.clear()


def discard(tmp: str | None) -> None:
    if tmp:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _place_new(tmp: str, target: Path) -> None:
    """Move tmp to target only if target does not exist (a hard link fails if it does)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise GapcheckError("the file already exists; refusing to overwrite it",
                            "ファイルがすでにあります。上書きしません", file=str(target)) from None
    except (AttributeError, NotImplementedError, PermissionError, OSError):
        # no hard links here (some file systems): os.rename refuses an existing target on
        # Windows; elsewhere the check above stands
        if target.exists():
            raise GapcheckError("the file already exists; refusing to overwrite it",
                                "ファイルがすでにあります。上書きしません", file=str(target)) from None
        os.rename(tmp, target)
        return
    os.unlink(tmp)


def _mkstemp(folder: Path, prefix: str) -> tuple[int, str]:
    """A new private file (0600) in `folder`, named prefix + random + STAGE_SUFFIX, opened for
    writing: what tempfile.mkstemp does, without importing tempfile on every run."""
    for _ in range(100):
        name = os.path.join(folder, prefix + os.urandom(6).hex() + STAGE_SUFFIX)
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
