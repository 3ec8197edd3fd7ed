"""Errors a user can act on, and the exit codes the CLI maps them to.

Every user-facing error carries the file, the line (where there is one), what is wrong and
what would be right, in Japanese and English.
"""
from __future__ import annotations

import re

EXIT_OK = 0
EXIT_FINDINGS = 1      # --fail-on threshold reached
EXIT_USAGE = 2         # bad input or usage
EXIT_INTERNAL = 3      # a bug in gapcheck (or an engine error): never looks like success
EXIT_PARTIAL = 4       # batch: some profiles were invalid and skipped, the others ran


# Control characters no input may carry (C0 but tab, line feed and carriage return; DEL; C1):
# engine.load.yamlio refuses them at load; outputs that show a file name write them escaped.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """CONTROL_CHARS written as \\x1b (line breaks and tabs kept): for outputs that keep lines."""
    return CONTROL_CHARS.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if CONTROL_CHARS.search(text) else text


def printable(text: str) -> str:
    """Text safe to show on a terminal: every control character (C0, DEL, C1; an ESC that would
    start a terminal escape sequence, a line break that would fake a line) written as Python
    writes it in a repr, e.g. \\x1b, \\n. Error messages quote what the user wrote and file names."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


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
        # every part may quote user input (a file name, a key, a value): shown escaped
        msg = printable(self.ja if lang == "ja" else self.en)
        hint = self.hint_ja if lang == "ja" else self.hint_en
        parts = []
        loc = printable(self.location())
        if loc:
            parts.append(loc)
        if self.path:
            parts.append(printable(self.path))
        head = ": ".join(parts)
        text = f"{head}: {msg}" if head else msg
        if hint:
            text += ("\n  → " + printable(hint))
        return text


class EngineError(Exception):
    """The rule engine failed while evaluating (for example an action raised).

    Never swallowed: a failed evaluation must not look like 'no finding'. Exit code 3.
    """

    exit_code = EXIT_INTERNAL


class EngineUnavailable(ImportError):
    """The rule engine (durable-rules' C core) cannot be loaded on this Python; the message says
    why and what to do. Exit code 3: the run could not be made, and says so."""

    exit_code = EXIT_INTERNAL
