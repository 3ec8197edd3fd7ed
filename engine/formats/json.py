"""JSON: the result model as it is (docs/schema/findings.schema.json describes it)."""
from __future__ import annotations

import json as _json
from typing import Any


def render(d: dict[str, Any], **_: Any) -> str:
    return _json.dumps(d, ensure_ascii=False, indent=2) + "\n"
