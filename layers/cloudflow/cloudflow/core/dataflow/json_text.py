"""JSON text as Step Functions writes it in causes and history: compact, key order kept."""

from __future__ import annotations

import json
from typing import Any


def to_json_text(value: Any) -> str:
    """Compact JSON (no spaces), non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
