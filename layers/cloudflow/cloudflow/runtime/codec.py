"""Values to stored bytes and back: compressed JSON, spilled to the payload store above a threshold.

Spilling is invisible to the flow: a 5 MiB value is a pointer in DynamoDB or SQS and the same
value again when decoded.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from typing import Any

from cloudflow.core import commands as command_types
from cloudflow.core import events as event_types
from cloudflow.core.snapshot import ExecutionSnapshot
from cloudflow.ports import Blob, PayloadStore
from cloudflow.runtime.blob_dictionary import DICTIONARY, dictionary_of

INLINE_LIMIT = 32 * 1024
"""Compressed values above this many bytes go to the payload store (DynamoDB items stop at 400 KB)."""

_COMMANDS = {cls.__name__: cls for cls in (
    command_types.InvokeTask, command_types.ScheduleWakeUp, command_types.CancelWakeUp,
    command_types.CompleteExecution, command_types.FanOut, command_types.ReportChild,
    command_types.CancelChildren,
)}
_EVENTS = {cls.__name__: cls for cls in (
    event_types.ExecutionStarted, event_types.TaskSucceeded, event_types.TaskFailed, event_types.TaskHeartbeat,
    event_types.TaskSubmitted, event_types.WakeUpDue, event_types.StopRequested, event_types.ChildStarted,
    event_types.ChildrenFinished, event_types.ChildFailed, event_types.Redriven,
)}


SMALL_BLOB = 64 * 1024
"""Below this, compress hard with the preset dictionary (these are what DynamoDB bills per KB)."""


def _compress(raw: bytes) -> bytes:
    if len(raw) >= SMALL_BLOB:
        return zlib.compress(raw, 1)  # big values: speed first; they spill to S3 anyway
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)
    return packer.compress(raw) + packer.flush()


def _decompress(data: bytes) -> bytes:
    dictionary = dictionary_of(data)
    if dictionary is None:
        return zlib.decompress(data)
    unpacker = zlib.decompressobj(15, dictionary)
    return unpacker.decompress(data) + unpacker.flush()


class BlobCodec:
    """Encodes JSON values as compressed blobs, spilling large ones to `payloads` under `key`."""

    def __init__(self, payloads: PayloadStore, inline_limit: int = INLINE_LIMIT) -> None:
        self.payloads = payloads
        self.inline_limit = inline_limit

    def encode_bytes(self, raw: bytes, key: str) -> Blob:
        """Compress `raw`; store it under `key` when it is still too big to keep inline."""
        data = _compress(raw)
        if len(data) <= self.inline_limit:
            return Blob(data=data)
        self.payloads.put(key, data)
        return Blob(ref=key)

    def decode_bytes(self, blob: Blob) -> bytes:
        """The raw bytes behind a blob."""
        if blob.ref is not None:
            return _decompress(self.payloads.get(blob.ref))
        if blob.data is None:
            return b""
        return _decompress(blob.data)

    def encode(self, value: Any, key: str) -> Blob:
        """A JSON value as a blob."""
        return self.encode_bytes(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode(), key)

    def decode(self, blob: Blob) -> Any:
        """The JSON value behind a blob (None for an empty blob)."""
        raw = self.decode_bytes(blob)
        return json.loads(raw) if raw else None

    def encode_snapshot(self, snapshot: ExecutionSnapshot, key: str) -> Blob:
        """A snapshot as a blob."""
        # Fields at their defaults are left out (decoding restores them): most of a snapshot is defaults.
        return self.encode_bytes(snapshot.model_dump_json(exclude_defaults=True).encode(), key)

    def decode_snapshot(self, blob: Blob) -> ExecutionSnapshot:
        """The snapshot behind a blob."""
        return ExecutionSnapshot.model_validate_json(self.decode_bytes(blob))


def command_to_dict(command: Any) -> dict[str, Any]:
    """A core command as plain JSON data (for the outbox)."""
    return {"type": type(command).__name__, **dataclasses.asdict(command)}


def command_from_dict(data: dict[str, Any]) -> Any:
    """The core command back from `command_to_dict`."""
    fields = dict(data)
    cls = _COMMANDS[fields.pop("type")]
    if cls is command_types.FanOut:
        fields["children"] = tuple(command_types.ChildSpec(**child) for child in fields["children"])
    return cls(**fields)


def event_to_dict(event: Any) -> dict[str, Any]:
    """A core event as plain JSON data (for a queue message)."""
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


def event_from_dict(data: dict[str, Any]) -> Any:
    """The core event back from `event_to_dict`."""
    fields = dict(data)
    return _EVENTS[fields.pop("type")](**fields)
