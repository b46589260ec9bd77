"""History events in GetExecutionHistory's shape: id, previousEventId, timestamp, type, details."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cloudflow.core.timestamps import iso_from_ms


@lru_cache(maxsize=128)
def details_key(event_type: str) -> str:
    """The details field Step Functions uses for an event type (`stateEnteredEventDetails`, ...)."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


def history_event(
    event_id: int, previous_id: int, now_ms: int, event_type: str, details: dict[str, Any] | None
) -> dict[str, Any]:
    """One history event; `details` is omitted when None (as for PassStateEntered's siblings)."""
    event: dict[str, Any] = {
        "timestamp": iso_from_ms(now_ms),
        "type": event_type,
        "id": event_id,
        "previousEventId": previous_id,
    }
    if details is not None:
        event[details_key(event_type)] = details
    return event
