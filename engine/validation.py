"""Turning pydantic validation errors into messages that name the file, line and path."""
from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import jdate
from .errors import GapcheckError
from .yamlio import Document

M = TypeVar("M", bound=BaseModel)


class Problem(GapcheckError):
    """One problem in one input file."""


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


_JA_TYPES = {
    "missing": "必須の項目がありません",
    "extra_forbidden": "この項目は使えません（綴りを確認してください）",
    "literal_error": "使えない値です",
    "string_type": "文字列が必要です",
    "int_type": "整数が必要です",
    "int_parsing": "整数が必要です",
    "bool_type": "true または false が必要です",
    "bool_parsing": "true または false が必要です",
    "list_type": "リストが必要です",
    "dict_type": "「キー: 値」の形式が必要です",
    "model_type": "「キー: 値」の形式が必要です",
    "greater_than_equal": "値が小さすぎます",
    "too_short": "項目が足りません",
    "date_type": "日付が必要です",
}


def _suggest(word: str, options: list[str]) -> str | None:
    import difflib

    m = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return m[0] if m else None


def problems_from(err: ValidationError, doc: Document, model: type[BaseModel],
                  base: tuple = ()) -> list[GapcheckError]:
    out = []
    for e in err.errors(include_url=False):
        loc = base + tuple(e["loc"])
        # pydantic puts union/validator branch names into loc; keep only real keys
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        line, col = doc.position(loc)
        typ = e["type"]
        en = e["msg"]
        ja = _JA_TYPES.get(typ, e["msg"])
        hint_en = hint_ja = None
        ctx = e.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, jdate.DateParseError):
            en, ja = cause.reason_en, cause.reason_ja
            hint_en = f"accepted forms: {jdate.ACCEPTED_FORMS}"
            hint_ja = f"使える書き方: {jdate.ACCEPTED_FORMS}"
        elif typ == "value_error" and cause is not None:
            en = ja = str(cause)
        if typ == "literal_error" and "expected" in ctx:
            hint_en = f"expected one of {ctx['expected']}"
            hint_ja = f"次のいずれか: {ctx['expected']}"
            ja = f"使えない値です: {e.get('input')!r}"
        if typ == "extra_forbidden" and loc:
            allowed = _allowed_keys(model, loc[len(base):-1])
            sug = _suggest(str(loc[-1]), allowed) if allowed else None
            if sug:
                hint_en = f"did you mean '{sug}'?"
                hint_ja = f"'{sug}' の誤りではありませんか？"
            elif allowed:
                hint_en = "allowed keys: " + ", ".join(allowed)
                hint_ja = "使える項目: " + ", ".join(allowed)
        out.append(Problem(en, ja, file=doc.file, line=line, column=col, path=dotted(loc),
                           hint_en=hint_en, hint_ja=hint_ja))
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the (nested) model at loc, for 'did you mean'."""
    import typing

    cur: Any = model
    for p in loc:
        if isinstance(p, int):
            continue
        if isinstance(cur, type) and issubclass(cur, BaseModel):
            f = cur.model_fields.get(p)
            if f is None:
                return []
            cur = f.annotation
        else:
            # dict[str, Model] / list[Model] / Optional[Model]: step into the value type
            args = [a for a in typing.get_args(cur) if a is not type(None)]
            cur = args[-1] if args else None
            if isinstance(cur, type) and issubclass(cur, BaseModel):
                continue
        while cur is not None and not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            args = [a for a in typing.get_args(cur) if a is not type(None)]
            if not args:
                break
            cur = args[-1]
    if isinstance(cur, type) and issubclass(cur, BaseModel):
        return list(cur.model_fields)
    return []


def validate(model: type[M], doc: Document, data: Any = None, base: tuple = ()) -> M:
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as err:
        raise InvalidInput(problems_from(err, doc, model, base)) from None
