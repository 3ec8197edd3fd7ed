import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROFILES = ROOT / "profiles"


@pytest.fixture(scope="session")
def engine():
    from engine.api import default_engine

    return default_engine()


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p
