"""gapcheck installs as one package, `gapcheck`, with its data inside it.

A wheel is built from this source tree and installed into a fresh virtual environment; gapcheck
then runs an example profile from another directory, as `gapcheck` and as `python -m gapcheck`.
site-packages holds `gapcheck/` and nothing named `engine` or `cli`; `pip install --target` and
a `--user` install (with its own HOME) find the catalogs, rules and schemas too.

Slow (a build and three installs, about a minute): the wheel is built once per session.
"""
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _run(cmd, **kw):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAPCHECK_", "PYTHON"))}
    env.update(kw.pop("env", {}))
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=600, env=env, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
             cwd=str(out))
    if r.returncode != 0:
        r = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out),
                  str(ROOT)], cwd=str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    [whl] = out.glob("gapcheck-*.whl")
    return whl


def test_the_wheel_holds_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"gapcheck"}, tops
    for must in ("gapcheck/cli.py", "gapcheck/__main__.py", "gapcheck/engine/api.py",
                 "gapcheck/catalogs/base_systems.yaml", "gapcheck/rules/base_systems.yaml",
                 "gapcheck/profiles/uchinada.yaml", "gapcheck/docs/schema/findings.schema.json",
                 "gapcheck/catalogs/local_governments.csv"):
        assert must in names, must
    assert not [n for n in names if "/tests/" in n or "/benchmarks/" in n]


def _check_run(python: Path, gapcheck: list[str], cwd: Path, env: dict | None = None):
    prof = ROOT / "profiles" / "uchinada.yaml"
    r = _run([*gapcheck, "--lang", "en", "run", str(prof), "--as-of", "2026-11-23", "--format", "json"],
             cwd=str(cwd), env=env or {})
    assert r.returncode == 0, r.stdout + r.stderr
    d = json.loads(r.stdout)
    assert d["profile"]["id"] == "uchinada" and len(d["catalogs"]) >= 6 and d["findings"]
    r = _run([*gapcheck, "schema", "findings"], cwd=str(cwd), env=env or {})
    assert r.returncode == 0 and json.loads(r.stdout)["title"], r.stderr
    return d


def test_installed_into_a_fresh_venv_it_runs_from_anywhere(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    r = _run([str(py), "-m", "pip", "install", "--quiet", str(wheel)])
    assert r.returncode == 0, r.stdout + r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    a = _check_run(py, [str(env_dir / "bin" / "gapcheck")], elsewhere)
    b = _check_run(py, [str(py), "-m", "gapcheck"], elsewhere)
    assert a == b
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    assert (site / "gapcheck").is_dir()
    assert not (site / "engine").exists() and not (site / "cli.py").exists()
    r = _run([str(py), "-c", "from gapcheck import api; r = api.run(%r, as_of='2026-11-23'); "
              "print(len(r.findings))" % str(ROOT / "profiles" / "uchinada.yaml")], cwd=str(elsewhere))
    assert r.returncode == 0 and int(r.stdout) == len(a["findings"]), r.stderr


def test_target_and_user_installs_find_their_data(wheel, tmp_path):
    # the dependencies come from this interpreter's environment (without any gapcheck installed
    # there); the wheel goes elsewhere
    deps_dir = tmp_path / "deps"
    deps_dir.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("gapcheck", "__editable__")):
            (deps_dir / entry.name).symlink_to(entry)
    deps = str(deps_dir)
    target = tmp_path / "target"
    r = _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)])
    assert r.returncode == 0, r.stdout + r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": f"{target}{os.pathsep}{deps}"}
    where = _run([sys.executable, "-c", "import gapcheck; print(gapcheck.__file__)"], env=env, cwd=str(elsewhere))
    assert where.stdout.strip().startswith(str(target)), where.stdout + where.stderr
    a = _check_run(Path(sys.executable), [sys.executable, "-m", "gapcheck"], elsewhere, env)
    # a --user install: with the interpreter this venv was made from (a venv has no user site),
    # its own HOME and user base, outside ~/.local
    base = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    home = tmp_path / "home"
    home.mkdir()
    user = {"HOME": str(home), "PYTHONUSERBASE": str(home / "userbase")}
    r = _run([str(base), "-m", "pip", "install", "--quiet", "--no-deps", "--user", str(wheel)], env=user)
    assert r.returncode == 0, r.stdout + r.stderr
    user_site = _run([str(base), "-c", "import site; print(site.getusersitepackages())"], env=user).stdout.strip()
    assert (Path(user_site) / "gapcheck" / "catalogs" / "base_systems.yaml").is_file()
    # the dependencies from this venv, after the user site (which Python puts first)
    env = {**user, "PYTHONPATH": deps}
    where = _run([str(base), "-c", "import gapcheck; print(gapcheck.__file__)"], env=env, cwd=str(elsewhere))
    assert where.stdout.strip().startswith(user_site), where.stdout + where.stderr
    b = _check_run(base, [str(base), "-m", "gapcheck"], elsewhere, env)
    assert a["findings"] == b["findings"]


def test_installed_profiles_point_to_a_schema_that_is_installed(wheel):
    """Every shipped YAML file's yaml-language-server $schema resolves inside the wheel."""
    import posixpath

    z = zipfile.ZipFile(wheel)
    names = set(z.namelist())
    checked = 0
    for n in sorted(names):
        if n.startswith("gapcheck/profiles/") and n.endswith(".yaml"):
            first = z.read(n).decode("utf-8").splitlines()[0]
            if "$schema=" in first:
                ref = first.split("$schema=", 1)[1].strip()
                assert posixpath.normpath(posixpath.join(posixpath.dirname(n), ref)) in names, (n, ref)
                checked += 1
    assert checked >= 6
