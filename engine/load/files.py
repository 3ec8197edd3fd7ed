"""Which profile files a command reads when it is given files and folders.

One rule for `run`, `validate` and every other command that takes many profiles: a file is
read as given; a folder stands for every *.yaml and *.yml file in it and its subfolders, sorted,
except TEMPLATE.yaml, waiver files (*.waivers.yaml) and anything whose name (or a folder's name
on the way) starts with '_' or '.'. Each file is read once, however often it is named.
"""
from __future__ import annotations

import os
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
