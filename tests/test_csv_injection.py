"""Every CSV gapcheck writes neutralises formulas (one writer, engine.report.csvio): the
findings CSV, the budget CSV and the batch summary CSV, whatever a profile's values are."""
import csv
import io

from gapcheck.cli import main
from tests.conftest import PROFILES

HOSTILE = ['=HYPERLINK("http://evil.example/","x")', "-2+3+cmd|' /C calc'!A0", "\t=1+2", "@SUM(1)", "+1", "＝1"]


def _cells(text: str) -> list[str]:
    assert text.startswith("\ufeff") and "\r\n" in text
    return [c for row in csv.reader(io.StringIO(text[1:])) for c in row]


def _hostile_profile(tmp_path, i: int):
    text = (PROFILES / "uchinada.yaml").read_text(encoding="utf-8")
    bad = HOSTILE[i % len(HOSTILE)].replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    text = text.replace("name: 内灘町", f'name: "{bad}"', 1).replace("id: uchinada", f"id: hostile{i}", 1)
    # a department on a requirement the budget lists (an overdue base system)
    text = text.replace('BS-KAIGO:    {status: planned, planned: 令和8年度,',
                        f'BS-KAIGO:    {{status: planned, planned: 令和8年度, department: "{bad}",', 1)
    p = tmp_path / f"hostile{i}.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_no_csv_cell_can_start_a_formula(runner, tmp_path):
    profiles = [_hostile_profile(tmp_path, i) for i in range(len(HOSTILE))]
    outputs = []
    for p in profiles:
        r = runner.invoke(main, ["budget", str(p), "--fy", "R8", "--as-of", "2026-11-23", "--format", "csv"])
        assert r.exit_code == 0, r.output
        outputs.append(r.stdout_bytes.decode("utf-8"))
        r = runner.invoke(main, ["run", str(p), "--as-of", "2026-11-23", "--format", "csv"])
        assert r.exit_code == 0, r.output
        outputs.append(r.stdout_bytes.decode("utf-8"))
    summary = tmp_path / "summary.csv"
    r = runner.invoke(main, ["run", *map(str, profiles), "--as-of", "2026-11-23", "--jobs", "1",
                             "--summary", str(summary)])
    assert r.exit_code == 0, r.output
    outputs.append(summary.read_bytes().decode("utf-8"))
    seen = set()
    for text in outputs:
        for cell in _cells(text):
            assert not cell or cell[0] not in "=+@\t\r＝" and not (cell[0] == "-" and not cell[1:2].isdigit()), cell
            for h in HOSTILE:
                if h in cell:
                    seen.add(h)
    assert seen == set(HOSTILE)      # every hostile value did reach a CSV (neutralised)
