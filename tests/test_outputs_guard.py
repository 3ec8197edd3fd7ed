"""No output ever replaces an input or one of gapcheck's own data files (catalogs, rules,
example profiles, schemas), whether or not this run read it: on a cache hit the catalogs and
rules are never opened, and they must still be refused as output targets."""
import shutil

import pytest

from gapcheck.cli import main
from gapcheck.engine.load import paths
from tests.conftest import PROFILES


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of the shipped data as the data root, so a failing guard cannot harm the real one."""
    root = tmp_path / "data"
    for d in paths.DATA_FOLDERS:
        shutil.copytree(paths.data_root() / d, root / d)
    monkeypatch.setenv("GAPCHECK_DATA", str(root))
    return root


@pytest.mark.parametrize("target", ["catalogs/base_systems.yaml", "rules/security.yaml",
                                    "profiles/kaga.yaml", "docs/schema/findings.schema.json"])
def test_outputs_never_replace_shipped_data(runner, data, tmp_path, target):
    victim = data / target
    before = victim.read_bytes()
    prof = str(PROFILES / "uchinada.yaml")
    run = runner.invoke(main, ["run", prof, "--as-of", "2026-11-23", "--format", "json"])
    assert run.exit_code == 0, run.output         # the catalogs and rules are in the cache now
    json_run = tmp_path / "a.json"
    json_run.write_text(run.output, encoding="utf-8")
    for args in (["run", prof, "--as-of", "2026-11-23", "-o", str(victim)],
                 ["budget", prof, "--fy", "R8", "--as-of", "2026-11-23", "-o", str(victim)],
                 ["diff", str(json_run), str(json_run), "-o", str(victim)],
                 ["schema", "profile", "-o", str(victim)],
                 ["run", prof, "--as-of", "2026-11-23", "--output-dir", str(tmp_path / "out"),
                  "--summary", str(victim)]):
        r = runner.invoke(main, ["--lang", "en", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "input file" in r.output, (args, r.output)
        assert victim.read_bytes() == before, args
