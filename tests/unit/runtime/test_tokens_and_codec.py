"""Task tokens name their unit and stay unguessable; values spill to the payload store above the limit."""

from __future__ import annotations

import json

import pytest

from cloudflow.core.commands import ChildSpec, FanOut, ScheduleWakeUp
from cloudflow.core.events import TaskSucceeded
from cloudflow.errors import InvalidTokenError
from cloudflow.ports import Blob
from cloudflow.runtime.codec import BlobCodec, command_from_dict, command_to_dict, event_from_dict, event_to_dict
from cloudflow.runtime.messages import WorkMessage, decode_message, encode_message
from cloudflow.runtime.tokens import decode_token, token_prefix


class DictPayloads:
    """The PayloadStore port over a dict (the S3 adapter has its own test on moto)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        self.objects[key] = data

    def get(self, key: str) -> bytes:
        return self.objects[key]


def test_a_token_names_its_execution_and_unit() -> None:
    token = token_prefix("order:run-1", "r/4-0.7") + "ab" * 32
    parts = decode_token(token)
    assert (parts.execution_id, parts.unit, parts.token) == ("order:run-1", "r/4-0.7", token)


@pytest.mark.parametrize("bad", ["", "x" * 2000, "no-dot", token_prefix("a:b", "r") + "short", "!!!." + "a" * 64,
                                 None, 42])
def test_malformed_tokens_are_invalid_not_errors(bad: object) -> None:
    with pytest.raises(InvalidTokenError):
        decode_token(bad)


def test_small_values_stay_inline_and_large_ones_spill() -> None:
    payloads = DictPayloads()
    codec = BlobCodec(payloads, inline_limit=1024)
    small = codec.encode({"a": 1}, "k1")
    assert small.data is not None and small.ref is None and payloads.objects == {}
    big_value = {"blob": "".join(f"{i:08x}" for i in range(100_000))}  # incompressible enough
    big = codec.encode(big_value, "k2")
    assert big.ref == "k2" and "k2" in payloads.objects
    assert codec.decode(big) == big_value and codec.decode(small) == {"a": 1}


def test_commands_and_events_round_trip_through_json() -> None:
    fan_out = FanOut("r", "r/3-0", "map", "Each", (ChildSpec("r/3-0.0", 0, "/States/Each/ItemProcessor", "A", 1),),
                     window=2, tolerated_count=1)
    for command in (fan_out, ScheduleWakeUp("timer-1", 5, "wait")):
        assert command_from_dict(command_to_dict(command)) == command
    event = TaskSucceeded("tok", {"x": [1]})
    assert event_from_dict(event_to_dict(event)) == event


def test_large_messages_travel_as_a_pointer() -> None:
    payloads = DictPayloads()
    codec = BlobCodec(payloads)
    message = WorkMessage(execution_id="f:n", unit="r", kind="event", key="k",
                          event=event_to_dict(TaskSucceeded("t", "x" * 600_000)))
    body = encode_message(message, codec)
    assert len(body) < 1000 and payloads.objects
    assert decode_message(body, codec) == message


def test_small_blobs_use_the_preset_dictionary_and_older_blobs_still_decode() -> None:
    import zlib

    codec = BlobCodec(DictPayloads())
    page = [{"timestamp": "2026-11-26T10:00:00.000Z", "type": "TaskStateEntered", "id": 2, "previousEventId": 1,
             "stateEnteredEventDetails": {"name": "Charge", "input": "{}", "inputDetails": {"truncated": False}}}]
    blob = codec.encode(page, "history/x")
    plain = zlib.compress(json.dumps(page, separators=(",", ":")).encode(), 1)
    assert blob.data is not None and len(blob.data) < len(plain) // 2  # the keys come from the dictionary
    assert codec.decode(blob) == page
    assert codec.decode(Blob(data=plain)) == page  # written before the dictionary existed


def test_a_blob_naming_an_unknown_dictionary_is_a_clear_error() -> None:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, b"some other dictionary")
    data = packer.compress(b"{}") + packer.flush()
    with pytest.raises(ValueError, match="dictionary this version does not know"):
        BlobCodec(DictPayloads()).decode(Blob(data=data))


def test_snapshots_round_trip_without_their_default_fields() -> None:
    from cloudflow.core.snapshot import ExecutionInfo, new_snapshot

    info = ExecutionInfo(execution_arn="arn:x", name="n", state_machine_arn="arn:m", state_machine_name="m",
                         role_arn="arn:r", start_time_ms=5, input={"a": [1, None]})
    snapshot = new_snapshot(info, "seed", remote_children=True, max_transitions=7)
    codec = BlobCodec(DictPayloads())
    blob = codec.encode_snapshot(snapshot, "units/x")
    assert codec.decode_snapshot(blob) == snapshot
    assert b"max_transitions" in codec.decode_bytes(blob) and b"child_of" not in codec.decode_bytes(blob)
