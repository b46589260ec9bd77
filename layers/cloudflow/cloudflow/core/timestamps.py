"""Time as the core sees it: integer epoch milliseconds in, ISO-8601 text out. No clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

# ASL timestamps: RFC 3339 / ISO-8601 extended with a zone (Z or +hh:mm), optional fraction.
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@lru_cache(maxsize=256)  # the virtual clock stands still while inline states run: same few values
def iso_from_ms(ms: int) -> str:
    """`2024-02-07T13:50:16.123Z` for epoch milliseconds."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def ms_from_iso(text: str) -> int | None:
    """Epoch milliseconds of an ISO-8601 timestamp with a zone, or None when it is not one."""
    if not isinstance(text, str) or not _ISO.match(text):
        return None
    cleaned = text.replace("Z", "+00:00")
    head, _, rest = cleaned.partition(".")
    if rest:
        digits = re.match(r"\d+", rest)
        assert digits is not None
        frac = digits.group(0)[:6]
        cleaned = f"{head}.{frac.ljust(6, '0')}{rest[len(digits.group(0)):]}"
    try:
        dt = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return int(dt.timestamp() * 1000)
