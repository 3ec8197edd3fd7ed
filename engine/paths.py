"""Where the shipped data (catalogs/, rules/, profiles/) lives, in a checkout or an installed copy."""
from __future__ import annotations

import os
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    """The folder holding catalogs/ and rules/.

    Order: $GAPCHECK_DATA; the source checkout this module sits in; the installed copy
    under <prefix>/share/gapcheck (setup.cfg data_files).
    """
    env = os.environ.get("GAPCHECK_DATA")
    if env:
        return Path(env)
    if (_REPO / "catalogs").is_dir() and (_REPO / "rules").is_dir():
        return _REPO
    for prefix in (sys.prefix, sys.base_prefix, os.path.expanduser("~/.local")):
        cand = Path(prefix) / "share" / "gapcheck"
        if (cand / "catalogs").is_dir():
            return cand
    return _REPO


def catalogs_dir() -> Path:
    return data_root() / "catalogs"


def rules_dir() -> Path:
    return data_root() / "rules"


def profiles_dir() -> Path:
    return data_root() / "profiles"


def yaml_files(directory: Path, what_en: str, what_ja: str) -> list[Path]:
    """The *.yaml files of a data folder (names starting with '_' are skipped), sorted; an error
    naming the folder when there are none."""
    from .errors import GapcheckError

    files = sorted(p for p in Path(directory).glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise GapcheckError(f"no {what_en} files (*.yaml) in {directory}",
                            f"{directory} に{what_ja}ファイル（*.yaml）がありません")
    return files
