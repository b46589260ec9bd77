"""Wait on the virtual clock (ASL spec, "Wait State")."""

from __future__ import annotations

import pytest

from tests.unit.engine.flows import START_MS, run, states

DAY_MS = 86_400_000


def _wait(**fields: object) -> dict[str, object]:
    return states(W={"Type": "Wait", "Next": "Stamp", **fields},
                  Stamp={"Type": "Pass", "Parameters": {"entered.$": "$$.State.EnteredTime", "in.$": "$"},
                         "End": True})


def test_a_thirty_day_wait_finishes_at_once_in_virtual_time() -> None:
    result = run(_wait(Seconds=30 * 86_400), {"a": 1})
    assert result.status == "SUCCEEDED"
    assert result.ended_ms - START_MS == 30 * DAY_MS
    assert result.output == {"entered": "2023-12-14T22:13:20.000Z", "in": {"a": 1}}
    wait_exit = next(e for e in result.history if e["type"] == "WaitStateExited")
    assert wait_exit["timestamp"] == "2023-12-14T22:13:20.000Z"


def test_seconds_path_reads_the_duration_from_the_input() -> None:
    result = run(_wait(SecondsPath="$.s"), {"s": 90})
    assert result.ended_ms - START_MS == 90_000


def test_timestamp_in_the_past_continues_immediately() -> None:
    result = run(_wait(Timestamp="2020-01-01T00:00:00Z"))
    assert result.ended_ms == START_MS


def test_timestamp_path_waits_until_that_time() -> None:
    result = run(_wait(TimestampPath="$.at"), {"at": "2023-11-15T00:00:00.5+01:00"})
    assert result.ended_ms == 1_700_002_800_500


@pytest.mark.parametrize(
    ("value", "detail"),
    [(-1, "The SecondsPath parameter references a negative value: $.s == -1"),
     (1.5, "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5")],
)
def test_bad_seconds_path_values_fail_with_runtime(value: float, detail: str) -> None:
    result = run(_wait(SecondsPath="$.s"), {"s": value})
    assert result.error == "States.Runtime"
    assert result.cause == f"An error occurred while executing the state 'W' (entered at the event id #2). {detail}"


def test_missing_seconds_path_fails() -> None:
    result = run(_wait(SecondsPath="$.s"), {})
    assert "does not reference an input value: $.s" in (result.cause or "")


def test_bad_timestamp_path_value_fails() -> None:
    result = run(_wait(TimestampPath="$.at"), {"at": "2016-12-05 21:29:29Z"})
    assert result.error == "States.Runtime"
    assert "not reference a valid ISO-8601 extended offset date-time format string" in (result.cause or "")


def test_execution_timeout_ends_a_long_wait_as_timed_out() -> None:
    definition = {**_wait(Seconds=60), "TimeoutSeconds": 5}
    result = run(definition)
    assert (result.status, result.error, result.cause) == ("TIMED_OUT", None, None)
    assert result.ended_ms - START_MS == 5_000
    assert result.history[-1]["type"] == "ExecutionTimedOut"
