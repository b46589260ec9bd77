"""JSON text as Step Functions writes it in causes and history: compact, key order kept."""

from __future__ import annotations

import json
from typing import Any

# One encoder for the process: json.dumps with options builds a new one on every call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def to_json_text(value: Any) -> str:
    """Compact JSON (no spaces), non-ASCII kept as is."""
    return _ENCODER.encode(value)
