"""gapcheck.engine.match.durable loads durable-rules' C core on this Python (lazily where 3.13+ needs it).

Each check runs in a fresh interpreter, so that it is this module, and not an import made
earlier in the test session, that loads the C core.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A join of two facts, one pair of which must not match: the action must see the bound facts'
# values. The join key is not "id" (durable_rules takes a fact's "id" as its identity; a join on
# it crashed the C core here on every version), and the Host's background dispatch is switched
# off as in engine/match/compiler.py, so every action runs inside assert_fact on this thread.
RULESET = """
import json, sys
from gapcheck.engine.match.durable import dr, durable_engine, durable_rules_engine, lazy_binding
from durable.lang import c, m

fired = []
with dr.ruleset("loader_check"):
    @dr.when_all(c.req << (m.kind == "requirement"),
                 c.st << ((m.kind == "status") & (m.req == c.req.rid) & (m.done == False)))
    def gap(ctx):
        fired.append([ctx.req.rid, ctx.req.title, ctx.st.municipality])

    @dr.when_all(+m.kind)
    def observe(ctx):
        pass

dr.get_host().get_ruleset("loader_check").dispatch = lambda *args: None
for fact in ({"kind": "requirement", "rid": "R1", "title": "標準準拠システムへの移行"},
             {"kind": "requirement", "rid": "R2", "title": "ガバメントクラウドの利用"},
             {"kind": "status", "req": "R1", "done": False, "municipality": "内灘町"},
             {"kind": "status", "req": "R2", "done": True, "municipality": "内灘町"}):
    dr.assert_fact("loader_check", fact)
print(json.dumps({"fired": fired, "lazy": lazy_binding, "core": durable_rules_engine.__name__,
                  "engine": durable_engine.__name__}, ensure_ascii=False))
"""


def _run(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "LD_BIND_NOW"}
    environ.update(env)
    environ["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def _lazy() -> bool:
    p = _run("from gapcheck.engine.match.durable import lazy_binding\nprint(lazy_binding)")
    assert p.returncode == 0, p.stderr
    return p.stdout.strip() == "True"


def test_a_rule_fires_with_the_right_data_through_the_loader():
    p = _run(RULESET)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["fired"] == [["R1", "標準準拠システムへの移行", "内灘町"]]
    assert out["core"] == "durable_rules_engine" and out["engine"] == "durable.engine"


def test_lazy_binding_only_where_needed():
    """Lazily exactly where the core names PyEval_CallObject and this Python lacks it: on 3.13+,
    unless durable-rules was built with -DPyEval_CallObject=PyObject_CallObject."""
    p = _run("import importlib.util\nprint(importlib.util.find_spec('durable_rules_engine').origin)")
    assert p.returncode == 0, p.stderr
    names_it = b"PyEval_CallObject\0" in Path(p.stdout.strip()).read_bytes()
    assert _lazy() is (sys.version_info >= (3, 13) and names_it)


def test_the_dlopen_flags_are_restored():
    p = _run("import sys\nbefore = sys.getdlopenflags()\nimport gapcheck.engine.match.durable\n"
             "print(sys.getdlopenflags() == before)")
    assert p.returncode == 0 and p.stdout.strip() == "True", p.stderr


def test_storage_callbacks_are_refused_when_the_core_was_loaded_lazily():
    """A storage callback would call the missing PyEval_CallObject and end the process with
    'symbol lookup error'; where the core was loaded lazily, registering one is a Python error."""
    p = _run("from gapcheck.engine.match.durable import durable_rules_engine as core, lazy_binding\n"
             "setter = core.set_store_message_callback\n"
             "if not lazy_binding:\n    print('plain', type(setter).__name__)\nelse:\n"
             "    try:\n        setter(1, print)\n"
             "    except RuntimeError as e:\n        print('refused', 'PyEval_CallObject' in str(e))\n")
    assert p.returncode == 0, p.stderr
    if _lazy():
        assert p.stdout.split() == ["refused", "True"]
    else:       # the C core's own function, untouched
        assert p.stdout.split() == ["plain", "builtin_function_or_method"]


def test_ld_bind_now_gives_a_clear_error_where_lazy_binding_is_needed():
    p = _run("import gapcheck.engine.match.durable", LD_BIND_NOW="1")
    if _lazy():
        assert p.returncode == 1
        assert "DurableRulesUnavailable" in p.stderr and "Unset LD_BIND_NOW" in p.stderr
        assert "Python %d.%d." % sys.version_info[:2] in p.stderr
    else:
        assert p.returncode == 0, p.stderr


def test_an_engine_that_cannot_load_is_explained_not_called_a_bug(runner, monkeypatch):
    """Where durable-rules' core cannot be loaded (LD_BIND_NOW on 3.13, say), the command says so
    with the whole explanation and its fix, in the user's language, and exits 3."""
    from gapcheck.cli import main
    from gapcheck.engine import api
    from gapcheck.engine.match.durable import DurableRulesUnavailable

    why = ("gapcheck cannot load durable-rules' C core on Python 3.13.0: LD_BIND_NOW is set.\n"
           "Unset LD_BIND_NOW, or rebuild durable-rules: CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install")

    def unavailable(*a, **k):
        raise DurableRulesUnavailable(why)

    monkeypatch.setattr(api, "run", unavailable)
    for lang, head in (("ja", "ルールエンジン（durable-rules）をこの環境で読み込めません"),
                       ("en", "the rule engine (durable-rules) cannot be loaded here")):
        r = runner.invoke(main, ["--lang", lang, "run", str(ROOT / "profiles" / "uchinada.yaml")])
        assert r.exit_code == 3, r.output
        assert head in r.output and "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject" in r.output
        assert "bug" not in r.output and "不具合" not in r.output and "Traceback" not in r.output


def test_ld_bind_now_on_a_python_without_the_symbol_is_explained():
    if sys.version_info < (3, 13):
        import pytest

        pytest.skip("only Pythons without PyEval_CallObject need lazy binding")
    p = subprocess.run([sys.executable, "-m", "gapcheck", "--lang", "en", "run",
                        str(ROOT / "profiles" / "uchinada.yaml")], capture_output=True, text=True,
                       env={**os.environ, "LD_BIND_NOW": "1"}, timeout=120)
    assert p.returncode == 3 and "LD_BIND_NOW" in p.stderr and "Traceback" not in p.stderr, p.stderr
