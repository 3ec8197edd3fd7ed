"""gapcheck command line: a thin click layer over the `engine` library.

Exit codes (also in the README):
  0  the run completed (findings may exist)
  1  --fail-on SEVERITY: a finding at or above that severity exists (waived ones do not count)
  2  bad input or usage: the message names the file, the line and what is expected
  3  internal error (a bug, or the rule engine failed): never looks like a clean run
  130  interrupted (Ctrl-C, SIGINT); 143  stopped by SIGTERM: no temporary file is left
"""
from __future__ import annotations

import os
import sys

import click

from .engine import __version__, interrupts, vocab
from .engine.errors import (EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, EngineError, EngineUnavailable,
                           GapcheckError)

_EXIT_CODES = """\b
Exit codes / 終了コード:
  0  completed / 正常終了
  1  --fail-on threshold reached / --fail-on の重大度以上の指摘あり
  2  bad input or usage / 入力・使い方の誤り
  3  internal error (a bug, or the rule engine failed) / 内部エラー（不具合・ルールエンジンの障害）
"""
_EXIT_SIGNALS = """\
  130  interrupted (SIGINT, Ctrl-C); no temporary file left / 中断（一時ファイルは残りません）
  143  stopped by SIGTERM; no temporary file left / SIGTERM で停止（一時ファイルは残りません）
"""
EXIT_CODES_HELP = _EXIT_CODES + _EXIT_SIGNALS
RUN_EXIT_CODES_HELP = _EXIT_CODES + """\
  4  batch: some profiles were invalid and skipped; the others ran / 一部のプロファイルが無効
     (3 instead when the rule engine failed on a profile / エンジン障害があれば 3)
""" + _EXIT_SIGNALS

LANGS = click.Choice(vocab.LANGS)
SEVERITY_CHOICE = click.Choice(vocab.SEVERITIES)


def _default_lang() -> str:
    v = os.environ.get("GAPCHECK_LANG", "ja")
    return v if v in ("ja", "en") else "ja"


class Ctx:
    def __init__(self, debug: bool, lang: str):
        self.debug = debug
        self.lang = lang


def _fail(e: BaseException, ctx: Ctx) -> None:
    import traceback   # only on the error path: keeps start-up short

    if isinstance(e, GapcheckError):
        click.echo(("エラー: " if ctx.lang == "ja" else "error: ") + e.render(ctx.lang), err=True)
        sys.exit(EXIT_USAGE)
    from .engine.errors import printable

    if isinstance(e, EngineUnavailable):
        # not a bug: this Python cannot load the rule engine; the whole message says what to do
        click.echo(("ルールエンジン（durable-rules）をこの環境で読み込めません。次の説明に従って"
                    "インストールし直してください:\n" if ctx.lang == "ja" else
                    "the rule engine (durable-rules) cannot be loaded here:\n")
                   + "\n".join(printable(line) for line in str(e).splitlines()), err=True)
        sys.exit(EXIT_INTERNAL)
    if isinstance(e, EngineError):
        click.echo(("ルールエンジンのエラー: " if ctx.lang == "ja" else "rule engine error: ") + printable(str(e)),
                   err=True)
        if ctx.debug:
            traceback.print_exception(e)
        sys.exit(EXIT_INTERNAL)
    what = printable(str(e).splitlines()[0][:200]) if str(e) else ""
    msg = (f"内部エラー（不具合）: {type(e).__name__}: {what}。--debug で詳細を表示します"
           if ctx.lang == "ja" else
           f"internal error (a bug in gapcheck): {type(e).__name__}: {what}. Run with --debug for the traceback")
    click.echo(msg, err=True)
    if ctx.debug:
        traceback.print_exception(e)
    sys.exit(EXIT_INTERNAL)


def guarded(fn):
    """Run a command body; turn every error into a message and a documented exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context().find_object(Ctx) or Ctx(False, _default_lang())
        if "lang" in kwargs and kwargs["lang"]:
            ctx.lang = kwargs["lang"]
        try:
            with interrupts.sigterm_raises():
                return fn(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _stopped("中断しました / interrupted", interrupts.EXIT_SIGINT)
        except interrupts.Terminated:
            _stopped("SIGTERM を受けて停止しました / stopped by SIGTERM", interrupts.EXIT_SIGTERM)
        except BaseException as e:  # noqa: BLE001 — every error gets a message and an exit code
            _fail(e, ctx)

    wrapper.gapcheck_guarded = True      # tests check that every command has it
    return wrapper


def _stopped(message: str, code: int) -> None:
    """After Ctrl-C or SIGTERM (the clean-up has run): say so, exit 130 or 143. A further
    signal now would only interrupt this message."""
    import signal

    for s in interrupts.SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    click.echo(message, err=True)
    sys.exit(code)


def emit(text: str, output: str | None, inputs: list[str]) -> None:
    if output:
        from .engine.report.output import write_atomic

        write_atomic(output, text, inputs)
    else:
        # bytes, so CSV keeps its CRLF and the output is UTF-8 whatever the locale
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None) or sys.stdout
        out.write(text.encode("utf-8") if isinstance(text, str) else text)
        out.flush()


def _binary_needs_output(fmt: str, output: str | None) -> None:
    if fmt in vocab.BINARY_FORMATS and not output:
        raise GapcheckError("--format xlsx writes a binary file: name it with --output FILE.xlsx",
                            "--format xlsx はバイナリファイルです。--output ファイル名.xlsx で出力先を指定してください",
                            hint_en="e.g. gapcheck run PROFILE --format xlsx -o findings.xlsx",
                            hint_ja="例: gapcheck run PROFILE --format xlsx -o findings.xlsx")


@click.group(epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="gapcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("--lang", type=LANGS, default=None, help="Message language (default ja, or $GAPCHECK_LANG).")
@click.pass_context
def main(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """gapcheck — 自治体DXの国の要件に対するギャップ分析 / gap analysis of a municipality
    against national DX requirements."""
    ctx.obj = Ctx(debug, lang or _default_lang())


@main.command(epilog=RUN_EXIT_CODES_HELP)
@click.argument("profiles", nargs=-1, required=True, type=click.Path(), metavar="PROFILE_OR_DIR...")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Evaluation date (default: today). ISO or 和暦, e.g. 2026-04-01, 令和8年4月1日.")
@click.option("--format", "fmt", type=click.Choice(vocab.FORMATS), default="table", show_default=True,
              help="table, json, csv (Excel, UTF-8 BOM), markdown, html (one self-contained file), "
                   "xlsx (needs --output).")
@click.option("--table-style", type=click.Choice(vocab.TABLE_STYLES), default="simple", show_default=True,
              help="Table style of --format table.")
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Waiver file (YAML): waived findings get status waived and never count for --fail-on.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--include-passed", is_flag=True, help="Also list passed requirements (status ok).")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when an open finding of this severity or worse exists.")
@click.option("--due-soon-days", type=click.IntRange(0, 3650), default=180, show_default=True,
              help="A deadline within this many days is due_soon.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Batch: worker processes (default: the number of cores).")
@click.option("--output-dir", type=click.Path(file_okay=False), default=None,
              help="Batch: write one document per profile (<id>.json) into this folder.")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False), default=None,
              help="Batch: write the municipality x area summary to FILE (.html heat map, .csv, .json, .txt).")
@click.option("--summary-format", type=click.Choice(vocab.SUMMARY_FORMATS), default=None,
              help="Batch: summary format (default: from the --summary extension, else table).")
@click.pass_obj
@guarded
def run(obj: Ctx, profiles: tuple[str, ...], as_of: str | None, fmt: str, table_style: str,
        waivers: str | None, lang: str | None,
        include_passed: bool, fail_on: str | None, due_soon_days: int, output: str | None,
        jobs: int | None, output_dir: str | None, summary_path: str | None,
        summary_format: str | None) -> None:
    """Evaluate profiles against the national requirements and list the findings.

    プロファイルを国の要件と照合し、指摘事項を一覧表示します。

    One profile file: its findings in the --format asked for. Several profiles or folders (batch):
    one JSON document per profile (JSON Lines on stdout, or files under --output-dir) and a
    municipality x area summary grouped by prefecture (on stdout with --output-dir, else on
    stderr, or in --summary FILE). A bad profile is reported and skipped; the rest still run.
    """
    from .engine import api

    lang = lang or obj.lang
    _binary_needs_output(fmt, output or output_dir)
    batch_mode = len(profiles) > 1 or os.path.isdir(profiles[0]) or output_dir or summary_path
    if batch_mode and waivers:
        raise GapcheckError("--waivers takes one profile (a batch run does not apply waivers yet)",
                            "--waivers はプロファイル1件の実行でのみ使えます（複数プロファイルの一括実行では未対応）")
    if batch_mode:
        _run_batch(profiles, as_of, fmt, lang, include_passed, fail_on, due_soon_days, output,
                   jobs, output_dir, summary_path, summary_format)
    profile = profiles[0]
    result = api.run(profile, as_of=as_of, include_passed=include_passed, due_soon_days=due_soon_days,
                     waivers=waivers, langs=(lang,))
    emit(api.render(result, fmt, lang, style=table_style), output, api.inputs_of(profile, waivers))
    sys.exit(EXIT_FINDINGS if fail_on and api.fails_on(result, fail_on) else EXIT_OK)


def _run_batch(profiles, as_of, fmt, lang, include_passed, fail_on, due_soon_days, output,
               jobs, output_dir, summary_path, summary_format) -> None:
    from .engine.api import resolve_as_of
    from .engine.commands import batch

    if output:
        raise GapcheckError("--output takes one profile; for many use --output-dir and --summary",
                            "--output はプロファイル1件用です。複数の場合は --output-dir と --summary を使ってください")
    bars: list = []

    def seen(o, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, file=sys.stderr, label="gapcheck",
                                          hidden=not sys.stderr.isatty()).__enter__())
        bars[0].update(1)
        if o.ok or o.fault == "output":       # an output error stops the batch: reported once, below
            return
        if o.fault == "internal":
            click.echo(("内部エラー: " if lang == "ja" else "internal error: ") + o.error[lang], err=True)
        else:
            click.echo(("エラー（スキップ）: " if lang == "ja" else "error (skipped): ") + o.error[lang], err=True)

    try:
        report = batch.run_batch(profiles, as_of=resolve_as_of(as_of), lang=lang, fmt=fmt,
                                 include_passed=include_passed, due_soon_days=due_soon_days, jobs=jobs,
                                 output_dir=output_dir, summary=summary_path, summary_format=summary_format,
                                 fail_on=fail_on, emit=lambda text: emit(text, None, []), on_outcome=seen)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
    if not summary_path:
        if output_dir:
            emit(report.summary, None, [])
        else:
            click.echo(report.summary, err=True, nl=False)
    if report.exit_code == EXIT_INTERNAL:
        n = sum(o.fault == "internal" for o in report.failed)
        click.echo(f"内部エラー: {n}件のプロファイルはルールエンジンの障害（または不具合）のため評価できませんでした（終了コード 3）"
                   if lang == "ja" else
                   f"internal error: the rule engine failed (or a bug stopped it) on {n} profile(s), "
                   "which have no result (exit 3)", err=True)
    sys.exit(report.exit_code)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--fy", required=True, metavar="FY",
              help="Fiscal year to budget for: 2027, FY2027, R9 or 令和9年度.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Evaluation date (default: today).")
@click.option("--format", "fmt", type=click.Choice(vocab.BUDGET_FORMATS), default="table", show_default=True)
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Waiver file (YAML): waived findings are not budgeted.")
@click.option("--lang", type=LANGS, default=None)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None)
@click.pass_obj
@guarded
def budget(obj: Ctx, profile: str, fy: str, as_of: str | None, fmt: str, waivers: str | None,
           lang: str | None, output: str | None) -> None:
    """The gaps to fund in one fiscal year (年度), by area and department, carry-overs first.

    指定した年度の予算要求に向けた対応事項一覧（繰越分を先頭に、分野・担当部門別）。
    """
    from .engine import api
    from .engine.commands import budget as budget_mod
    from .engine.load import jdate
    from .engine.errors import GapcheckError

    lang = lang or obj.lang
    try:
        year = jdate.parse_fy(fy)
    except jdate.DateParseError as e:
        raise GapcheckError(f"--fy: {e.reason_en}: {fy!r}", f"--fy: {e.reason_ja}: {fy!r}") from None
    result = api.run(profile, as_of=as_of, waivers=waivers, langs=(lang,))
    emit(budget_mod.render(budget_mod.build(result, year), fmt, lang), output, api.inputs_of(profile, waivers))


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("rule", required=False)
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def verify(obj: Ctx, rule: str | None, lang: str | None) -> None:
    """Run every rule's fire / no-fire examples (for rule authors).

    ルールの発火例・非発火例を実行して検証します。RULE でルールまたは分野を絞り込めます。
    """
    from .engine.api import default_engine
    from .engine.commands.verify import run_examples

    results = run_examples(default_engine(), rule)
    failed = [r for r in results if not r.passed]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        if not r.passed or os.environ.get("GAPCHECK_VERBOSE"):
            click.echo(f"{mark} {r.rule} example {r.index} (expect {r.expect}) {r.file}:{r.line}: {r.detail}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(EXIT_USAGE if failed or not results else EXIT_OK)


@main.group()
def catalogs() -> None:
    """List and show the national-requirement catalogs. / カタログの一覧・表示"""


@catalogs.command("list")
@click.option("--lang", type=LANGS, default=None)
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table")
@click.pass_obj
@guarded
def catalogs_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every catalog with its edition and item count."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.list_catalogs(default_engine().catalogs, fmt, lang or obj.lang), nl=False)


@catalogs.command("show")
@click.argument("area")
@click.option("--lang", type=LANGS, default=None)
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table")
@click.pass_obj
@guarded
def catalogs_show(obj: Ctx, area: str, lang: str | None, fmt: str) -> None:
    """The items of one catalog with their deadlines and sources."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.show_catalog(default_engine().catalogs, area, fmt, lang or obj.lang), nl=False)


@main.group()
def rules() -> None:
    """List the rules. / ルールの一覧"""


@rules.command("list")
@click.option("--lang", type=LANGS, default=None)
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table")
@click.pass_obj
@guarded
def rules_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every rule with its area, severity, obligation and the catalog it reads."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.list_rules(default_engine(), fmt, lang or obj.lang), nl=False)


@main.command()
@click.argument("ident")
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def explain(obj: Ctx, ident: str, lang: str | None) -> None:
    """Explain a rule or a requirement: what is checked, why, sources and examples.

    ルールまたは要件の内容・根拠・例を説明します。
    """
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.explain(default_engine(), ident, lang or obj.lang), nl=False)


DIFF_EXIT_HELP = """\b
Exit codes / 終了コード:
  0  compared; the differences (if any) are listed / 比較完了（差分があれば一覧）
  1  --exit-code: the two runs differ / --exit-code 指定時、差分あり
  2  a file is missing, unreadable or not gapcheck JSON (file and reason) / 入力ファイルの誤り
  3  internal error / 内部エラー
"""


@main.command(epilog=DIFF_EXIT_HELP)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(vocab.DIFF_FORMATS), default="table",
              show_default=True)
@click.option("--lang", type=LANGS, default=None)
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 1 when the two runs differ (as git diff --exit-code).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.pass_obj
@guarded
def diff(obj: Ctx, old: str, new: str, fmt: str, lang: str | None, exit_code: bool, output: str | None) -> None:
    """Compare two runs (OLD.json NEW.json from run --format json): new, resolved and changed findings.

    2回の実行結果（JSON）を比較し、新たな指摘・解消した指摘・変化（状態・重大度・期限）を一覧表示します。
    """
    from .engine.api import inputs_of
    from .engine.commands import diff as diff_mod

    d = diff_mod.diff_files(old, new)
    emit(diff_mod.render(d, fmt, lang or obj.lang), output, inputs_of(old, new))
    sys.exit(EXIT_FINDINGS if exit_code and diff_mod.has_differences(d) else EXIT_OK)


VALIDATE_EXIT_HELP = """\b
Exit codes / 終了コード:
  0  every profile is valid (warnings allowed) / すべて妥当（警告のみ可）
  2  a profile is invalid, or bad usage / 不正なプロファイルあり・使い方の誤り
  3  internal error / 内部エラー
"""


@main.command("validate", epilog=VALIDATE_EXIT_HELP)
@click.argument("profiles", nargs=-1, required=True, type=click.Path(), metavar="PROFILE_OR_DIR...")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Date to judge stale data against (default: today). ISO or 和暦.")
@click.option("--verbose", "-v", is_flag=True, help="List the requirements each warning is about.")
@click.option("--format", "fmt", type=click.Choice(vocab.VALIDATE_FORMATS), default="text", show_default=True)
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def validate_cmd(obj: Ctx, profiles: tuple[str, ...], as_of: str | None, verbose: bool, fmt: str,
                 lang: str | None) -> None:
    """Check profiles and report every problem at once (file, line, path, found, expected).

    プロファイルを検査し、問題をすべて一度に報告します（ファイル・行・項目・記述・正しい形）。
    Warnings (stale data, requirements left out) do not make a profile invalid.
    """
    from .engine.api import default_engine, resolve_as_of
    from .engine.commands import validate as v
    from .engine.load.files import expand_profiles

    lang = lang or obj.lang
    day = resolve_as_of(as_of)
    reports = v.validate_files(expand_profiles(profiles), default_engine().catalogs, day)
    click.echo(v.render_json(reports, lang, day) if fmt == "json" else v.render_text(reports, lang, verbose),
               nl=False)
    sys.exit(EXIT_OK if all(r.valid for r in reports) else EXIT_USAGE)


@main.command("init", epilog=EXIT_CODES_HELP)
@click.option("--name", required=True, help="Name of the municipality, e.g. 内灘町.")
@click.option("--code", required=True, help="全国地方公共団体コード (6 digits with check digit), e.g. 173657.")
@click.option("--prefecture", default=None, help="Prefecture (default: from the code's first two digits).")
@click.option("--name-en", default=None, help="English name, e.g. Uchinada.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="The profile's as_of (default: today).")
@click.option("--id", "profile_id", default=None, help="Profile id (default: from --name-en, else m<code>).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this new file (never overwrites) instead of stdout.")
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def init_cmd(obj: Ctx, name: str, code: str, prefecture: str | None, name_en: str | None, as_of: str | None,
             profile_id: str | None, output: str | None, lang: str | None) -> None:
    """Write a new profile listing every current requirement as unknown, ready to fill in.

    現行の全要件を status: unknown で並べた新しいプロファイルを作成します。
    """
    from .engine.commands import init as scaffold
    from .engine.api import default_engine, resolve_as_of
    from .engine.report.output import write_atomic

    lang = lang or obj.lang
    if output and os.path.lexists(output):
        raise GapcheckError("the file already exists; refusing to overwrite it",
                            "ファイルがすでにあります。上書きしません", file=output,
                            hint_en="choose another file name", hint_ja="別のファイル名を指定してください")
    command = scaffold.command_line(name, code, prefecture, name_en, as_of, profile_id, output)
    text = scaffold.new_profile(default_engine().catalogs, name=name, code=code, prefecture=prefecture,
                                as_of=resolve_as_of(as_of), profile_id=profile_id, name_en=name_en,
                                schema_ref=scaffold.schema_ref_for(output), command=command)
    if output:
        write_atomic(output, text, [], overwrite=False)
        click.echo((f"{output} を作成しました。状態を記入し、gapcheck validate {output} で確認してください"
                    if lang == "ja" else
                    f"wrote {output}: fill in the statuses, then check it with gapcheck validate {output}"),
                   err=True)
    else:
        emit(text, None, [])


@main.command("schema", epilog=EXIT_CODES_HELP)
@click.argument("kind", type=click.Choice(vocab.SCHEMA_KINDS))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.pass_obj
@guarded
def schema_cmd(obj: Ctx, kind: str, output: str | None) -> None:
    """Print the JSON Schema of a profile, a waiver file or the findings (for editors).

    プロファイル・waiver ファイル・指摘事項（JSON）の JSON Schema を出力します（エディタの補完・検査用）。
    """
    from .engine.api import default_engine, inputs_of
    from .engine.commands import schema

    emit(schema.schema_text(kind, default_engine().catalogs if kind == "profile" else None), output,
         inputs_of())


IMPORT_EXIT_HELP = """\b
Exit codes / 終了コード:
  0  every file was read and its profile written / すべて読み込み済み
  2  a file has a problem (each with its sheet and cell); nothing written for it / 問題あり（書き込みなし）
  3  internal error / 内部エラー
  4  several files: some had problems and were skipped, the others were written / 一部のみ変換
"""


@main.command("workbook", epilog=EXIT_CODES_HELP)
@click.argument("profile", required=False, type=click.Path(dir_okay=False))
@click.option("--new", "new", is_flag=True, help="An empty workbook for --code (and --name).")
@click.option("--name", default=None, help="Name of the municipality (default: from the shipped list by --code).")
@click.option("--code", default=None, help="全国地方公共団体コード (5 or 6 digits).")
@click.option("--id", "profile_id", default=None, help="Profile id written on the 団体 sheet (default m<code>).")
@click.option("--codes", type=click.Path(dir_okay=False), default=None,
              help="A CSV of codes (column 団体コード or code): one workbook per municipality into --output-dir.")
@click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False), default=None,
              help="With --codes: pre-fill from the profile of the same code in this folder.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="The requirements current on this day (default: today).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="The workbook (.xlsx).")
@click.option("--output-dir", type=click.Path(file_okay=False), default=None, help="With --codes: the folder.")
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def workbook_cmd(obj: Ctx, profile: str | None, new: bool, name: str | None, code: str | None,
                 profile_id: str | None, codes: str | None, profiles_dir: str | None, as_of: str | None,
                 output: str | None, output_dir: str | None, lang: str | None) -> None:
    """Write a survey workbook (調査票, .xlsx) to fill in: from a profile, empty (--new), or one per code.

    調査票（Excel）を作成します: プロファイルから、空の調査票（--new）、団体コード一覧から団体ごとに（--codes）。
    Read it back with gapcheck import.
    """
    from .engine.api import default_engine, inputs_of, resolve_as_of
    from .engine.commands import workbook as wbk
    from .engine.report.output import write_atomic

    lang = lang or obj.lang
    day = resolve_as_of(as_of)
    cs = default_engine().catalogs
    if codes:
        if not output_dir:
            raise GapcheckError("--codes writes one workbook per municipality: name the folder with --output-dir",
                                "--codes は団体ごとに調査票を作成します。--output-dir で出力先フォルダを指定してください")
        written = wbk.write_batch(cs, codes, output_dir, day, profiles_dir, inputs_of())
        for w in written:
            click.echo(f"{w.path}" + (f"  ← {w.prefilled_from}" if w.prefilled_from else ""), err=True)
        click.echo(f"{len(written)} 件の調査票を作成しました" if lang == "ja" else f"wrote {len(written)} workbook(s)",
                   err=True)
        return
    if not output:
        raise GapcheckError("name the workbook with --output FILE.xlsx", "--output ファイル名.xlsx で出力先を指定してください")
    if new or not profile:
        if not code:
            raise GapcheckError("give a PROFILE, or --new with --code", "PROFILE か、--new と --code を指定してください",
                                hint_en="e.g. gapcheck workbook --new --code 173657 -o 内灘町.xlsx",
                                hint_ja="例: gapcheck workbook --new --code 173657 -o 内灘町.xlsx")
        wb, _name = wbk.new_workbook(cs, code=code, name=name, as_of=day, profile_id=profile_id)
        write_atomic(output, wbk.to_bytes(wb), inputs_of())
    else:
        write_atomic(output, wbk.to_bytes(wbk.for_profile(cs, profile, day)), inputs_of(profile))
        gone = wbk.left_out(wbk.read_profile_data(profile, cs), cs, day)
        if gone:
            click.echo((f"注意: {day.isoformat()} 時点で現行でない要件（廃止・都道府県向け）の記載は調査票に含めていません: "
                        if lang == "ja" else f"note: statements about requirements not current on {day.isoformat()} "
                        "(withdrawn, prefectural) are not in the workbook: ") + ", ".join(gone), err=True)
    click.echo(f"{output} を作成しました" if lang == "ja" else f"wrote {output}", err=True)


@main.command("import", epilog=IMPORT_EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False), metavar="FILE.xlsx|FILE.csv...")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="The profile (YAML) of one file (default: stdout).")
@click.option("--output-dir", type=click.Path(file_okay=False), default=None,
              help="Write each profile as <id>.yaml into this folder.")
@click.option("--profile-version", type=click.Choice(vocab.IMPORT_PROFILE_VERSIONS), default="2", show_default=True,
              help="2 (CONTRACT.md), or 1 for an engine that reads only version 1 (v2-only facts dropped).")
@click.option("--code", default=None, help="CSV: the municipality's code.")
@click.option("--name", default=None, help="CSV: its name (default: from the shipped list).")
@click.option("--id", "profile_id", default=None, help="CSV: the profile id (default m<code>).")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="CSV: the date of the answers.")
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def import_cmd(obj: Ctx, files: tuple[str, ...], output: str | None, output_dir: str | None, profile_version: str,
               code: str | None, name: str | None, profile_id: str | None, as_of: str | None,
               lang: str | None) -> None:
    """Read filled survey workbooks (or one area sheet as CSV) back into profiles.

    記入済みの調査票（または分野シートの CSV）をプロファイルに読み込みます。問題はすべて、シートとセルを
    示して一度に報告します（日本語と英語）。
    """
    from .engine.api import default_engine
    from .engine.commands import importing
    from .engine.load.jdate import DateParseError, parse_day

    lang = lang or obj.lang
    csv_options = None
    if code or as_of:
        try:
            day = parse_day(as_of).isoformat() if as_of else None
        except DateParseError as e:
            raise GapcheckError(f"--as-of: {e.reason_en}", f"--as-of: {e.reason_ja}") from None
        csv_options = {"code": code, "as_of": day, "name": name, "profile_id": profile_id}

    def seen(o) -> None:
        if o.error is not None:
            text = o.error.render(lang)
            click.echo(text if text.startswith(o.file) or o.file in text.splitlines()[0] else f"{o.file}: {text}",
                       err=True)
        for n in (o.imported.notes if o.imported else []):
            click.echo(("注意: " if lang == "ja" else "note: ") + n.render(lang).split("\n")[0], err=True)
        if o.output:
            click.echo(f"{o.file} → {o.output}", err=True)

    import datetime as _dt

    report = importing.import_files(list(files), default_engine().catalogs, output=output, output_dir=output_dir,
                                    today=_dt.date.today(), csv_options=csv_options,
                                    profile_version=int(profile_version), on_outcome=seen)
    if len(files) == 1 and not output and not output_dir and not report.failed:
        emit(report.outcomes[0].imported.text, None, [])
    if len(files) > 1:
        ok = len(report.outcomes) - len(report.failed)
        click.echo(f"{ok} 件を変換、{len(report.failed)} 件は問題ありのため未変換" if lang == "ja" else
                   f"{ok} converted, {len(report.failed)} not converted (problems above)", err=True)
    sys.exit(report.exit_code)


@main.command("import-survey", epilog=EXIT_CODES_HELP)
@click.argument("kind", type=click.Choice(vocab.SURVEY_KINDS))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--edition", required=True, help="The file's edition, an entry of engine/load/survey_layouts.yaml (e.g. designated 2025-12, "
                   "online R06); an unknown one is refused with the editions known.")
@click.option("--output-dir", required=True, type=click.Path(file_okay=False), help="Where the profiles are written.")
@click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False), default=None,
              help="Existing profiles: a municipality with one gets a new copy of it with the facts merged.")
@click.option("--profile-version", type=click.Choice(vocab.IMPORT_PROFILE_VERSIONS), default="2", show_default=True)
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def import_survey_cmd(obj: Ctx, kind: str, file: str, edition: str, output_dir: str, profiles_dir: str | None,
                      profile_version: str, lang: str | None) -> None:
    """Import a national survey workbook into profiles, one per municipality (basis survey).

    国の調査結果（デジタル庁 特定移行支援システムの該当見込み: designated、総務省 オンライン利用状況: online）を
    団体ごとのプロファイルに取り込みます。既存のプロファイルは変更せず、取り込んだ写しを書きます。
    """
    from .engine.api import default_engine
    from .engine.commands import import_survey

    lang = lang or obj.lang
    report = import_survey.run(kind, file, edition, default_engine().catalogs, output_dir=output_dir,
                               profiles_dir=profiles_dir, profile_version=int(profile_version))
    for n in report.survey.notes:
        click.echo(("注意: " if lang == "ja" else "note: ") + n.render(lang).split("\n")[0], err=True)
    for c in report.changes:
        click.echo(c.text(lang), err=True)
    changed = sum(not c.kept for c in report.changes)
    click.echo(f"{len(report.written)} 件のプロファイルを {output_dir} に書きました（変更 {changed} 件）" if lang == "ja" else
               f"wrote {len(report.written)} profile(s) to {output_dir} ({changed} fact(s) changed)", err=True)


def console() -> None:
    """The `gapcheck` command (and `python -m gapcheck`): main() after one start-up setting.

    Start-up creates a few hundred thousand objects that live as long as the process (modules,
    pydantic's schemas, the catalogs), and the cyclic garbage collector scans them over and
    over: about 20 ms of a 200 ms run. So the command runs without it; the commands whose work
    grows with their input (a batch, validating many files) switch it back on
    (engine.commands.batch.run_batch, engine.commands.validate.validate_files)."""
    import gc

    gc.disable()
    main(prog_name="gapcheck")


if __name__ == "__main__":
    console()
