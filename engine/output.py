"""Writing outputs safely: atomically, and never over an input."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import GapcheckError


def write_atomic(path: str | os.PathLike, data: str | bytes, inputs: list[str] = ()) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    An interrupted run leaves the old file intact. Refuses to write over any of `inputs`.
    """
    target = Path(path)
    for i in inputs:
        try:
            if target.exists() and Path(i).exists() and os.path.samefile(target, i):
                raise GapcheckError(
                    f"refusing to write the output over the input file {i}",
                    f"入力ファイル {i} に出力を上書きすることはできません",
                    file=str(target), hint_en="choose another --output file",
                    hint_ja="別の --output ファイルを指定してください")
        except OSError:
            continue
    if target.is_dir():
        raise GapcheckError("the output path is a directory", "出力先がディレクトリです", file=str(target))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise GapcheckError("the output folder does not exist", "出力先のフォルダがありません", file=str(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
