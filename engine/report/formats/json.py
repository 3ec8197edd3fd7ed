"""JSON: the result model as it is (docs/schema/findings.schema.json describes it).

Encoded with orjson: the bytes are the same as ``json.dumps(d, ensure_ascii=False, indent=2)``
(or compact separators), which tests/test_formats.py checks, and several times faster
(benchmarks/README.md).
"""
from __future__ import annotations

from typing import Any

import orjson


def dumps(d: dict[str, Any], *, compact: bool = False) -> bytes:
    """UTF-8 JSON: indented by 2, or compact (one line, for JSON Lines)."""
    return orjson.dumps(d) if compact else orjson.dumps(d, option=orjson.OPT_INDENT_2)


def render(d: dict[str, Any], **_: Any) -> str:
    return dumps(d).decode("utf-8") + "\n"
