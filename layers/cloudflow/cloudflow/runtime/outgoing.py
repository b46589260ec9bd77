"""Putting work messages on the step queue (the one way every service sends work)."""

from __future__ import annotations

from cloudflow.runtime.messages import WorkMessage, encode_message
from cloudflow.runtime.runtime import Runtime


def send(rt: Runtime, messages: list[WorkMessage]) -> None:
    """Put messages on the step queue, each in its unit's group."""
    if messages:
        rt.queue.send([(m.group, m.key, encode_message(m, rt.codec)) for m in messages])
