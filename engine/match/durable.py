"""durable_rules, loaded the right way for the running Python.

Import durable_rules from here, never directly (``from engine.match.durable import dr``):

    durable_rules_engine   durable-rules' C core (the extension module)
    dr                     durable.lang (the rule DSL and the Host)
    durable_engine         durable.engine (its Python layer)
    lazy_binding           True when the C core had to be loaded with lazy symbol binding

Why: durable-rules 2.0.28 (pinned in setup.cfg; its last release) calls ``PyEval_CallObject``
in its C core. CPython 3.13 removed that function, so on 3.13 and later the extension still
compiles (gcc 12 only warns about the implicit declaration) but a plain import fails with
"undefined symbol: PyEval_CallObject": Python loads extensions with RTLD_NOW, which resolves
every symbol at load time. The core calls the function only from its five storage callbacks
(``set_store_message_callback`` and the like), which gapcheck never sets. So on 3.13 and
later, if the plain import fails for exactly that symbol, the core is loaded again with
RTLD_LAZY: the symbol is then looked up only when first called, which never happens. Those
five setters are then replaced by functions that raise, because a call through the missing
symbol would end the process with "symbol lookup error" and no Python traceback.

Lazy binding cannot work where the dynamic linker binds every symbol at load time anyway:
with LD_BIND_NOW set in the environment, or with an extension linked with ``-z now``. Both
end in DurableRulesUnavailable, which says what to do. A durable-rules built with
``CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject`` has no missing symbol and imports
plainly on every version (see README.md, "Install").
"""
from __future__ import annotations

import os
import sys

from ..errors import EngineUnavailable

__all__ = ["DurableRulesUnavailable", "dr", "durable_engine", "durable_rules_engine", "lazy_binding"]

MISSING_SYMBOL = "PyEval_CallObject"
LAZY_FROM = (3, 13)        # the first CPython without PyEval_CallObject
# The C core's functions that register a callback calling PyEval_CallObject.
STORAGE_SETTERS = (
    "set_store_message_callback",
    "set_delete_message_callback",
    "set_queue_message_callback",
    "set_get_queued_messages_callback",
    "set_get_idle_state_callback",
)
REBUILD = ("CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject "
           "pip install --no-cache-dir --force-reinstall durable-rules==2.0.28")


class DurableRulesUnavailable(EngineUnavailable):
    """durable-rules' C core could not be loaded on this Python; the message says why and what to do."""


def _python() -> str:
    return f"Python {sys.version.split()[0]} ({sys.executable})"


def _core_path() -> str:
    try:
        import importlib.util

        spec = importlib.util.find_spec("durable_rules_engine")
        return spec.origin if spec and spec.origin else "durable_rules_engine"
    except (ImportError, ValueError):
        return "durable_rules_engine"


def _unavailable(exc: BaseException, why: str) -> DurableRulesUnavailable:
    return DurableRulesUnavailable(f"gapcheck cannot load durable-rules' C core on {_python()}: {why}\n"
                                   f"(the error was: {exc})")


def _load_core():
    """Import durable_rules_engine; returns (module, loaded lazily?)."""
    try:
        import durable_rules_engine
        return durable_rules_engine, False
    except ModuleNotFoundError as exc:
        raise _unavailable(exc, "durable-rules is not installed in this environment; "
                                "install gapcheck with pip (it requires durable-rules==2.0.28).") from exc
    except ImportError as exc:
        if sys.version_info < LAZY_FROM or MISSING_SYMBOL not in str(exc):
            raise _unavailable(exc, "reinstall durable-rules==2.0.28 for this Python "
                                    "(pip install --no-cache-dir --force-reinstall durable-rules==2.0.28).") from exc
        plain_error = exc
    if os.environ.get("LD_BIND_NOW"):
        # glibc binds every symbol at load time when LD_BIND_NOW is non-empty, whatever the
        # dlopen flags; it reads the variable when the process starts, so it cannot be undone here.
        raise _unavailable(plain_error, f"LD_BIND_NOW is set in the environment, so the lazy binding "
                                        f"gapcheck needs for durable-rules' {MISSING_SYMBOL} on Python "
                                        f"{LAZY_FROM[0]}.{LAZY_FROM[1]}+ cannot work. Unset LD_BIND_NOW, "
                                        f"or rebuild durable-rules without that symbol: {REBUILD}") from plain_error
    if not hasattr(sys, "setdlopenflags"):
        raise _unavailable(plain_error, f"this platform has no lazy binding of extension modules. "
                                        f"Rebuild durable-rules without {MISSING_SYMBOL}: {REBUILD}, "
                                        f"or use Python 3.10 to 3.12.") from plain_error
    before = sys.getdlopenflags()
    # The flags are the interpreter's, read by every extension import: another thread importing an
    # extension meanwhile would load it lazily too, which is harmless for a fully resolved one.
    sys.setdlopenflags((before & ~os.RTLD_NOW) | os.RTLD_LAZY)
    try:
        import durable_rules_engine
    except ImportError as exc:
        raise _unavailable(exc, f"loading it with lazy binding failed too; it may have been linked with "
                                f"-z now (check: readelf -d {_core_path()} | grep -i now). Rebuild "
                                f"durable-rules without {MISSING_SYMBOL}: {REBUILD}, "
                                f"or use Python 3.10 to 3.12.") from exc
    finally:
        sys.setdlopenflags(before)
    for name in STORAGE_SETTERS:
        if hasattr(durable_rules_engine, name):
            setattr(durable_rules_engine, name, _refused(name))
    return durable_rules_engine, True


def _refused(name: str):
    def setter(*_args, **_kwargs):
        raise RuntimeError(f"durable_rules_engine.{name} is unavailable on {_python()}: the callback it "
                           f"registers would call {MISSING_SYMBOL}, which this Python does not have "
                           f"(the process would exit). Rebuild durable-rules without it: {REBUILD}")

    setter.__name__ = setter.__qualname__ = name
    return setter


durable_rules_engine, lazy_binding = _load_core()

try:
    from durable import engine as durable_engine
    from durable import lang as dr
except ImportError as exc:       # durable-rules' Python layer, on a Python newer than it knows
    raise _unavailable(exc, "durable-rules' Python layer does not import on this Python; "
                            "use Python 3.10 to 3.13.") from exc
