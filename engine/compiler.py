"""Compiling rule data into a durable_rules ruleset.

Known traps of durable_rules (../shared/DURABLE_RULES.md) and how this module meets them:

- ruleset names are process-global: each compiled RuleBook gets a unique name, and a RuleBook
  is compiled once per process (cached by the digest of its files);
- exceptions in actions are swallowed: every action is wrapped, the exception is recorded on
  the session, and evaluate() raises EngineError after the assert returns;
- a fact no rule can match raises MessageNotHandledException: every fact kind has an
  observer rule, which also lets evaluate() check that every fact reached the engine;
- actions never touch the context state (c.s) and bind no names: they read c.m only, and
  every condition tests `kind`, so the re-asserted state fact (#288) matches nothing;
- the durable_rules Host runs a background timer thread that calls `dispatch()` on every
  registered ruleset every 0.2 s and runs any pending actions *on that thread*. It races with
  the actions assert_facts runs on the caller's thread, so some actions ran late or not at all
  before assert_facts returned (seen here: a few to 70 facts "lost" per run, at random).
  compile_rules disables dispatch on our rulesets: every action runs inside assert_facts, on
  the calling thread, and evaluate() checks that every fact was observed.

Measured, and used here: with cap() each rule's action runs once per profile with all its
matches; each fact carries only the fields its area's rules test, under short keys; the JSON
that carries facts and matches between durable_rules' Python layer and its C core is read and
written with orjson (see _Codec); and `run_session` drives durable_rules' engine core itself
(see there).
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson

from .match.durable import dr, durable_rules_engine
from .models import Rule
from .rules import RuleBook

_counter = itertools.count(1)
_cache: dict[str, "CompiledRules"] = {}
_lock = threading.Lock()


@dataclass
class Session:
    """What the actions of one evaluation recorded."""

    fired: list[tuple[str, int]] = field(default_factory=list)    # (rule id, fact id)
    observed: int = 0                      # facts the observer rules saw
    errors: list[tuple[str, str]] = field(default_factory=list)   # (rule id, error)


@dataclass
class CompiledRules:
    name: str
    book: RuleBook
    sessions: dict[str, Session] = field(default_factory=dict)
    # the fact fields asserted, by (fact kind, area): the fields the conditions of that area's
    # rules test, and nothing else. durable_rules serialises every fact to JSON on the way in and
    # every matched fact again for each action (the observers match them all), so smaller facts
    # are measurably faster.
    fields: dict[tuple[str, str | None], tuple[str, ...]] = field(default_factory=dict)
    # field name -> the short key it is asserted under
    keys: dict[str, str] = field(default_factory=dict)
    # durable_rules' handle of the ruleset in its engine core, and its actions by durable_rules'
    # rule name (set by compile_rules)
    handle: int | None = None
    actions: dict[str, Callable] = field(default_factory=dict)
    # True: deliver matches through durable_rules' Python Host (dr.assert_facts) instead of
    # run_session; the tests use it as the reference the two paths must agree with
    via_host: bool = False

    def payload(self, data: dict[str, Any], sid: str) -> dict[str, Any]:
        """What is asserted for one fact: its tested fields, the session and the fact id."""
        names = self.fields.get((data["kind"], data.get("area")), _BASE_FIELDS)
        keys = self.keys
        out = {keys[k]: data[k] for k in names if k in data}
        out["sid"] = sid
        return out


_BASE_FIELDS = ("kind", "area", "fid")
FID = "id"      # fid is asserted as the fact's id (durable_rules otherwise computes one by hashing it)


def short_keys(names: set[str]) -> dict[str, str]:
    """Field name -> the short key it is asserted under: k (kind), id (fid: durable_rules takes
    a fact's "id" as its identity, and otherwise hashes the whole fact to make one), f0, f1,
    ... for the others in name order. The facts cross into durable_rules' C core as JSON and every
    match comes back as JSON, so names like planned_after_deadline cost time on every fact:
    short keys took a quarter off the asserted bytes (28 KB to 21 KB per profile)."""
    fixed = {"kind": "k", "fid": FID}
    others = sorted(n for n in names if n not in fixed)
    return {**{n: k for n, k in fixed.items() if n in names}, **{n: f"f{j}" for j, n in enumerate(others)}}


def _leaf(fld: str, op: str, arg: Any, keys: dict[str, str]):
    ref = getattr(dr.m, keys[fld])
    if op == "eq":
        return ref == arg
    if op == "ne":
        return ref != arg
    if op == "lt":
        return ref < arg
    if op == "le":
        return ref <= arg
    if op == "gt":
        return ref > arg
    if op == "ge":
        return ref >= arg
    if op == "is_null":
        return (ref == None) if arg else (ref != None)  # noqa: E711 (durable_rules DSL)
    if op == "in":
        return _join([ref == a for a in arg], "|")
    if op == "not_in":
        return _join([ref != a for a in arg], "&")
    raise ValueError(f"unknown operator {op}")


def _join(exprs: list, how: str):
    out = exprs[0]
    for e in exprs[1:]:
        out = (out | e) if how == "|" else (out & e)
    return out


def condition(conds: list[dict], keys: dict[str, str]) -> Any:
    """A list of conditions (all must hold) as one durable_rules expression; `keys` maps each
    field to the key it is asserted under."""
    parts = []
    for c in conds:
        (key, val), = c.items()
        if key == "any":
            parts.append(_join([condition([x], keys) for x in val], "|"))
        elif key == "all":
            parts.append(condition(val, keys))
        elif isinstance(val, dict):
            (op, arg), = val.items()
            parts.append(_leaf(key, op, arg, keys))
        else:
            parts.append(_leaf(key, "eq", val, keys))
    return _join(parts, "&")


def rule_condition(rule: Rule, keys: dict[str, str]):
    base = _leaf("kind", "eq", rule.fact, keys)
    if rule.fact == "requirement":
        base = base & _leaf("area", "eq", rule.catalog, keys)
    return base & condition(rule.when, keys)


# Every rule is compiled with cap(MATCH_CAP): durable_rules then calls the action once with all
# the facts the rule matched (c.m is a list), instead of once per fact. Measured here: 131 facts
# and ~70 rules went from ~270 Python action calls per profile to ~70, and from 27 ms to a few ms.
MATCH_CAP = 100_000


def _frames(c) -> list:
    m = c.m
    return list(m) if isinstance(m, list) else [m]


def _action(compiled: CompiledRules, rule_id: str) -> Callable:
    def action(c):
        sid = None
        try:
            # one action per rule and session (cap): every frame belongs to the session c.s
            sid = c.s.sid
            fired = compiled.sessions[sid].fired
            for frame in _frames(c):
                fired.append((rule_id, frame[FID]))
        except BaseException as e:  # recorded, raised by evaluate(): never "no finding"
            sess = compiled.sessions.get(sid) if sid is not None else None
            if sess is not None:
                sess.errors.append((rule_id, f"{type(e).__name__}: {e}"))
            else:
                _orphan_errors.append((rule_id, f"{type(e).__name__}: {e}"))
    action.__name__ = "gapcheck_" + rule_id.replace(".", "_")
    return action


def _observer(compiled: CompiledRules) -> Callable:
    def observe(c):
        try:
            compiled.sessions[c.s.sid].observed += len(_frames(c))
        except BaseException as e:
            _orphan_errors.append(("<observer>", f"{type(e).__name__}: {e}"))
    return observe


_orphan_errors: list[tuple[str, str]] = []


def compile_rules(book: RuleBook, extra_actions: dict[str, Callable] | None = None) -> CompiledRules:
    """Compile a RuleBook into a durable_rules ruleset (once per process per RuleBook digest).

    extra_actions replaces the action of a rule by id (used by tests to inject a failing action);
    a book compiled with them is never cached.
    """
    key = book.digest
    use_fast_json()
    with _lock:
        if not extra_actions and key in _cache:
            return _cache[key]
        name = f"gapcheck_{book.digest[:12]}_{next(_counter)}"
        from .rules import iter_conditions

        used: dict[tuple[str, str | None], set[str]] = {}
        for rule in book.rules:
            where = (rule.fact, rule.catalog if rule.fact == "requirement" else None)
            used.setdefault(where, set(_BASE_FIELDS)).update(
                f for f, _, _, _ in iter_conditions(rule.when, ()) if f)
        keys = short_keys(set().union(*used.values()))
        compiled = CompiledRules(name=name, book=book, keys=keys,
                                 fields={k: tuple(sorted(v)) for k, v in used.items()})
        with dr.ruleset(name):
            for kind in ("requirement", "profile"):
                dr.when_all(dr.cap(MATCH_CAP), _leaf("kind", "eq", kind, keys))(_observer(compiled))
            for rule in book.rules:
                act = _action(compiled, rule.id)
                if extra_actions and rule.id in extra_actions:
                    act = extra_actions[rule.id]
                dr.when_all(dr.cap(MATCH_CAP), rule_condition(rule, keys))(act)
        rs = dr.get_host().get_ruleset(name)
        rs.dispatch = _no_background_dispatch
        rs.dispatch_timers = _no_background_dispatch
        compiled.handle = rs._handle
        compiled.actions = {rule_name: promise._func for rule_name, promise in rs._actions.items()}
        if not extra_actions:
            _cache[key] = compiled
        return compiled


class _State:
    __slots__ = ("sid",)

    def __init__(self, sid: str):
        self.sid = sid


class _Context:
    """What an action reads: c.s.sid and c.m (the facts matched, a list under cap())."""

    __slots__ = ("s", "m")

    def __init__(self, s: _State, m: Any):
        self.s, self.m = s, m


def run_session(compiled: CompiledRules, facts_json: str, sid: str) -> None:
    """Assert one session's facts (a JSON list) into durable_rules' engine core and run, on
    this thread, every action it schedules, until none is left.

    These are the calls durable_rules' own Python layer makes (Ruleset.assert_facts, then
    do_actions: start_action_for_state and complete_and_start_action), without what that
    layer adds per action and gapcheck does not use: the Closure and Content objects, two
    clock readings, and update_state, which serialises the session state and asserts it back
    into the network after every action although our actions never change it. Matching is
    still durable_rules': only the delivery of its matches is leaner (measured with callgrind:
    14.0 M to 10.3 M instructions per profile for matching, the same findings; a test compares
    both paths on every shipped and 30 generated profiles). durable_rules is pinned (setup.cfg),
    because this uses its core's functions directly.

    An action's exception is recorded on the session, as the wrapped actions do; the engine's
    refusal (a fact no rule matches, a fact asserted twice) raises EngineRefused."""
    handle = compiled.handle
    result = durable_rules_engine.assert_facts(handle, facts_json)
    if result[0] == 1:
        raise EngineRefused("a fact matched no rule (MessageNotHandled)")
    if result[0] == 2:
        raise EngineRefused("a fact was asserted twice (MessageObserved)")
    if result[0] == 3:
        return
    offset = result[1]
    started = durable_rules_engine.start_action_for_state(handle, offset)
    message = started[1] if started else None
    state = _State(sid)
    actions = compiled.actions
    loads = _Codec.loads
    while message:
        for rule_name, frames in loads(message).items():
            if isinstance(frames, list):
                frames = [f["m"] if len(f) == 1 and "m" in f else f for f in frames]
            try:
                actions[rule_name](_Context(state, frames))
            except BaseException as e:      # the wrapped actions never raise; an injected one may
                sess = compiled.sessions.get(sid)
                (sess.errors if sess is not None else _orphan_errors).append(
                    (rule_name, f"{type(e).__name__}: {e}"))
        message = durable_rules_engine.complete_and_start_action(handle, offset)


class EngineRefused(Exception):
    """durable_rules' engine core refused the facts."""


class _Codec:
    """The JSON codec of durable_rules' Python layer (`durable.engine.json`), backed by orjson.

    durable_rules moves every asserted fact into its C core as JSON text and every match back
    out as JSON text, through the standard library's json (about a third of the instructions
    gapcheck spent matching one profile, measured with callgrind). orjson reads and writes the
    same JSON; anything it refuses (integers beyond 64 bits, non-standard numbers) goes through
    the standard library as before."""

    @staticmethod
    def dumps(obj: Any, ensure_ascii: bool = False, **kw: Any) -> str:
        import json

        if ensure_ascii or kw:
            return json.dumps(obj, ensure_ascii=ensure_ascii, **kw)
        try:
            return orjson.dumps(obj).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError):
            return json.dumps(obj, ensure_ascii=False)

    @staticmethod
    def loads(text: str | bytes) -> Any:
        import json

        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return json.loads(text)


def use_fast_json() -> None:
    """Give durable_rules' Python layer the orjson codec (once per process; idempotent)."""
    import durable.engine

    durable.engine.json = _Codec


def _no_background_dispatch(*_args) -> None:
    """Replaces Ruleset.dispatch for the Host's timer thread: we use no timers or queues."""
    return None
