"""gapcheck: compliance gap analysis of Japanese municipalities against national DX requirements.

The installed package holds the library (``gapcheck.engine``), the command line
(``gapcheck.cli``) and its data: the catalogs, the rules, the example profiles and the JSON
Schemas. The Python front door is ``gapcheck.api``::

    >>> from gapcheck import api
    >>> result = api.run("profiles/uchinada.yaml", as_of="2026-04-01")
    >>> print(api.render(result, "table", lang="en"))

Importing this module imports nothing else (its names are looked up on first use), so the
package's root can be read as a plain module too, as test collectors do in a source checkout.
"""
import importlib

__all__ = ["TOOL_NAME", "__version__", "api"]


def __getattr__(name: str):
    if name == "api":
        return importlib.import_module(__name__ + ".engine.api")
    if name in ("TOOL_NAME", "__version__"):
        return getattr(importlib.import_module(__name__ + ".engine"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
