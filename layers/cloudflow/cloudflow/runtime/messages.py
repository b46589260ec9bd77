"""Step-queue messages: what a unit is asked to do next. Every message has a deterministic key.

The key deduplicates sends (SQS FIFO drops a repeat within five minutes) and names the step that
consumed it (`outbox_key`), so a redelivered message after a crash re-dispatches that step's outbox.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel

from cloudflow.ports import Blob
from cloudflow.runtime.codec import BlobCodec

MESSAGE_INLINE_LIMIT = 200 * 1024
"""Bodies above this go to the payload store (SQS caps a message at 256 KiB)."""


class ChildStart(BaseModel):
    """How to create a remote child unit."""

    parent_unit: str
    parent_frame_id: str
    join_id: str
    kind: str
    state_name: str
    index: int
    machine_path: str
    start_at: str
    input: Any = None
    variables: dict[str, Any] | None = None
    # A redrive: the earlier child unit this one resumes from (at the state where that one stopped).
    resume_from: str | None = None


class WorkMessage(BaseModel):
    """One message on the step queue, for one unit of one execution."""

    execution_id: str
    unit: str
    kind: Literal["event", "child-start", "join-done"]
    key: str
    event: dict[str, Any] | None = None
    child: ChildStart | None = None
    join_id: str | None = None  # join-done: which fan-out finished
    frame_id: str | None = None
    due_ms: int | None = None  # wake-ups: when it was due (an early fire re-arms instead)
    transitions: int | None = None  # join-done: what the children metered

    @property
    def group(self) -> str:
        """The FIFO message group: one per unit, so a unit's steps run one at a time."""
        return f"{self.execution_id}|{self.unit}"


def encode_message(message: WorkMessage, codec: BlobCodec) -> str:
    """The message body, or a pointer to it in the payload store when it is too large."""
    body = message.model_dump_json(exclude_none=True)
    if len(body) <= MESSAGE_INLINE_LIMIT:
        return body
    key = "messages/" + hashlib.sha256(body.encode()).hexdigest()
    blob = codec.encode_bytes(body.encode(), key)
    if blob.ref is None:  # compressed it fits after all
        codec.payloads.put(key, blob.data or b"")
    return json.dumps({"ref": key})


def decode_message(body: str, codec: BlobCodec) -> WorkMessage:
    """The message behind a body (following a payload-store pointer)."""
    data = json.loads(body)
    if isinstance(data, dict) and set(data) == {"ref"}:
        raw = codec.decode_bytes(Blob(ref=data["ref"]))
        return WorkMessage.model_validate_json(raw)
    return WorkMessage.model_validate(data)
