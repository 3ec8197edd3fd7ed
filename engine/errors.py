"""Errors a user can act on, and the exit codes the CLI maps them to.

Every user-facing error carries the file, the line (where there is one), what is wrong and
what would be right, in Japanese and English.
"""
from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1      # --fail-on threshold reached
EXIT_USAGE = 2         # bad input or usage
EXIT_INTERNAL = 3      # a bug in gapcheck (or an engine error): never looks like success
EXIT_PARTIAL = 4       # batch: some profiles were invalid and skipped, the others ran


class GapcheckError(Exception):
    """A problem with the user's input. Exit code 2."""

    exit_code = EXIT_USAGE

    def __init__(self, en: str, ja: str | None = None, *, file: str | None = None,
                 line: int | None = None, column: int | None = None, path: str | None = None,
                 hint_en: str | None = None, hint_ja: str | None = None):
        self.en = en
        self.ja = ja or en
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.hint_en = hint_en
        self.hint_ja = hint_ja or hint_en
        super().__init__(self.render("en"))

    def location(self) -> str:
        loc = self.file or ""
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def render(self, lang: str = "en") -> str:
        msg = self.ja if lang == "ja" else self.en
        hint = self.hint_ja if lang == "ja" else self.hint_en
        parts = []
        loc = self.location()
        if loc:
            parts.append(loc)
        if self.path:
            parts.append(self.path)
        head = ": ".join(parts)
        text = f"{head}: {msg}" if head else msg
        if hint:
            text += ("\n  → " + hint)
        return text


class EngineError(Exception):
    """The rule engine failed while evaluating (for example an action raised).

    Never swallowed: a failed evaluation must not look like 'no finding'. Exit code 3.
    """

    exit_code = EXIT_INTERNAL
