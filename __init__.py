"""gapcheck: compliance gap analysis of Japanese municipalities against national DX requirements.

The installed package holds the library (``gapcheck.engine``), the command line
(``gapcheck.cli``) and its data: the catalogs, the rules, the example profiles and the JSON
Schemas. The Python front door is ``gapcheck.api``::

    >>> from gapcheck import api
    >>> result = api.run("profiles/uchinada.yaml", as_of="2026-04-01")
    >>> print(api.render(result, "table", lang="en"))
"""
from __future__ import annotations

from .engine import TOOL_NAME, __version__

__all__ = ["TOOL_NAME", "__version__", "api"]


def __getattr__(name: str):
    # `from gapcheck import api` without importing the engine for `import gapcheck`
    if name == "api":
        from .engine import api

        return api
    raise AttributeError(f"module 'gapcheck' has no attribute {name!r}")
