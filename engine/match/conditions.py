"""The condition language of rules (`when:`), in one table.

A condition is `field: value` (eq), `field: {op: arg}`, `any: [conditions]` or
`all: [conditions]`; a rule's `when` is a list of conditions that must all hold
(docs/RULES.md). Each operator is one entry of OPERATORS, and everything that reads
conditions reads it:

- rule validation (engine.load.rules) checks the argument with `check`;
- the durable_rules compiler (engine.match.compiler) builds the condition with `durable`;
- the plain-Python matcher (engine.match.matcher) tests a value with `test`;
- `explain` (engine.commands.explain) words it with `words`.

Unknown is unknown: a comparison with a null value never holds, in durable_rules as in Python;
only `is_null` asks about null itself. A new operator is one entry here and a line in
docs/RULES.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator


def _whole(arg: Any) -> bool:
    return isinstance(arg, int) and not isinstance(arg, bool)


def _nonempty_list(arg: Any) -> bool:
    return isinstance(arg, list) and bool(arg)


def _any_scalar(arg: Any) -> bool:
    return True


def _join(exprs: list, how: str):
    out = exprs[0]
    for e in exprs[1:]:
        out = (out | e) if how == "|" else (out & e)
    return out


@dataclass(frozen=True)
class Operator:
    """One operator: how its argument is checked, how durable_rules and Python test it, and how
    it reads in words (`{f}` the field, `{v}` the argument)."""

    name: str
    arg_ok: Callable[[Any], bool]
    arg_en: str                                 # what the argument must be, for the error
    arg_ja: str
    durable: Callable[[Any, Any], Any]          # (durable_rules field reference, arg) -> condition
    test: Callable[[Any, Any], bool]            # (value, arg) -> bool; value is never None here
    words: dict[str, str]


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("eq", _any_scalar, "a value", "値", lambda r, a: r == a, lambda v, a: v == a,
             {"ja": "{f} が {v}", "en": "{f} is {v}"}),
    Operator("ne", _any_scalar, "a value", "値", lambda r, a: r != a, lambda v, a: v != a,
             {"ja": "{f} が {v} でない", "en": "{f} is not {v}"}),
    Operator("in", _nonempty_list, "a non-empty list", "空でないリスト",
             lambda r, a: _join([r == x for x in a], "|"), lambda v, a: v in a,
             {"ja": "{f} が {v} のいずれか", "en": "{f} is one of {v}"}),
    Operator("not_in", _nonempty_list, "a non-empty list", "空でないリスト",
             lambda r, a: _join([r != x for x in a], "&"), lambda v, a: v not in a,
             {"ja": "{f} が {v} のいずれでもない", "en": "{f} is none of {v}"}),
    Operator("lt", _whole, "a whole number", "整数", lambda r, a: r < a, lambda v, a: v < a,
             {"ja": "{f} < {v}", "en": "{f} < {v}"}),
    Operator("le", _whole, "a whole number", "整数", lambda r, a: r <= a, lambda v, a: v <= a,
             {"ja": "{f} ≦ {v}", "en": "{f} <= {v}"}),
    Operator("gt", _whole, "a whole number", "整数", lambda r, a: r > a, lambda v, a: v > a,
             {"ja": "{f} > {v}", "en": "{f} > {v}"}),
    Operator("ge", _whole, "a whole number", "整数", lambda r, a: r >= a, lambda v, a: v >= a,
             {"ja": "{f} ≧ {v}", "en": "{f} >= {v}"}),
    # is_null: true asks "unknown?", false "known?"; the only operator that sees null
    Operator("is_null", lambda a: isinstance(a, bool), "true or false", "true または false",
             lambda r, a: (r == None) if a else (r != None),  # noqa: E711 (durable_rules DSL)
             lambda v, a: (v is None) == a,
             {"ja": "{f} が不明（null）", "en": "{f} is unknown (null)",
              "ja_false": "{f} が記載あり（null でない）", "en_false": "{f} is known (not null)"}),
)}
COMBINATORS = ("any", "all")


def iter_conditions(conds: list, path: tuple = ()) -> Iterator[tuple[Any, Any, Any, tuple]]:
    """Yield (field, op, arg, path) for every leaf condition; a malformed condition yields a
    None field or op (rule validation reports it)."""
    for i, c in enumerate(conds):
        p = path + (i,)
        if not isinstance(c, dict) or len(c) != 1:
            yield None, None, c, p
            continue
        (key, val), = c.items()
        if key in COMBINATORS:
            if not isinstance(val, list) or not val:
                yield key, None, val, p
                continue
            yield from iter_conditions(val, p + (key,))
        elif isinstance(val, dict):
            if len(val) != 1:
                yield key, None, val, p
                continue
            (op, arg), = val.items()
            yield key, op, arg, p + (key,)
        else:
            yield key, "eq", val, p + (key,)


def fields(conds: list) -> tuple[str, ...]:
    """The fact fields a list of conditions tests, in order of appearance (with repeats)."""
    return tuple(f for f, _, _, _ in iter_conditions(conds) if f)


def _split(c: dict) -> tuple[str, Any, Any]:
    (key, val), = c.items()
    if key in COMBINATORS:
        return key, None, val
    if isinstance(val, dict):
        (op, arg), = val.items()
        return key, op, arg
    return key, "eq", val


# ---------------------------------------------------------------------------- Python

Pred = Callable[[dict], bool]


def _leaf_pred(fld: str, op: str, arg: Any) -> Pred:
    test = OPERATORS[op].test
    if op == "is_null":
        return lambda d: test(d.get(fld), arg)
    return lambda d: (v := d.get(fld)) is not None and test(v, arg)


def predicate(conds: list) -> Pred:
    """All of `conds` as one Python predicate over a fact's data."""
    parts: list[Pred] = []
    for c in conds:
        key, op, arg = _split(c)
        if key == "any":
            subs = [predicate([x]) for x in arg]
            parts.append(lambda d, subs=subs: any(p(d) for p in subs))
        elif key == "all":
            parts.append(predicate(arg))
        else:
            parts.append(_leaf_pred(key, op, arg))
    return lambda d: all(p(d) for p in parts)


# ---------------------------------------------------------------------------- durable_rules

def durable(conds: list, ref: Callable[[str], Any]) -> Any:
    """All of `conds` as one durable_rules expression; `ref(field)` gives durable_rules'
    reference to the key the field is asserted under."""
    parts = []
    for c in conds:
        key, op, arg = _split(c)
        if key == "any":
            parts.append(_join([durable([x], ref) for x in arg], "|"))
        elif key == "all":
            parts.append(durable(arg, ref))
        else:
            parts.append(OPERATORS[op].durable(ref(key), arg))
    return _join(parts, "&")


# ---------------------------------------------------------------------------- words

def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def describe(conds: list, lang: str, depth: int = 0) -> list[str]:
    """Conditions in words, one line each (any/all with their parts indented below)."""
    out = []
    pad = "  " * depth
    for c in conds:
        if not isinstance(c, dict) or len(c) != 1:
            out.append(pad + "- " + _value(c))
            continue
        (key, val), = c.items()
        if key in COMBINATORS and isinstance(val, list):
            head = {"ja": {"any": "次のいずれか:", "all": "次のすべて:"},
                    "en": {"any": "any of:", "all": "all of:"}}[lang][key]
            out.append(pad + "- " + head)
            out += describe(val, lang, depth + 1)
            continue
        op, arg = ("eq", val)
        if isinstance(val, dict) and len(val) == 1:
            (op, arg), = val.items()
        spec = OPERATORS.get(op)
        if spec is None:
            tmpl = "{f} " + str(op) + " {v}"
        else:
            tmpl = spec.words.get(f"{lang}_false" if arg is False and op == "is_null" else lang)
        out.append(pad + "- " + tmpl.format(f=key, v=_value(arg)))
    return out
