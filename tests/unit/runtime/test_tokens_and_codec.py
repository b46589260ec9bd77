"""Task tokens name their unit and stay unguessable; values spill to the payload store above the limit."""

from __future__ import annotations

import pytest

from cloudflow.core.commands import ChildSpec, FanOut, ScheduleWakeUp
from cloudflow.core.events import TaskSucceeded
from cloudflow.errors import InvalidTokenError
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
