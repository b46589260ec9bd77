"""PutEvents on the local stack's default bus: the request and answer, and the event EventBridge makes of an entry.

The request is PutEvents' own (`{"Entries": [{"Source", "DetailType", "Detail", "Resources"?, "Time"?,
"EventBusName"?}]}`, one to ten entries); `Detail` is the JSON text of an object, as PutEvents takes it (the
object itself is taken too). Unlike PutEvents, which answers 200 and fails each wrong entry on its own, a wrong
entry refuses the whole request with a 400 naming the field (`Entries.0.Detail`): locally, nothing is put by
half. The event a rule sees has EventBridge's envelope: version "0", the id, `detail-type`, source, account,
time (the entry's, or now on the local clock; whole seconds, UTC), region, resources and detail.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cloudflow.local.trigger_delivery import iso_seconds

DEFAULT_BUS = "default"


class EventEntry(BaseModel):
    """One PutEvents entry."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(alias="Source", min_length=1, max_length=256, description="The event's source.",
                        examples=["cloudflow.examples"])
    detail_type: str = Field(alias="DetailType", min_length=1, max_length=128, description="Its detail-type.",
                             examples=["OrderPlaced"])
    detail: dict[str, Any] = Field(alias="Detail", description="Its detail: the JSON text of an object (or the "
                                                               "object).", examples=['{"orderId": "o-1"}'])
    resources: list[str] = Field(default_factory=list, alias="Resources", max_length=100,
                                 description="ARNs the event is about.")
    time: datetime | None = Field(default=None, alias="Time", description=(
        "When it happened: ISO 8601 text or epoch seconds (default: now on the local clock)."))
    event_bus_name: str | None = Field(default=None, alias="EventBusName", description=(
        "The bus: only the default bus is local."))

    @field_validator("detail", mode="before")
    @classmethod
    def _detail_object(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"is not JSON text ({error.msg} at character {error.pos})") from None
        if not isinstance(value, dict):
            raise ValueError("must be a JSON object (the text of one, as PutEvents takes it)")
        return value

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @field_validator("event_bus_name")
    @classmethod
    def _default_bus(cls, value: str | None) -> str | None:
        if value is not None and value != DEFAULT_BUS and not value.endswith(":event-bus/default"):
            raise ValueError("only the default bus exists on the local stack")
        return value


class PutEventsRequest(BaseModel):
    """PutEvents' request."""

    model_config = ConfigDict(extra="forbid")

    entries: list[EventEntry] = Field(alias="Entries", min_length=1, max_length=10,
                                      description="One to ten events.")


class PutEventsResultEntry(BaseModel):
    """The id EventBridge gave one entry's event."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    event_id: str = Field(alias="EventId")


class PutEventsAnswer(BaseModel):
    """PutEvents' answer: one result per entry, in order."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    failed_entry_count: int = Field(alias="FailedEntryCount")
    entries: list[PutEventsResultEntry] = Field(alias="Entries")


def event_from_entry(entry: EventEntry, event_id: str, now_ms: int, account: str, region: str) -> dict[str, Any]:
    """The event EventBridge puts on the bus for `entry`, as rules match it and targets receive it."""
    when = iso_seconds(int(entry.time.timestamp() * 1000)) if entry.time is not None else iso_seconds(now_ms)
    return {"version": "0", "id": event_id, "detail-type": entry.detail_type, "source": entry.source,
            "account": account, "time": when, "region": region, "resources": list(entry.resources),
            "detail": entry.detail}
