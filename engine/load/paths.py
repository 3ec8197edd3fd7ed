"""Where the shipped data (catalogs/, rules/, profiles/, docs/schema/) lives: inside the
installed package `gapcheck`, found through the import system (a wheel, `pip install --target`,
a `--user` install and an editable checkout alike). $GAPCHECK_DATA overrides it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = __name__.split(".")[0]       # "gapcheck"


def data_root() -> Path:
    """The folder holding catalogs/, rules/, profiles/ and docs/schema/.

    For a package on the file system that is the folder its import spec names, which is what
    importlib.resources.files gives; importlib.resources itself (5 ms of imports) is used only
    for a package that is not on the file system."""
    env = os.environ.get("GAPCHECK_DATA")
    if env:
        return Path(env)
    spec = sys.modules[PACKAGE].__spec__
    places = list(spec.submodule_search_locations or ()) if spec else []
    if len(places) == 1 and os.path.isdir(places[0]):
        return Path(places[0])
    from importlib import resources

    return Path(str(resources.files(PACKAGE)))


def catalogs_dir() -> Path:
    return data_root() / "catalogs"


def rules_dir() -> Path:
    return data_root() / "rules"


def schema_dir() -> Path:
    return data_root() / "docs" / "schema"


DATA_FOLDERS = ("catalogs", "rules", "profiles", "docs/schema")


def shipped_files() -> list[str]:
    """Every data file gapcheck ships (catalogs, rules, example profiles, schemas): no output
    may ever replace one of them, whether or not this run read it."""
    root = data_root()
    return sorted(str(p) for d in DATA_FOLDERS for p in (root / d).rglob("*") if p.is_file())


def yaml_files(directory: Path, what_en: str, what_ja: str) -> list[Path]:
    """The *.yaml files of a data folder (names starting with '_' are skipped), sorted; an error
    naming the folder when there are none."""
    from ..errors import GapcheckError

    files = sorted(p for p in Path(directory).glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise GapcheckError(f"no {what_en} files (*.yaml) in {directory}",
                            f"{directory} に{what_ja}ファイル（*.yaml）がありません")
    return files
