"""Reading input files: which profiles a command reads when given files and folders, and the
one bounded reader every input goes through.

One rule for `run`, `validate` and every other command that takes many profiles: a file is
read as given; a folder stands for every *.yaml and *.yml file in it and its subfolders, sorted,
except TEMPLATE.yaml, waiver files (*.waivers.yaml) and anything whose name (or a folder's name
on the way) starts with '_' or '.'. Each file is read once, however often it is named.

Every input (profiles, waivers, catalogs, rules, JSON runs for diff) is read by read_bounded:
regular files only (a FIFO, a device or a folder is refused without blocking), at most a given
size, checked before and while reading.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from ..errors import GapcheckError

SKIP_NAMES = frozenset({"TEMPLATE.yaml", "TEMPLATE.yml"})
SUFFIXES = (".yaml", ".yml")


def _wanted(p: Path, top: Path) -> bool:
    return (p.suffix in SUFFIXES and p.name not in SKIP_NAMES and not p.name.endswith(".waivers.yaml")
            and not any(part.startswith(("_", ".")) for part in p.relative_to(top).parts))


def expand_profiles(inputs: Iterable[str]) -> list[str]:
    """Profile paths from files and folders, in a stable order, each once; an empty folder is
    an error naming it."""
    out: list[str] = []
    seen: set[str] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files = sorted(q for q in p.rglob("*") if q.is_file() and _wanted(q, p))
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


_CHUNK = 1024 * 1024


def _not_regular(file: str, mode: int, hint_en: str | None, hint_ja: str | None) -> GapcheckError:
    if stat.S_ISDIR(mode):
        return GapcheckError("this is a directory, not a file", "ディレクトリです。ファイルを指定してください",
                             file=file)
    kind_en, kind_ja = (("a named pipe (FIFO)", "名前付きパイプ（FIFO）") if stat.S_ISFIFO(mode) else
                        ("a device", "デバイス") if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                        ("a socket", "ソケット") if stat.S_ISSOCK(mode) else
                        ("not a regular file", "通常のファイルではないもの"))
    return GapcheckError(f"this is {kind_en}, not a regular file", f"{kind_ja}です。通常のファイルを指定してください",
                         file=file, hint_en=hint_en, hint_ja=hint_ja)


def read_bounded(file: str, limit: int, *, hint_en: str | None = None, hint_ja: str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a GapcheckError naming the file
    (the hint says what file is expected). A FIFO, a device or a folder is refused before it is
    read (it could block or never end); the size is checked before and while reading."""
    def too_big(size_en: str, size_ja: str) -> GapcheckError:
        return GapcheckError(f"the file is {size_en} bytes; the limit is {limit:,}",
                             f"ファイルが大きすぎます（{size_ja} バイト、上限 {limit:,} バイト）", file=file,
                             hint_en=hint_en, hint_ja=hint_ja)

    try:
        st = os.stat(file)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(file, st.st_mode, hint_en, hint_ja)
        if st.st_size > limit:
            raise too_big(f"{st.st_size:,}", f"{st.st_size:,}")
        # O_NONBLOCK: should the file have been replaced by a FIFO since the stat, opening it
        # does not wait for a writer; the descriptor is checked again before reading.
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb", buffering=0) as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(file, st.st_mode, hint_en, hint_ja)
            chunks, n = [], 0
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                n += len(chunk)
                if n > limit:           # the file grew after the stat (or its size is not known)
                    raise too_big(f"more than {limit:,}", f"{limit:,} 超")
                chunks.append(chunk)
            return b"".join(chunks)
    except FileNotFoundError:
        raise GapcheckError("no such file", "ファイルが見つかりません", file=file) from None
    except PermissionError:
        raise GapcheckError("the file cannot be read (permission denied)",
                            "ファイルを読み取れません（アクセス権がありません）", file=file) from None
    except IsADirectoryError:
        raise GapcheckError("this is a directory, not a file", "ディレクトリです。ファイルを指定してください",
                            file=file) from None
    except OSError as e:
        raise GapcheckError(f"the file cannot be read: {e.strerror or e}",
                            f"ファイルを読み取れません: {e.strerror or e}", file=file) from None
    except ValueError as e:         # e.g. a NUL character in the file name
        raise GapcheckError(f"the file cannot be read: {e}", f"ファイルを読み取れません: {e}", file=file) from None
