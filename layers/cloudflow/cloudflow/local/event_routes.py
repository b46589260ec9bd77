"""The route only the local stack serves: `POST /local/events`, PutEvents on its default bus.

A deployed stack has EventBridge for that (`aws events put-events`); the local stack's bus lives in its own
process, so it is reached through the local stack's HTTP server, beside the management API (and, like the
local stack itself, without authorization). Errors are the management API's documents (a 400 names each
wrong field).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from cloudflow.api.app import ManagementResolver
from cloudflow.api.errors import register_error_handlers
from cloudflow.local.put_events import EventEntry, PutEventsAnswer, PutEventsRequest, PutEventsResultEntry

LOCAL_ROUTES = "/local/"
"""The path prefix of the routes the local stack serves itself."""


class EventBus(Protocol):
    """A bus that takes events and delivers them to the targets of the rules they match."""

    def put_events(self, entries: Sequence[EventEntry]) -> list[str]:
        """Put one event per entry; their ids, in order."""
        ...


def _json_body(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:  # nested too deep: malformed like any other JSON, a 400 and not a 500
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def build_local_routes(bus: EventBus) -> ManagementResolver:
    """A resolver of the local-only routes, over `bus`."""
    app = ManagementResolver(enable_validation=True, response_validation_error_http_code=500,
                             json_body_deserializer=_json_body)
    register_error_handlers(app)

    @app.post("/local/events", summary="Put events on the local stack's default bus (PutEvents)")
    def put_events(body: PutEventsRequest) -> PutEventsAnswer:
        ids = bus.put_events(body.entries)
        return PutEventsAnswer(failed_entry_count=0, entries=[PutEventsResultEntry(event_id=i) for i in ids])

    return app
