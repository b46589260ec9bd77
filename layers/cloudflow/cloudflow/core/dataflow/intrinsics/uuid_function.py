"""States.UUID: a version 4 UUID drawn from the execution's seeded random source."""

from __future__ import annotations

from cloudflow.core.dataflow.intrinsics.invocation import Invocation


def uuid(call: Invocation) -> str:
    """States.UUID(): a new v4 UUID; replaying the same draws gives the same UUID."""
    call.expect_count(0)
    return call.scope.draws.next_uuid()
