import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory):
    """The tests' catalogs-and-rules cache entries (some for temporary copies of the catalogs)
    go to a folder of their own, never into the user's cache. Tests that test the cache set
    GAPCHECK_CACHE_DIR themselves."""
    import os

    before = os.environ.get("GAPCHECK_CACHE_DIR")
    os.environ["GAPCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("gapcheck-cache"))
    yield
    if before is None:
        os.environ.pop("GAPCHECK_CACHE_DIR", None)
    else:
        os.environ["GAPCHECK_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def engine():
    from gapcheck.engine.api import default_engine

    return default_engine()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p
