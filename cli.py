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

from .engine import clihelp

# the exit codes each command's --help lists (engine.clihelp.EXIT_CODES)
EXITS = {
    "main": ("0", "1", "2", "3", "4", "130", "143"),
    "run": ("0", "1", "2", "3", "4", "130", "143"),
    "budget": ("0", "2", "3", "130", "143"),
    "verify": ("0", "2r", "3", "130", "143"),
    "diff": ("0", "1d", "2", "3", "130", "143"),
    "validate_cmd": ("0", "2v", "3", "130", "143"),
    "init_cmd": ("0", "2", "3", "130", "143"),
    "schema_cmd": ("0", "2", "3", "130", "143"),
    "explain": ("0", "2", "3"),
    "catalogs_list": ("0", "2", "3"), "catalogs_show": ("0", "2", "3"), "rules_list": ("0", "2", "3"),
}
EXIT_CODES_HELP = clihelp.exit_help("en", EXITS["main"])       # the README's table

# ------------------------------------------------------------------- the chosen language

_argv: list[str] = []      # the arguments of this invocation (GapcheckGroup.main)


def help_lang() -> str:
    """The language of help and usage errors: the last --lang on the command line, else
    $GAPCHECK_LANG, else ja (read before click has parsed anything)."""
    found = None
    for i, a in enumerate(_argv):
        if a == "--":
            break
        if a == "--lang" and i + 1 < len(_argv):
            found = _argv[i + 1]
        elif a.startswith("--lang="):
            found = a.split("=", 1)[1]
    return found if found in vocab.LANGS else _default_lang()


def _gettext(message: str) -> str:
    return clihelp.CLICK_JA.get(message, message) if help_lang() == "ja" else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def _wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
               preserve_paragraphs: bool = False) -> str:
    """click's wrap_text by display width (a full-width character counts 2) with Japanese
    line breaking; a raw paragraph (\\b) keeps its lines, each wrapped under its own indent."""
    from .engine.report.formats.fit import wrap_to

    def fill(par: str, first: str, rest: str) -> list[str]:
        lines = wrap_to(" ".join(par.split()), max(width - max(len(first), len(rest)), 10))
        return [(first if i == 0 else rest) + ln for i, ln in enumerate(lines)]

    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(fill(text, initial_indent, subsequent_indent))
    out: list[str] = []
    pars = [p for p in text.split("\n\n")]
    for par in pars:
        lines = par.split("\n")
        if lines and lines[0].strip() == "\b":
            block = []
            for ln in lines[1:]:          # "  4  text": continuation lines under the text
                lead = len(ln) - len(ln.lstrip(" "))
                body = ln.strip()
                m = lead + (len(body.split("  ")[0]) + 2 if "  " in body else 2)
                for i, x in enumerate(wrap_to(body, max(width - len(initial_indent) - m, 10))):
                    block.append(initial_indent + " " * (lead if i == 0 else m) + x)
            out.append("\n".join(block))
        else:
            lead = " " * (len(par) - len(par.lstrip(" ")))
            out.append("\n".join(fill(par, initial_indent + lead, subsequent_indent + lead)))
    return "\n\n".join(out)


def _install_click_language() -> None:
    """click's own messages and help layout in the chosen language and by display width."""
    import importlib

    for name in ("core", "exceptions", "formatting", "parser", "types", "decorators", "termui", "utils"):
        try:
            mod = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(mod, "_"):
            mod._ = _gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = _ngettext
        if hasattr(mod, "wrap_text"):
            mod.wrap_text = _wrap_text


class _I18n:
    """A command whose help (its text, its options', its exit codes) is in the chosen language."""

    def _key(self) -> str:
        return self.callback.__name__ if self.callback else self.name

    def _text(self, lang: str) -> str | None:
        t = clihelp.COMMAND_HELP.get(self._key())
        return t[lang] if t else self.help

    def format_help(self, ctx, formatter):
        lang = help_lang()
        saved = [(p, p.help) for p in self.get_params(ctx) if isinstance(p, click.Option)]
        keep = self.help, self.epilog
        try:
            if lang == "ja":
                for p, h in saved:
                    p.help = clihelp.OPTION_HELP_JA.get(h, h) if h else h
            self.help = self._text(lang)
            if self._key() in EXITS:
                self.epilog = clihelp.exit_help(lang, EXITS[self._key()])
            super().format_help(ctx, formatter)
        finally:
            for p, h in saved:
                p.help = h
            self.help, self.epilog = keep

    def get_short_help_str(self, limit: int = 45) -> str:
        text = (self._text(help_lang()) or "").split("\n\n")[0]
        depth = 0
        for i, ch in enumerate(text):          # the first sentence (not a stop inside brackets)
            depth += ch in "（(「" and 1 or ch in "）)」" and -1 or 0
            if depth == 0 and (ch == "。" or ch == "." and text[i + 1:i + 2] in (" ", "")):
                return text[:i]
        return text


class GapcheckCommand(_I18n, click.Command):
    pass


class GapcheckGroup(_I18n, click.Group):
    command_class = GapcheckCommand
    group_class = type          # subgroups are GapcheckGroups

    def main(self, args=None, *a, **kw):
        global _argv
        _argv = list(sys.argv[1:] if args is None else args)
        _install_click_language()
        return super().main(args, *a, **kw)


LANGS = click.Choice(vocab.LANGS)
SEVERITY_CHOICE = click.Choice(vocab.SEVERITIES)


def _area_ids() -> list[str]:
    """The catalog areas (the file names of the shipped catalogs: no catalog is loaded)."""
    from .engine.load import paths

    try:
        return sorted(p.stem for p in paths.catalogs_dir().glob("*.yaml"))
    except OSError:
        return []


class AreaChoice(click.Choice):
    """--area: a catalog area, by its ID or its Japanese or English name (the choices are read
    when an --area is given, not at start-up)."""

    def __init__(self):
        super().__init__([], case_sensitive=False)

    def _load(self) -> None:
        if not self.choices:
            self.choices = _area_ids()

    def get_metavar(self, param, ctx=None):
        return "AREA"

    def convert(self, value, param, ctx):
        self._load()
        if value in self.choices:
            return value
        from .engine.api import default_engine

        cats = default_engine().catalogs.catalogs
        exact = [a for a, c in cats.items() if value in (c.name.ja, c.name.en)]
        part = [a for a, c in cats.items() if value and (value in c.name.ja or value.lower() in c.name.en.lower())]
        if exact or len(part) == 1:
            return (exact or part)[0]
        return super().convert(value, param, ctx)


def filter_options(fn=None, *, fail_on: bool = True):
    """--status, --severity, --area (each may be given more than once): the findings shown."""
    def add(fn):
        fn = click.option("--area", "areas", multiple=True, type=AreaChoice(),
                          help="Show only findings of this area (ID or name; repeatable).")(fn)
        fn = click.option("--severity", "severities", multiple=True, type=click.Choice(vocab.SEVERITIES),
                          help="Show only findings of this severity (repeatable).")(fn)
        fn = click.option("--status", "statuses", multiple=True, type=click.Choice(vocab.FINDING_STATUSES),
                          help="Show only findings of this status (repeatable). --fail-on still reads all findings."
                          if fail_on else "Show only findings of this status (repeatable).")(fn)
        return fn

    return add(fn) if fn is not None else add


def _selection(statuses, severities, areas) -> dict | None:
    sel = {"status": list(statuses), "severity": list(severities), "area": list(areas)}
    return sel if any(sel.values()) else None


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


@click.group(cls=GapcheckGroup)
@click.version_option(__version__, prog_name="gapcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.option("--lang", type=LANGS, default=None, help="Message language (default ja, or $GAPCHECK_LANG).")
@click.pass_context
def main(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """gapcheck — 自治体DXの国の要件に対するギャップ分析 / gap analysis of a municipality
    against national DX requirements."""
    ctx.obj = Ctx(debug, lang or _default_lang())


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(), metavar="PROFILE_OR_DIR...")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Evaluation date (default: today). ISO or 和暦, e.g. 2026-04-01, 令和8年4月1日.")
@click.option("--format", "fmt", type=click.Choice(vocab.FORMATS), default="table", show_default=True,
              help="table, json, csv (Excel, UTF-8 BOM), markdown, html (one self-contained file), "
                   "xlsx (needs --output).")
@click.option("--table-style", type=click.Choice(vocab.TABLE_STYLES), default="simple", show_default=True,
              help="Table style of --format table (wide terminals; the narrow layout has none).")
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Waiver file (YAML): waived findings get status waived and never count for --fail-on.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--include-passed", is_flag=True, help="Also list passed requirements (status ok).")
@click.option("--all", "show_all", is_flag=True,
              help="Table: list unassessed findings one by one (default: one line per area).")
@filter_options
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when an open finding of this severity or worse exists.")
@click.option("--due-soon-days", type=click.IntRange(0, 3650), default=180, show_default=True,
              help="A deadline within this many days is due_soon.")
@click.option("--max-age", "max_age", type=click.IntRange(0, 36500), default=vocab.MAX_AGE_DAYS, show_default=True,
              metavar="DAYS", help="Evidence older than this many days is stale (shown as such).")
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
@click.option("--expected", "expected", type=click.Path(dir_okay=False), default=None, metavar="CODES.csv",
              help="Batch: the municipalities expected (a code list, as for workbook --codes); the summary lists those that sent nothing back.")
@click.pass_obj
@guarded
def run(obj: Ctx, profiles: tuple[str, ...], as_of: str | None, fmt: str, table_style: str,
        waivers: str | None, lang: str | None,
        include_passed: bool, fail_on: str | None, due_soon_days: int, output: str | None,
        jobs: int | None, output_dir: str | None, summary_path: str | None,
        summary_format: str | None, show_all: bool = False, statuses: tuple = (), severities: tuple = (),
        areas: tuple = (), max_age: int = vocab.MAX_AGE_DAYS, expected: str | None = None) -> None:
    """Evaluate profiles against the national requirements and list the findings.

    プロファイルを国の要件と照合し、指摘事項を一覧表示します。

    One profile file: its findings in the --format asked for. Several profiles or folders (batch):
    one JSON document per profile (JSON Lines on stdout, or files under --output-dir) and a
    municipality x area summary grouped by prefecture (on stdout with --output-dir, else on
    stderr, or in --summary FILE). A bad profile is reported and skipped; the rest still run.
    """
    from .engine import api

    lang = lang or obj.lang
    selection = _selection(statuses, severities, areas)
    _binary_needs_output(fmt, output or output_dir)
    batch_mode = len(profiles) > 1 or os.path.isdir(profiles[0]) or output_dir or summary_path or expected
    if batch_mode and waivers:
        raise GapcheckError("--waivers takes one profile (a batch run does not apply waivers yet)",
                            "--waivers はプロファイル1件の実行でのみ使えます（複数プロファイルの一括実行では未対応）")
    if batch_mode:
        _run_batch(profiles, as_of, fmt, lang, include_passed, fail_on, due_soon_days, output,
                   jobs, output_dir, summary_path, summary_format, selection, max_age, expected)
    profile = profiles[0]
    result = api.run(profile, as_of=as_of, include_passed=include_passed, due_soon_days=due_soon_days,
                     waivers=waivers, langs=(lang,), max_age=max_age)
    opts = {"style": table_style, "width": terminal_width(), "show_all": show_all} if fmt == "table" else {}
    emit(api.render(result, fmt, lang, selection=selection, **opts), output, api.inputs_of(profile, waivers))
    sys.exit(EXIT_FINDINGS if fail_on and api.fails_on(result, fail_on) else EXIT_OK)


def _read_codes(path: str):
    from .engine.commands.workbook import read_codes

    return read_codes(path)


def terminal_width() -> int:
    from .engine.report.formats.fit import terminal_width as tw

    return tw()


def _run_batch(profiles, as_of, fmt, lang, include_passed, fail_on, due_soon_days, output,
               jobs, output_dir, summary_path, summary_format, selection=None,
               max_age=vocab.MAX_AGE_DAYS, expected=None) -> None:
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
                                 fail_on=fail_on, emit=lambda text: emit(text, None, []), on_outcome=seen,
                                 selection=selection, max_age=max_age,
                                 expected=_read_codes(expected) if expected else None)
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


@main.command()
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--fy", required=True, metavar="FY",
              help="Fiscal year to budget for: 2027, FY2027, R9 or 令和9年度.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Evaluation date (default: today).")
@click.option("--format", "fmt", type=click.Choice(vocab.BUDGET_FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--waivers", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Waiver file (YAML): waived findings are not budgeted.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout.")
@filter_options(fail_on=False)
@click.pass_obj
@guarded
def budget(obj: Ctx, profile: str, fy: str, as_of: str | None, fmt: str, waivers: str | None,
           lang: str | None, output: str | None, statuses: tuple = (), severities: tuple = (),
           areas: tuple = ()) -> None:
    """The work to fund in one fiscal year (年度), by area and department, past-due items first.

    指定した年度の予算要求に向けた対応事項一覧（期限経過分を先頭に、分野・担当部門別）。
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
    _binary_needs_output(fmt, output)
    result = api.run(profile, as_of=as_of, waivers=waivers, langs=(lang,))
    selection = _selection(statuses, severities, areas)
    if selection:          # the findings budgeted: those the filter shows
        import dataclasses

        from .engine.report.model import select

        result = dataclasses.replace(result, findings=select(result.findings, **selection))
    text = budget_mod.render(budget_mod.build(result, year), fmt, lang)
    if fmt == "table":
        from .engine.report.formats.fit import fit_text

        text = fit_text(text, terminal_width())
    emit(text, output, api.inputs_of(profile, waivers))


@main.command()
@click.argument("rule", required=False)
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.pass_obj
@guarded
def verify(obj: Ctx, rule: str | None, lang: str | None) -> None:
    """Run every rule's fire / no-fire examples (for rule authors).

    ルールの発火例・非発火例を実行して検証します。RULE でルールまたは分野を絞り込めます。
    """
    from .engine.api import default_engine
    from .engine.commands.verify import run_examples

    lang = lang or obj.lang
    ja = lang == "ja"
    engine = default_engine()
    if rule and not any(r.id == rule or r.id.startswith(rule + ".") for r in engine.rules.rules):
        from .engine.load.validation import _suggest

        known = sorted({r.id for r in engine.rules.rules} | {r.catalog for r in engine.rules.rules})
        sug = _suggest(rule, known)
        raise GapcheckError(f"no rule and no area '{rule}'", f"ルールまたは分野 '{rule}' はありません",
                            hint_en=(f"did you mean '{sug}'? " if sug else "") + "see: gapcheck rules list",
                            hint_ja=(f"'{sug}' の誤りではありませんか？ " if sug else "") + "一覧: gapcheck rules list")
    results = run_examples(engine, rule)
    failed = [r for r in results if not r.passed]
    for r in results:
        if not r.passed or os.environ.get("GAPCHECK_VERBOSE"):
            if ja:
                mark = "合格" if r.passed else "不合格"
                expect = {"fire": "指摘する", "no_fire": "指摘しない"}.get(r.expect, r.expect)
                click.echo(f"{mark} {r.rule} 例{r.index}（期待: {expect}） {r.file}:{r.line}: {r.detail_ja or r.detail}")
            else:
                mark = "PASS" if r.passed else "FAIL"
                click.echo(f"{mark} {r.rule} example {r.index} (expect {r.expect}) {r.file}:{r.line}: {r.detail}")
    click.echo(f"{len(results)}件の例: 合格 {len(results) - len(failed)}件、不合格 {len(failed)}件" if ja else
               f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(EXIT_USAGE if failed or not results else EXIT_OK)


@main.group()
def catalogs() -> None:
    """List and show the national-requirement catalogs. / カタログの一覧・表示"""


@catalogs.command("list")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table", help="Output format.")
@click.pass_obj
@guarded
def catalogs_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every catalog with its edition and item count."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.list_catalogs(default_engine().catalogs, fmt, lang or obj.lang, terminal_width()),
               nl=False)


@catalogs.command("show")
@click.argument("area")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table", help="Output format.")
@click.pass_obj
@guarded
def catalogs_show(obj: Ctx, area: str, lang: str | None, fmt: str) -> None:
    """The items of one catalog with their deadlines and sources."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.show_catalog(default_engine().catalogs, area, fmt, lang or obj.lang,
                                          terminal_width()), nl=False)


@main.group()
def rules() -> None:
    """List the rules. / ルールの一覧"""


@rules.command("list")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.option("--format", "fmt", type=click.Choice(vocab.VIEW_FORMATS), default="table", help="Output format.")
@click.pass_obj
@guarded
def rules_list(obj: Ctx, lang: str | None, fmt: str) -> None:
    """Every rule with its area, severity, obligation and the catalog it reads."""
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    click.echo(catalog_views.list_rules(default_engine(), fmt, lang or obj.lang, terminal_width()), nl=False)


@main.command()
@click.argument("ident")
@click.option("--profile", type=click.Path(dir_okay=False), default=None,
              help="A profile to resolve a finding ID (GC-...) against.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Evaluation date of the finding ID's run (default: today).")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.pass_obj
@guarded
def explain(obj: Ctx, ident: str, lang: str | None, profile: str | None = None, as_of: str | None = None) -> None:
    """Explain a rule or a requirement: what is checked, why, sources and examples.

    ルールまたは要件の内容・根拠・例を説明します。
    """
    from .engine.commands import explain as catalog_views
    from .engine.api import default_engine

    from .engine.report.formats.fit import fit_text

    click.echo(fit_text(catalog_views.explain(default_engine(), ident, lang or obj.lang, profile, as_of),
                        terminal_width()), nl=False)


@main.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(vocab.DIFF_FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
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
    emit(diff_mod.render(d, fmt, lang or obj.lang, terminal_width() if fmt == "table" else None), output,
         inputs_of(old, new))
    sys.exit(EXIT_FINDINGS if exit_code and diff_mod.has_differences(d) else EXIT_OK)


@main.command("validate")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(), metavar="PROFILE_OR_DIR...")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Date to judge stale data against (default: today). ISO or 和暦.")
@click.option("--max-age", "max_age", type=click.IntRange(0, 36500), default=vocab.MAX_AGE_DAYS, show_default=True,
              metavar="DAYS", help="Warn when the profile's data is older than this many days.")
@click.option("--verbose", "-v", is_flag=True, help="List the requirements each warning is about.")
@click.option("--format", "fmt", type=click.Choice(vocab.VALIDATE_FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.pass_obj
@guarded
def validate_cmd(obj: Ctx, profiles: tuple[str, ...], as_of: str | None, verbose: bool, fmt: str,
                 lang: str | None, max_age: int = vocab.MAX_AGE_DAYS) -> None:
    """Check profiles and report every problem at once (file, line, path, found, expected).

    プロファイルを検査し、問題をすべて一度に報告します（ファイル・行・項目・記述・正しい形）。
    Warnings (stale data, requirements left out) do not make a profile invalid.
    """
    from .engine.api import default_engine, resolve_as_of
    from .engine.commands import validate as v
    from .engine.load.files import expand_profiles

    lang = lang or obj.lang
    day = resolve_as_of(as_of)
    reports = v.validate_files(expand_profiles(profiles), default_engine().catalogs, day, max_age)
    click.echo(v.render_json(reports, lang, day) if fmt == "json" else v.render_text(reports, lang, verbose),
               nl=False)
    sys.exit(EXIT_OK if all(r.valid for r in reports) else EXIT_USAGE)


@main.command("init")
@click.option("--name", required=True, help="Name of the municipality, e.g. 内灘町.")
@click.option("--code", required=True, help="全国地方公共団体コード (6 digits with check digit), e.g. 173657.")
@click.option("--prefecture", default=None, help="Prefecture (default: from the code's first two digits).")
@click.option("--name-en", default=None, help="English name, e.g. Uchinada.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="The profile's as_of (default: today).")
@click.option("--id", "profile_id", default=None, help="Profile id (default: from --name-en, else m<code>).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this new file (never overwrites) instead of stdout.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
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


@main.command("schema")
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


@main.command("migrate", epilog=EXIT_CODES_HELP)
@click.argument("profile", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True,
              help="Write the version 2 profile to this file (required; the input is never changed).")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
@click.pass_obj
@guarded
def migrate_cmd(obj: Ctx, profile: str, output: str, lang: str | None) -> None:
    """Rewrite a version 1 profile as version 2, with every default made explicit, comments kept.

    バージョン1のプロファイルを、既定値をすべて明示したバージョン2に書き換えます（コメントは保持）。
    """
    from .engine.api import inputs_of
    from .engine.commands import migrate

    lang = lang or obj.lang
    text, notes = migrate.migrate_text(profile)
    emit(text, output, inputs_of(profile))
    for n in notes:
        click.echo(("明示した既定値: " if lang == "ja" else "made explicit: ") + n[lang], err=True)


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
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
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
              help="2 (docs/PROFILES.md), or 1 for an older gapcheck that reads only version 1 (version 2 facts dropped).")
@click.option("--code", default=None, help="CSV: the municipality's code.")
@click.option("--name", default=None, help="CSV: its name (default: from the shipped list).")
@click.option("--id", "profile_id", default=None, help="CSV: the profile id (default m<code>).")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="CSV: the date of the answers.")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
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
@click.option("--profile-version", type=click.Choice(vocab.IMPORT_PROFILE_VERSIONS), default="2", show_default=True,
              help="2 (docs/PROFILES.md), or 1 for an older gapcheck that reads only version 1 (version 2 facts dropped).")
@click.option("--lang", type=LANGS, default=None, help="ja or en (default ja).")
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
