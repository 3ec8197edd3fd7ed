"""Turning pydantic validation errors into messages that name the file, line and path, what
was found and what was expected, in Japanese and English."""
from __future__ import annotations

import math
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import jdate
from ..errors import GapcheckError, printable
from .yamlio import Document

M = TypeVar("M", bound=BaseModel)

_UNSET = object()


def show(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a value the user wrote."""
    if isinstance(value, dict):
        return f"a mapping with {len(value)} key(s)" if value else "{}"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "[]"
    if value is None:
        return "null (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return repr(text)
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def show_ja(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        return f"「キー: 値」の形式（{len(value)}項目）" if value else "{}"
    if isinstance(value, list):
        return f"リスト（{len(value)}件）" if value else "[]"
    if value is None:
        return "null（空）"
    return show(value, limit)


class Problem(GapcheckError):
    """One problem (or, with warning=True, one warning) in one input file.

    Besides the message it may say what was found and what was expected."""

    def __init__(self, en: str, ja: str | None = None, *, found: Any = _UNSET,
                 expected_en: str | None = None, expected_ja: str | None = None,
                 code: str | None = None, warning: bool = False, details: list[str] | None = None,
                 **kw: Any):
        self.found = found
        self.expected_en = expected_en
        self.expected_ja = expected_ja or expected_en
        self.code = code
        self.warning = warning
        self.details = list(details or [])
        super().__init__(en, ja, **kw)

    @property
    def has_found(self) -> bool:
        return self.found is not _UNSET

    def render(self, lang: str = "en", verbose: bool = True) -> str:
        text = super().render(lang)
        head, _, hint = text.partition("\n  → ")
        lines = [head]
        if self.has_found:
            lines.append(("  記述: " + show_ja(self.found)) if lang == "ja" else ("  found: " + show(self.found)))
        exp = self.expected_ja if lang == "ja" else self.expected_en
        if exp:
            lines.append(("  必要: " if lang == "ja" else "  expected: ") + printable(exp))
        if hint:
            lines.append("  → " + hint)
        if verbose:
            lines += ["    " + printable(d) for d in self.details]
        return "\n".join(lines)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "level": "warning" if self.warning else "error",
            "code": self.code,
            "file": self.file, "line": self.line, "column": self.column, "path": self.path,
            "message": self.ja if lang == "ja" else self.en,
            "found": (None if not self.has_found else
                      self.found if isinstance(self.found, (str, int, bool, type(None)))
                      or (isinstance(self.found, float) and math.isfinite(self.found)) else show(self.found)),
            "expected": self.expected_ja if lang == "ja" else self.expected_en,
            "hint": self.hint_ja if lang == "ja" else self.hint_en,
            "details": self.details,
        }


def as_problem(e: GapcheckError) -> Problem:
    """Any user error as a Problem (file-level errors have no path, found or expected)."""
    if isinstance(e, Problem):
        return e
    return Problem(e.en, e.ja, file=e.file, line=e.line, column=e.column, path=e.path,
                   hint_en=e.hint_en, hint_ja=e.hint_ja, code="file")


class InvalidInput(GapcheckError):
    """One or more problems in an input file; renders all of them."""

    def __init__(self, problems: list[GapcheckError]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.en, first.ja, file=first.file, line=first.line,
                         column=first.column, path=first.path)

    def render(self, lang: str = "en") -> str:
        head = ("入力に問題があります（{n}件）" if lang == "ja" else "{n} problem(s) in the input").format(
            n=len(self.problems))
        return head + "\n" + "\n".join("  " + p.render(lang).replace("\n", "\n  ") for p in self.problems)


def dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


# pydantic error type -> (en message, ja message, en expected, ja expected)
_TYPES: dict[str, tuple[str, str, str | None, str | None]] = {
    "string_type": ("text is expected here", "ここには文字列が必要です", "text", "文字列"),
    "int_type": ("a whole number is expected here", "ここには整数が必要です", "a whole number", "整数"),
    "int_parsing": ("a whole number is expected here", "ここには整数が必要です", "a whole number", "整数"),
    "int_from_float": ("a whole number is expected here", "ここには整数が必要です", "a whole number", "整数"),
    "bool_type": ("true or false is expected here", "ここには true または false が必要です",
                  "true or false", "true または false"),
    "bool_parsing": ("true or false is expected here", "ここには true または false が必要です",
                     "true or false", "true または false"),
    "list_type": ("a list is expected here", "ここにはリストが必要です",
                  "a list: [A, B] or lines starting with '- '", "リスト（[A, B] または '- ' で始まる行）"),
    "dict_type": ("a mapping (key: value lines) is expected here", "ここには「キー: 値」の形式が必要です",
                  "key: value lines, indented under this key", "この項目の下に字下げした「キー: 値」の行"),
    "model_type": ("a mapping (key: value lines) is expected here", "ここには「キー: 値」の形式が必要です",
                   "key: value lines, indented under this key", "この項目の下に字下げした「キー: 値」の行"),
    "model_attributes_type": ("a mapping (key: value lines) is expected here",
                              "ここには「キー: 値」の形式が必要です",
                              "key: value lines", "「キー: 値」の行"),
    "date_type": ("a date is expected here", "ここには日付が必要です", jdate.ACCEPTED_FORMS, jdate.ACCEPTED_FORMS),
    "float_type": ("a number is expected here", "ここには数値が必要です", "a number", "数値"),
    "none_required": ("nothing (null) is expected here", "ここには値を書けません", "null", "null"),
    "finite_number": ("a finite number is expected here", "ここには有限の数値が必要です", "a whole number", "整数"),
}


def _suggest(word: str, options: list[str]) -> str | None:
    import difflib

    word = str(word)
    for o in options:                       # bs-juki -> BS-JUKI
        if o.lower() == word.lower():
            return o
    m = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return m[0] if m else None


def did_you_mean(sug: str | None, else_en: str | None = None,
                 else_ja: str | None = None) -> tuple[str | None, str | None]:
    """The (hint_en, hint_ja) pair for a suggestion, or the fallback hints when there is none."""
    if not sug:
        return else_en, else_ja
    return f"did you mean '{sug}'?", f"'{sug}' の誤りではありませんか？"


def _clean(loc: tuple) -> tuple:
    # pydantic puts union/validator branch names into loc; keep only real keys
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def _describe(e: dict, model: type[BaseModel], loc: tuple, base: tuple) -> dict[str, Any]:
    """en, ja, expected_en, expected_ja, hint_en, hint_ja, found, code for one pydantic error."""
    typ = e["type"]
    ctx = e.get("ctx") or {}
    inp = e.get("input", _UNSET)
    out: dict[str, Any] = {"en": e["msg"], "ja": f"値が正しくありません（{e['msg']}）", "expected_en": None,
                           "expected_ja": None,
                           "hint_en": None, "hint_ja": None, "found": inp, "code": typ}
    if typ in _TYPES:
        out["en"], out["ja"], out["expected_en"], out["expected_ja"] = _TYPES[typ]
    elif typ == "missing":
        key = loc[-1] if loc else "?"
        out.update(en=f"the required key '{key}' is missing", ja=f"必須の項目 '{key}' がありません",
                   expected_en=f"a line `{key}: ...` here", expected_ja=f"`{key}: ...` の行", found=_UNSET)
    elif typ == "extra_forbidden":
        key = loc[-1] if loc else "?"
        out.update(en=f"unknown key '{key}'", ja=f"項目 '{key}' は使えません（綴りを確認してください）",
                   found=key)
        allowed = _allowed_keys(model, loc[len(base):-1])
        sug = _suggest(str(key), allowed) if allowed else None
        if allowed:
            out["expected_en"] = out["expected_ja"] = ", ".join(allowed)
        if sug:
            out.update(hint_en=f"did you mean '{sug}'?", hint_ja=f"'{sug}' の誤りではありませんか？", suggestion=sug)
    elif typ == "literal_error":
        options = [o.strip(" '\"") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        options = [o for o in options if o]
        out.update(en=f"{show(inp)} is not an allowed value", ja=f"{show(inp)} は使えない値です",
                   expected_en="one of " + ", ".join(options), expected_ja="次のいずれか: " + ", ".join(options))
        if loc and loc[-1] == "status":
            from .models import STATUS_ALIASES
            out["expected_ja"] += "（日本語: " + "、".join(STATUS_ALIASES) + "）"
        sug = _suggest(str(inp), options) if isinstance(inp, str) else None
        if sug:
            out.update(hint_en=f"did you mean '{sug}'?", hint_ja=f"'{sug}' の誤りではありませんか？")
    elif typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        words = {"greater_than_equal": ("or more", "以上"), "greater_than": ("more than", "より大きい値"),
                 "less_than_equal": ("or less", "以下"), "less_than": ("less than", "未満")}[typ]
        if typ in ("greater_than", "less_than"):
            exp_en, exp_ja = f"{words[0]} {limit:,}", f"{limit:,} {words[1]}"
        else:
            exp_en, exp_ja = f"{limit:,} {words[0]}", f"{limit:,} {words[1]}"
        out.update(en="the number is out of range", ja="数値が範囲外です", expected_en=exp_en, expected_ja=exp_ja)
    elif typ in ("too_short", "string_too_short"):
        n = ctx.get("min_length", 1)
        out.update(en=f"at least {n} entr{'y' if n == 1 else 'ies'} or character(s) needed",
                   ja=f"{n}件（文字）以上が必要です", expected_en=f"at least {n}", expected_ja=f"{n}以上")
    elif typ in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        if isinstance(cause, jdate.DateParseError):
            out.update(en=cause.reason_en, ja=cause.reason_ja, expected_en="a date: " + jdate.ACCEPTED_FORMS,
                       expected_ja="日付: " + jdate.ACCEPTED_FORMS, code="date")
        elif cause is not None and hasattr(cause, "en") and hasattr(cause, "ja"):
            out.update(en=cause.en, ja=cause.ja, hint_en=getattr(cause, "hint_en", None),
                       hint_ja=getattr(cause, "hint_ja", None))
        elif cause is not None:
            out["en"] = out["ja"] = str(cause)
    return out


def problems_from(err: ValidationError, doc: Document, model: type[BaseModel],
                  base: tuple = ()) -> list[GapcheckError]:
    groups: dict[tuple, list[dict]] = {}
    for e in err.errors(include_url=False):
        groups.setdefault(_clean(base + tuple(e["loc"])), []).append(e)
    described: list[tuple[tuple, dict]] = []
    for loc, errs in groups.items():
        ds = [_describe(e, model, loc, base) for e in errs]
        if len(ds) > 1:
            # a union: the value matched none of the kinds allowed here
            exps_en = list(dict.fromkeys(d["expected_en"] for d in ds if d["expected_en"]))
            exps_ja = list(dict.fromkeys(d["expected_ja"] for d in ds if d["expected_ja"]))
            specific = [d for d in ds if d["code"] not in _TYPES]
            d = dict(specific[0]) if specific else dict(ds[0])
            if not specific:
                d.update(en="this value has the wrong type", ja="値の種類が違います",
                         expected_en=" or ".join(exps_en) or None, expected_ja="、".join(exps_ja) or None,
                         code="type")
            ds = [d]
        described.append((loc, ds[0]))
    # A misspelt key also makes the right key "missing": report the misspelling only.
    explained = {loc[:-1] + (d["suggestion"],) for loc, d in described if d.get("suggestion")}
    out = []
    for loc, d in described:
        if d["code"] == "missing" and loc in explained:
            continue
        line, col = doc.position(loc)
        out.append(Problem(d["en"], d["ja"], file=doc.file, line=line, column=col, path=dotted(loc),
                           hint_en=d["hint_en"], hint_ja=d["hint_ja"], found=d["found"],
                           expected_en=d["expected_en"], expected_ja=d["expected_ja"], code=d["code"]))
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (nested) model at loc, for 'did you mean'."""
    import typing

    def strip(t: Any) -> Any:
        # Annotated[X, ...] -> X; Optional[X] -> X; a union holding a model -> the model
        while True:
            origin = typing.get_origin(t)
            if origin is typing.Annotated:
                t = typing.get_args(t)[0]
            elif origin is typing.Union or str(origin) == "types.UnionType":
                args = [a for a in typing.get_args(t) if a is not type(None)]
                models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
                if models:
                    t = models[-1]
                elif len(args) == 1:
                    t = args[0]
                else:
                    return t
            else:
                return t

    cur: Any = model
    for p in loc:
        cur = strip(cur)
        origin = typing.get_origin(cur)
        if isinstance(cur, type) and issubclass(cur, BaseModel):
            f = cur.model_fields.get(p) if isinstance(p, str) else None
            if f is None:
                return []
            cur = f.annotation
        elif origin is dict:
            cur = typing.get_args(cur)[1]
        elif origin is list:
            cur = typing.get_args(cur)[0]
        else:
            return []
    cur = strip(cur)
    if isinstance(cur, type) and issubclass(cur, BaseModel):
        return list(cur.model_fields)
    return []


def validate(model: type[M], doc: Document, data: Any = None, base: tuple = ()) -> M:
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as err:
        raise InvalidInput(problems_from(err, doc, model, base)) from None
