"""History events as table rows: id, time, type, and the one detail that says most about the event."""

from __future__ import annotations

from typing import Any

from cloudflow.cli_api.tables import Column, Row, text


def event_detail(event: Row) -> str:
    """The state an event is about, what failed and why, or the task's resource; `-` for none."""
    details: dict[str, Any] = next((value for key, value in event.items()
                                    if key.endswith("EventDetails") and isinstance(value, dict)), {})
    parts = [str(details[key]) for key in ("name", "resource") if details.get(key)]
    if details.get("error") or details.get("cause"):
        failure = ": ".join(str(details[key]) for key in ("error", "cause") if details.get(key))
        parts.append(failure)
    return text(" ".join(parts)) if parts else "-"


HISTORY_COLUMNS = [Column.field("ID", "id", right=True), Column.date("TIME (UTC)", "timestamp", millis=True),
                   Column.field("TYPE", "type"), Column("DETAIL", event_detail)]
