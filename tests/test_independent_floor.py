"""benchmarks/independent_floor.py, which imports nothing of gapcheck, writes the same findings
JSON as gapcheck: the example profiles one at a time and 30 generated ones as a batch, on two
evaluation dates (benchmarks/check_independent_floor.py compares them byte for byte)."""
import subprocess
import sys

from conftest import ROOT

FLOOR = ROOT / "benchmarks" / "independent_floor.py"
CHECK = ROOT / "benchmarks" / "check_independent_floor.py"


def test_floor_writes_the_same_bytes_as_gapcheck():
    cp = subprocess.run([sys.executable, str(CHECK), "--count", "30", "--dates", "2026-11-23", "2026-04-01"],
                        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    lines = cp.stdout.splitlines()
    assert len(lines) == 4 and all("identical" in line for line in lines), cp.stdout
    assert "5 example profiles, one at a time: 5 files identical" in lines[0]
    assert "30 generated profiles, batch --jobs 2: 30 files identical" in lines[1]


def test_english_and_stdout(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from check_independent_floor import gapcheck_cmd

    args = ["profiles/kaga.yaml", "--as-of", "2027-03-31", "--lang", "en"]
    want = subprocess.run(gapcheck_cmd() + ["run", *args, "--format", "json"], capture_output=True, cwd=ROOT)
    got = subprocess.run([sys.executable, str(FLOOR), *args], capture_output=True, cwd=ROOT)
    assert want.returncode == got.returncode == 0, got.stderr
    assert got.stdout == want.stdout


def test_floor_imports_nothing_of_the_project(tmp_path):
    cp = subprocess.run([sys.executable, "-X", "importtime", str(FLOOR), "profiles/uchinada.yaml",
                         "--as-of", "2026-11-23", "-o", str(tmp_path / "u.json")],
                        capture_output=True, text=True, cwd=ROOT)
    assert cp.returncode == 0, cp.stderr
    modules = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in cp.stderr.splitlines()
               if line.startswith("import time:")}
    assert {"yaml", "orjson"} <= modules
    assert not modules & {"engine", "cli", "gapcheck", "pydantic", "durable", "click"}, sorted(modules)
