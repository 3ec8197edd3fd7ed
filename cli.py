"""gapcheck command line: a thin click layer over the `engine` library.

Exit codes (also in the README):
  0  the run completed (findings may exist)
  1  --fail-on SEVERITY: a finding at or above that severity exists (waived ones do not count)
  2  bad input or usage: the message names the file, the line and what is expected
  3  internal error (a bug, or the rule engine failed): never looks like a clean run
"""
from __future__ import annotations

import os
import sys
import traceback

import click

from engine import __version__
from engine.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, EngineError, GapcheckError

EXIT_CODES_HELP = """\b
Exit codes / 終了コード:
  0  completed / 正常終了
  1  --fail-on threshold reached / --fail-on の重大度以上の指摘あり
  2  bad input or usage / 入力・使い方の誤り
  3  internal error / 内部エラー
"""

LANGS = click.Choice(["ja", "en"])
SEVERITY_CHOICE = click.Choice(["critical", "high", "medium", "low", "info"])


def _default_lang() -> str:
    v = os.environ.get("GAPCHECK_LANG", "ja")
    return v if v in ("ja", "en") else "ja"


class Ctx:
    def __init__(self, debug: bool, lang: str):
        self.debug = debug
        self.lang = lang


def _fail(e: BaseException, ctx: Ctx) -> None:
    if isinstance(e, GapcheckError):
        click.echo(("エラー: " if ctx.lang == "ja" else "error: ") + e.render(ctx.lang), err=True)
        sys.exit(EXIT_USAGE)
    if isinstance(e, EngineError):
        click.echo(("ルールエンジンのエラー: " if ctx.lang == "ja" else "rule engine error: ") + str(e), err=True)
        if ctx.debug:
            traceback.print_exception(e)
        sys.exit(EXIT_INTERNAL)
    msg = (f"内部エラー（不具合）: {type(e).__name__}: {e}。--debug で詳細を表示します"
           if ctx.lang == "ja" else
           f"internal error (a bug in gapcheck): {type(e).__name__}: {e}. Run with --debug for the traceback")
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
            return fn(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("中断しました / interrupted", err=True)
            sys.exit(130)
        except BaseException as e:  # noqa: BLE001 — every error gets a message and an exit code
            _fail(e, ctx)

    return wrapper


def emit(text: str, output: str | None, inputs: list[str]) -> None:
    if output:
        from engine.output import write_atomic

        write_atomic(output, text, inputs)
    else:
        # bytes, so CSV keeps its CRLF and the output is UTF-8 whatever the locale
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None) or sys.stdout
        out.write(text.encode("utf-8") if isinstance(text, str) else text)
        out.flush()


@click.group(epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="gapcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("--lang", type=LANGS, default=None, help="Message language (default ja, or $GAPCHECK_LANG).")
@click.pass_context
def main(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """gapcheck — 自治体DXの国の要件に対するギャップ分析 / gap analysis of a municipality
    against national DX requirements."""
    ctx.obj = Ctx(debug, lang or _default_lang())


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Evaluation date (default: today). ISO or 和暦, e.g. 2026-04-01, 令和8年4月1日.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--include-passed", is_flag=True, help="Also list passed requirements (status ok).")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when an open finding of this severity or worse exists.")
@click.option("--due-soon-days", type=click.IntRange(0, 3650), default=180, show_default=True,
              help="A deadline within this many days is due_soon.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@click.pass_obj
@guarded
def run(obj: Ctx, profile: str, as_of: str | None, fmt: str, lang: str | None, include_passed: bool,
        fail_on: str | None, due_soon_days: int, output: str | None) -> None:
    """Evaluate PROFILE against the national requirements and list the findings.

    プロファイルを国の要件と照合し、指摘事項を一覧表示します。
    """
    from engine import api
    from engine.models import SEVERITIES

    lang = lang or obj.lang
    result = api.run(profile, as_of=as_of, include_passed=include_passed, due_soon_days=due_soon_days)
    emit(api.render(result, fmt, lang), output, [profile])
    if fail_on:
        limit = SEVERITIES.index(fail_on)
        if any(f.status not in ("ok", "waived") and SEVERITIES.index(f.severity) <= limit
               for f in result.findings):
            sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--fy", required=True, metavar="FY",
              help="Fiscal year to budget for: 2027, FY2027, R9 or 令和9年度.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Evaluation date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--lang", type=LANGS, default=None)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None)
@click.pass_obj
@guarded
def budget(obj: Ctx, profile: str, fy: str, as_of: str | None, fmt: str, lang: str | None,
           output: str | None) -> None:
    """The gaps to fund in one fiscal year (年度), by area and department, carry-overs first.

    指定した年度の予算要求に向けた対応事項一覧（繰越分を先頭に、分野・担当部門別）。
    """
    from engine import api, budget as budget_mod, jdate
    from engine.errors import GapcheckError

    lang = lang or obj.lang
    try:
        year = jdate.parse_fy(fy)
    except jdate.DateParseError as e:
        raise GapcheckError(f"--fy: {e.reason_en}: {fy!r}", f"--fy: {e.reason_ja}: {fy!r}") from None
    result = api.run(profile, as_of=as_of)
    emit(budget_mod.render(budget_mod.build(result, year), fmt, lang), output, [profile])


@main.command(epilog=EXIT_CODES_HELP)
@click.argument("rule", required=False)
@click.option("--lang", type=LANGS, default=None)
@click.pass_obj
@guarded
def verify(obj: Ctx, rule: str | None, lang: str | None) -> None:
    """Run every rule's fire / no-fire examples (for rule authors).

    ルールの発火例・非発火例を実行して検証します。RULE でルールまたは分野を絞り込めます。
    """
    from engine.api import default_engine
    from engine.examples import run_examples

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
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
@guarded
def catalogs_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every catalog with its edition and item count."""
    from engine import catalog_views
    from engine.api import default_engine

    click.echo(catalog_views.list_catalogs(default_engine().catalogs, fmt, lang or obj.lang), nl=False)


@catalogs.command("show")
@click.argument("area")
@click.option("--lang", type=LANGS, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
@guarded
def catalogs_show(obj: Ctx, area: str, lang: str | None, fmt: str) -> None:
    """The items of one catalog with their deadlines and sources."""
    from engine import catalog_views
    from engine.api import default_engine

    click.echo(catalog_views.show_catalog(default_engine().catalogs, area, fmt, lang or obj.lang), nl=False)


@main.group()
def rules() -> None:
    """List the rules. / ルールの一覧"""


@rules.command("list")
@click.option("--lang", type=LANGS, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
@guarded
def rules_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every rule with its area, severity, obligation and the catalog it reads."""
    from engine import catalog_views
    from engine.api import default_engine

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
    from engine import catalog_views
    from engine.api import default_engine

    click.echo(catalog_views.explain(default_engine(), ident, lang or obj.lang), nl=False)


if __name__ == "__main__":
    main()
