"""Output formats. Every format renders the one result model, ``engine.report.to_dict``.

``FORMATS`` maps a format name to its render function ``render(d, **opts)``; text formats
return ``str``, binary formats (``BINARY``) return ``bytes``.  A format's module, and the
third-party library it needs (tabulate, openpyxl), is imported only when that format is
rendered, so start-up stays fast.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

from ...vocab import BINARY_FORMATS as BINARY, EXTENSIONS, FORMATS as NAMES, TABLE_STYLES  # noqa: F401


def _lazy(name: str) -> Callable[..., "str | bytes"]:
    def render(d: dict[str, Any], **opts: Any) -> "str | bytes":
        return importlib.import_module(f"{__name__}.{name}").render(d, **opts)

    render.__name__ = f"render_{name}"
    render.__doc__ = f"Render the result model in the {name} format (engine.report.formats.{name}.render)."
    return render


FORMATS: dict[str, Callable[..., "str | bytes"]] = {n: _lazy(n) for n in NAMES}


def render_dict(d: dict[str, Any], fmt: str, **opts: Any) -> "str | bytes":
    """Render the result model ``d`` (from report.to_dict) in format ``fmt``."""
    try:
        fn = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return fn(d, **opts)
