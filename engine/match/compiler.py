"""The production matcher: rule data compiled into a durable_rules ruleset.

Known traps of durable_rules (../shared/DURABLE_RULES.md) and how this module meets them:

- ruleset names are process-global: each DurableMatcher registers a ruleset of a new name,
  and a RuleSet (engine.match.ruleset) builds its matcher once;
- exceptions in actions are swallowed: every action is wrapped, the exception is recorded on
  the session, and match() raises EngineError after the assert returns;
- a fact no rule can match raises MessageNotHandledException: every fact kind has an
  observer rule, which also lets match() check that every fact reached the engine;
- actions never touch the context state (c.s) and bind no names: they read c.m only, and
  every condition tests `kind`, so the re-asserted state fact (#288) matches nothing;
- the durable_rules Host runs a background timer thread that calls `dispatch()` on every
  registered ruleset every 0.2 s and runs any pending actions *on that thread*. It races with
  the actions assert_facts runs on the caller's thread, so some actions ran late or not at all
  before assert_facts returned (seen here: a few to 70 facts "lost" per run, at random).
  DurableMatcher never starts the Host: it creates its ruleset in the engine core itself and
  runs every action on the calling thread (run_session); HostMatcher, the tests' reference
  through the Host, disables dispatch on its ruleset; match() checks that every fact was
  observed.

Measured, and used here: with cap() each rule's action runs once per profile with all its
matches; each fact carries only the fields its area's rules test, under short keys; the JSON
that carries facts and matches between durable_rules' Python layer and its C core is read and
written with orjson (see _Codec); and `run_session` drives durable_rules' engine core itself
(see there).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import orjson

from ..errors import EngineError
from ..load.models import Rule
from . import conditions
from .durable import dr, durable_rules_engine

_names = itertools.count(1)      # durable_rules' ruleset names are process-global: each is new


@dataclass
class Session:
    """What the actions of one evaluation recorded."""

    fired: list[tuple[str, int]] = field(default_factory=list)    # (rule id, fact id)
    observed: int = 0                      # facts the observer rules saw
    errors: list[tuple[str, str]] = field(default_factory=list)   # (rule id, error)


_BASE_FIELDS = ("kind", "area", "fid")
FID = "id"      # fid is asserted as the fact's id (durable_rules otherwise computes one by hashing it)

# Every rule is compiled with cap(MATCH_CAP): durable_rules then calls the action once with all
# the facts the rule matched (c.m is a list), instead of once per fact.
MATCH_CAP = 100_000


def short_keys(names: set[str]) -> dict[str, str]:
    """Field name -> the short key it is asserted under: k (kind), id (fid: durable_rules takes
    a fact's "id" as its identity, and otherwise hashes the whole fact to make one), f0, f1,
    ... for the others in name order. The facts cross into durable_rules' C core as JSON and every
    match comes back as JSON, so short keys cost less on every fact."""
    fixed = {"kind": "k", "fid": FID}
    others = sorted(n for n in names if n not in fixed)
    return {**{n: k for n, k in fixed.items() if n in names}, **{n: f"f{j}" for j, n in enumerate(others)}}


def _frames(c) -> list:
    m = c.m
    return list(m) if isinstance(m, list) else [m]


class DurableMatcher:
    """The production matcher: the rules compiled into one durable_rules ruleset, each profile's
    facts asserted into durable_rules' engine core in a session of its own (see run_session).

    `actions` replaces the action of a rule by id (tests use it to inject a failing action)."""

    def __init__(self, rules: Sequence[Rule], actions: dict[str, Callable] | None = None):
        use_fast_json()
        used: dict[tuple[str, str | None], set[str]] = {}
        common: set[str] = set()          # the fields of the common rules (catalog "*")
        for rule in rules:
            if rule.fact == "requirement" and rule.catalog == "*":
                common.update(conditions.fields(rule.when))
                continue
            where = (rule.fact, rule.catalog if rule.fact == "requirement" else None)
            used.setdefault(where, set(_BASE_FIELDS)).update(conditions.fields(rule.when))
        self.common_fields = frozenset(common | set(_BASE_FIELDS))
        self.name = f"gapcheck_{next(_names)}"
        self.sessions: dict[str, Session] = {}
        self.orphan_errors: list[tuple[str, str]] = []     # errors of an action without its session
        # the fact fields asserted, by (fact kind, area): the fields that area's rules test, and
        # nothing else (durable_rules serialises every fact to JSON on the way in and every
        # matched fact again for each action, so smaller facts are measurably faster)
        self.keys = short_keys(set().union(self.common_fields, *used.values()))
        self.fields = {k: tuple(sorted(v | common)) if k[0] == "requirement" else tuple(sorted(v))
                       for k, v in used.items()}
        self._sids = itertools.count(1)
        keys = self.keys

        def ref(fld: str):
            return getattr(dr.m, keys[fld])

        dsl = dr.ruleset(self.name)
        with dsl:
            for kind in ("requirement", "profile"):
                dr.when_all(dr.cap(MATCH_CAP), ref("kind") == kind)(self._observer())
            for rule in rules:
                base = ref("kind") == rule.fact
                if rule.fact == "requirement" and rule.catalog != "*":
                    base = base & (ref("area") == rule.catalog)
                act = (actions or {}).get(rule.id) or self._action(rule.id)
                dr.when_all(dr.cap(MATCH_CAP), base & conditions.durable(rule.when, ref))(act)
        self.handle, self.actions = self._register(dsl)

    def _register(self, dsl) -> tuple[int, dict[str, Callable]]:
        """The ruleset in durable_rules' engine core, and its actions by durable_rules' rule name.

        Created in the core directly, as durable_rules' Host would create it, but without the
        Host: no timer thread is started (it would race with our actions and make every fork of
        a batch unsafe) and the ruleset is not left in durable_rules' global registry."""
        dr._rulesets.pop(self.name, None)
        name, definition = dsl.define()
        actions = {rule_name: rule.pop("run") for rule_name, rule in definition.items()}
        return durable_rules_engine.create_ruleset(name, _Codec.dumps(definition)), actions

    def payload(self, data: dict[str, Any], sid: str) -> dict[str, Any]:
        """What is asserted for one fact: its tested fields, the session and the fact id."""
        names = self.fields.get((data["kind"], data.get("area")))
        if names is None:
            names = tuple(sorted(self.common_fields)) if data["kind"] == "requirement" else _BASE_FIELDS
            self.fields[(data["kind"], data.get("area"))] = names
        keys = self.keys
        out = {keys[k]: data[k] for k in names if k in data}
        out["sid"] = sid
        return out

    def _action(self, rule_id: str) -> Callable:
        sessions, orphans = self.sessions, self.orphan_errors

        def action(c):
            sid = None
            try:
                # one action per rule and session (cap): every frame belongs to the session c.s
                sid = c.s.sid
                fired = sessions[sid].fired
                for frame in _frames(c):
                    fired.append((rule_id, frame[FID]))
            except BaseException as e:  # recorded, raised by match(): never "no finding"
                sess = sessions.get(sid) if sid is not None else None
                (sess.errors if sess is not None else orphans).append((rule_id, f"{type(e).__name__}: {e}"))
        action.__name__ = "gapcheck_" + rule_id.replace(".", "_")
        return action

    def _observer(self) -> Callable:
        sessions, orphans = self.sessions, self.orphan_errors

        def observe(c):
            try:
                sessions[c.s.sid].observed += len(_frames(c))
            except BaseException as e:
                orphans.append(("<observer>", f"{type(e).__name__}: {e}"))
        return observe

    def _run(self, payload: list[dict[str, Any]], sid: str) -> None:
        run_session(self, _Codec.dumps(payload), sid)

    def match(self, facts: list, label: str) -> list[tuple[str, int]]:
        """Assert one profile's facts; return the (rule id, fact id) pairs that fired. Raises
        EngineError if an action failed or a fact never reached the engine."""
        sid = f"s{next(self._sids)}"
        session = Session()
        self.sessions[sid] = session
        try:
            self._run([self.payload(f.data, sid) for f in facts], sid)
        except Exception as e:
            raise EngineError(f"rule engine failed on {label}: {type(e).__name__}: {e}") from e
        finally:
            self.sessions.pop(sid, None)
            try:
                durable_rules_engine.delete_state(self.handle, sid)
            except Exception:
                pass
        errors = list(session.errors)
        if self.orphan_errors:
            errors += self.orphan_errors
            self.orphan_errors.clear()
        if errors:
            lines = "; ".join(f"{r}: {e}" for r, e in errors)
            raise EngineError(f"a rule action failed while evaluating {label}: {lines}")
        if session.observed != len(facts):
            raise EngineError(f"{len(facts) - session.observed} of {len(facts)} fact(s) of {label} "
                              "never reached the rule engine")
        return session.fired


class HostMatcher(DurableMatcher):
    """The same ruleset, its matches delivered through durable_rules' own Python Host
    (`durable.lang.assert_facts`): the reference the tests compare DurableMatcher with."""

    def _register(self, dsl) -> tuple[int, dict[str, Callable]]:
        rs = dr.get_host().get_ruleset(self.name)
        # the Host's timer thread must never run our actions (it raced with assert_facts)
        rs.dispatch = _no_background_dispatch
        rs.dispatch_timers = _no_background_dispatch
        return rs._handle, {rule_name: promise._func for rule_name, promise in rs._actions.items()}

    def _run(self, payload: list[dict[str, Any]], sid: str) -> None:
        state = dr.assert_facts(self.name, payload)
        if isinstance(state, dict) and state.get("exception"):
            self.sessions[sid].errors.append(("<engine>", str(state["exception"])))


class _State:
    __slots__ = ("sid",)

    def __init__(self, sid: str):
        self.sid = sid


class _Context:
    """What an action reads: c.s.sid and c.m (the facts matched, a list under cap())."""

    __slots__ = ("s", "m")

    def __init__(self, s: _State, m: Any):
        self.s, self.m = s, m


def run_session(matcher: DurableMatcher, facts_json: str, sid: str) -> None:
    """Assert one session's facts (a JSON list) into durable_rules' engine core and run, on
    this thread, every action it schedules, until none is left.

    These are the calls durable_rules' own Python layer makes (Ruleset.assert_facts, then
    do_actions: start_action_for_state and complete_and_start_action), without what that
    layer adds per action and gapcheck does not use: the Closure and Content objects, two
    clock readings, and update_state, which serialises the session state and asserts it back
    into the network after every action although our actions never change it. Matching is
    still durable_rules': only the delivery of its matches is leaner (HostMatcher is the
    reference path; a test compares both on every shipped and 30 generated profiles).
    durable_rules is pinned (setup.cfg), because this uses its core's functions directly.

    An action's exception is recorded on the session, as the wrapped actions do; the engine's
    refusal (a fact no rule matches, a fact asserted twice) raises EngineRefused."""
    handle = matcher.handle
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
    actions = matcher.actions
    loads = _Codec.loads
    while message:
        for rule_name, frames in loads(message).items():
            if isinstance(frames, list):
                frames = [f["m"] if len(f) == 1 and "m" in f else f for f in frames]
            try:
                actions[rule_name](_Context(state, frames))
            except BaseException as e:      # the wrapped actions never raise; an injected one may
                sess = matcher.sessions.get(sid)
                (sess.errors if sess is not None else matcher.orphan_errors).append(
                    (rule_name, f"{type(e).__name__}: {e}"))
        message = durable_rules_engine.complete_and_start_action(handle, offset)


class EngineRefused(Exception):
    """durable_rules' engine core refused the facts."""


class _Codec:
    """The JSON codec of durable_rules' Python layer (`durable.engine.json`), backed by orjson.

    durable_rules moves every asserted fact into its C core as JSON text and every match back
    out as JSON text, through the standard library's json (a third of what matching cost:
    benchmarks/README.md). orjson reads and writes the
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
    from .durable import durable_engine

    durable_engine.json = _Codec


def _no_background_dispatch(*_args) -> None:
    """Replaces Ruleset.dispatch for the Host's timer thread: we use no timers or queues."""
    return None
