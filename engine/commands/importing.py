"""`gapcheck import`: filled survey workbooks (or area CSVs) back into profiles.

One file to one profile (`-o PROFILE.yaml`, or stdout), or many into a folder (`--output-dir`,
each as <profile id>.yaml): a bad file is reported with every problem and skipped, the others
are converted (exit 4 when some failed, as a batch run does; 2 when all did). Nothing is written
for a file with a problem. engine/load/workbook_import.py does the reading.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, GapcheckError
from ..load import workbook_import as I


@dataclass
class Outcome:
    file: str
    output: str | None = None
    imported: I.Imported | None = None
    error: GapcheckError | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def exit_code(self) -> int:
        if not self.failed:
            return EXIT_OK
        return EXIT_USAGE if len(self.failed) == len(self.outcomes) else EXIT_PARTIAL


def read_one(path: str, cs, *, today: _dt.date, csv_options: dict | None = None,
             profile_version: int = 2) -> I.Imported:
    if Path(path).suffix.lower() == ".csv":
        opts = dict(csv_options or {})
        if not opts.get("code") or not opts.get("as_of"):
            raise GapcheckError("a CSV names no municipality: give --code (and --as-of, the date of the answers)",
                                "CSV には団体の情報がありません。--code（と回答の時点 --as-of）を指定してください",
                                file=path, hint_en="e.g. gapcheck import 基幹業務.csv --code 173657 --as-of 2026-06-30 -o p.yaml",
                                hint_ja="例: gapcheck import 基幹業務.csv --code 173657 --as-of 2026-06-30 -o p.yaml")
        imp = I.read_csv(path, cs, today=today, **opts)
    else:
        imp = I.read_workbook(path, cs, today=today)
    if profile_version == 1:
        imp.text = I.v1_text(imp.data, Path(path).name, I._sha256(path))
    return imp


def import_files(files: list[str], cs, *, output: str | None = None, output_dir: str | None = None,
                 today: _dt.date, csv_options: dict | None = None, profile_version: int = 2,
                 on_outcome=None) -> Report:
    """Read every file; write the profiles of those without a problem."""
    from ..report.output import write_atomic

    if len(files) > 1 and not output_dir:
        raise GapcheckError("several files: name a folder with --output-dir",
                            "複数のファイルを読み込むときは --output-dir で出力先フォルダを指定してください")
    if output and output_dir:
        raise GapcheckError("give --output (one file) or --output-dir (many), not both",
                            "--output（1件）と --output-dir（複数）は同時に指定できません")
    report = Report()
    taken: dict[str, str] = {}
    for f in files:
        o = Outcome(f)
        try:
            imp = read_one(f, cs, today=today, csv_options=csv_options, profile_version=profile_version)
            o.imported = imp
            if output_dir:
                target = str(Path(output_dir) / f"{imp.profile_id}.yaml")
                if target in taken:
                    raise GapcheckError(
                        f"the profile id {imp.profile_id} is also that of {taken[target]}: both would be {target}",
                        f"プロファイルID {imp.profile_id} が {taken[target]} と同じです（どちらも {target} になります）",
                        file=f, hint_en="give each municipality its own id on the 団体 sheet",
                        hint_ja="団体シートのプロファイルIDを団体ごとに変えてください")
                taken[target] = f
                Path(output_dir).mkdir(parents=True, exist_ok=True)
                write_atomic(target, imp.text, files)
                o.output = target
            elif output:
                write_atomic(output, imp.text, files)
                o.output = output
        except GapcheckError as e:
            o.error = e
        report.outcomes.append(o)
        if on_outcome:
            on_outcome(o)
    return report
