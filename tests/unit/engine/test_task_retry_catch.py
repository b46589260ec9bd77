"""Tasks, Retry and Catch (ASL spec, "Task State", "Error Handling")."""

from __future__ import annotations

import pytest

from tests.unit.engine.flows import START_MS, NoAnswer, ScriptedTasks, TaskReturned, TaskThrew, run, states

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def _task(**fields: object) -> dict[str, object]:
    return {"Type": "Task", "Resource": LAMBDA, **fields}


def test_task_result_flows_through_result_selector_result_path_and_output_path() -> None:
    definition = states(T=_task(Parameters={"id.$": "$.id"}, ResultSelector={"price.$": "$.body.price"},
                                ResultPath="$.priced", OutputPath="$.priced", End=True))
    tasks = ScriptedTasks({"T": [TaskReturned({"body": {"price": 9}, "noise": 1})]})
    result = run(definition, {"id": "a"}, tasks)
    assert result.output == {"price": 9}
    assert tasks.calls[0].parameters == {"id": "a"}
    assert tasks.calls[0].pattern == "request-response"


def test_retry_backs_off_by_interval_times_rate_to_the_power_of_attempts() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3.0,
                                        "MaxAttempts": 3}], End=True))
    tasks = ScriptedTasks({"T": [TaskThrew("Flaky"), TaskThrew("Flaky"), TaskThrew("Flaky"), TaskReturned(1)]})
    result = run(definition, {}, tasks)
    assert result.status == "SUCCEEDED"
    # waits of 2, 6 and 18 seconds before attempts 2, 3 and 4
    assert result.ended_ms - START_MS == 26_000
    assert [c.attempt for c in tasks.calls] == [0, 1, 2, 3]
    assert result.transitions == 1 + 3  # the state once, plus each retry


def test_max_delay_seconds_caps_the_back_off() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10,
                                        "BackoffRate": 10, "MaxAttempts": 3, "MaxDelaySeconds": 15}], End=True))
    result = run(definition, {}, ScriptedTasks({"T": [TaskThrew("X")] * 3 + [TaskReturned(0)]}))
    assert result.ended_ms - START_MS == (10 + 15 + 15) * 1000


def test_full_jitter_is_drawn_from_the_seed_and_never_exceeds_the_delay() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100,
                                        "MaxAttempts": 1, "JitterStrategy": "FULL"}], End=True))
    answers = {"T": [TaskThrew("X"), TaskReturned(0)]}
    first = run(definition, {}, ScriptedTasks(answers), seed="a")
    again = run(definition, {}, ScriptedTasks(answers), seed="a")
    other = run(definition, {}, ScriptedTasks(answers), seed="b")
    assert first.ended_ms == again.ended_ms
    assert first.ended_ms != other.ended_ms
    assert 0 <= first.ended_ms - START_MS <= 100_000


def test_max_attempts_zero_never_retries() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}], End=True))
    tasks = ScriptedTasks({"T": [TaskThrew("X", "why")]})
    result = run(definition, {}, tasks)
    assert (result.status, result.error, result.cause, len(tasks.calls)) == ("FAILED", "X", "why", 1)


def test_retriers_keep_separate_counters_and_the_first_match_decides() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["A"], "MaxAttempts": 1},
                                       {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}], End=True))
    tasks = ScriptedTasks({"T": [TaskThrew("A"), TaskThrew("B"), TaskThrew("A"), TaskReturned("ok")]})
    result = run(definition, {}, tasks)
    assert (result.status, result.error, len(tasks.calls)) == ("FAILED", "A", 3)


def test_retry_count_is_visible_in_the_context_object() -> None:
    definition = states(T=_task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}],
                                ResultSelector={"retries.$": "$$.State.RetryCount"}, End=True))
    result = run(definition, {}, ScriptedTasks({"T": [TaskThrew("X"), TaskThrew("X"), TaskReturned({})]}))
    assert result.output == {"retries": 2}


def test_catch_puts_the_error_output_at_its_result_path_and_goes_to_next() -> None:
    definition = states(
        T=_task(Catch=[{"ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "Handle"}], End=True),
        Handle={"Type": "Pass", "End": True},
    )
    result = run(definition, {"order": 1}, ScriptedTasks({"T": [TaskThrew("Boom", "it broke")]}))
    assert result.output == {"order": 1, "error": {"Error": "Boom", "Cause": "it broke"}}
    types = [e["type"] for e in result.history]
    assert types[types.index("LambdaFunctionFailed") + 1] == "TaskStateExited"


def test_catch_default_result_path_replaces_the_input_with_the_error() -> None:
    definition = states(T=_task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True),
                        H={"Type": "Pass", "End": True})
    assert run(definition, {"a": 1}, ScriptedTasks({"T": [TaskThrew("E")]})).output == {"Error": "E"}


def test_retry_exhausted_then_catch() -> None:
    definition = states(
        T=_task(Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": None}], End=True),
        H={"Type": "Pass", "Result": "handled", "End": True},
    )
    tasks = ScriptedTasks({"T": [TaskThrew("E")]})
    assert run(definition, {}, tasks).output == "handled"
    assert len(tasks.calls) == 3


@pytest.mark.parametrize(("error", "caught"), [("States.Runtime", False), ("States.DataLimitExceeded", False),
                                               ("States.Timeout", True), ("Custom", True)])
def test_states_all_does_not_catch_runtime_or_data_limit(error: str, caught: bool) -> None:
    definition = states(T=_task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}], End=True),
                        H={"Type": "Pass", "Result": "caught", "End": True})
    result = run(definition, {}, ScriptedTasks({"T": [TaskThrew(error)]}))
    assert (result.status == "SUCCEEDED") is caught


@pytest.mark.parametrize(("error", "caught"), [("States.Timeout", False), ("Anything", True),
                                               ("States.HeartbeatTimeout", True)])
def test_task_failed_matches_everything_but_timeout(error: str, caught: bool) -> None:
    definition = states(T=_task(Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "H"}], End=True),
                        H={"Type": "Pass", "End": True})
    result = run(definition, {}, ScriptedTasks({"T": [TaskThrew(error)]}))
    assert (result.status == "SUCCEEDED") is caught


def test_a_task_with_no_answer_times_out_after_timeout_seconds() -> None:
    definition = states(T=_task(TimeoutSeconds=30, Catch=[{"ErrorEquals": ["States.Timeout"], "Next": "H"}],
                                End=True), H={"Type": "Pass", "End": True})
    result = run(definition, {}, ScriptedTasks({"T": [NoAnswer()]}))
    assert result.output == {"Error": "States.Timeout"}
    assert result.ended_ms - START_MS == 30_000
    assert "LambdaFunctionTimedOut" in [e["type"] for e in result.history]


def test_heartbeat_timeout_fires_before_the_task_timeout() -> None:
    definition = states(T={"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                           "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}},
                           "TimeoutSeconds": 300, "HeartbeatSeconds": 20, "End": True})
    tasks = ScriptedTasks({"T": [NoAnswer()]})
    result = run(definition, {}, tasks)
    assert (result.status, result.error) == ("FAILED", "States.HeartbeatTimeout")
    assert result.ended_ms - START_MS == 20_000
    assert tasks.calls[0].pattern == "callback"
    assert tasks.calls[0].parameters["MessageBody"]["token"] == tasks.calls[0].token
    assert len(tasks.calls[0].token) == 64


def test_timeout_seconds_path_reads_the_timeout_from_the_input() -> None:
    definition = states(T=_task(TimeoutSecondsPath="$.t", End=True))
    result = run(definition, {"t": 7}, ScriptedTasks({"T": [NoAnswer()]}))
    assert (result.error, result.ended_ms - START_MS) == ("States.Timeout", 7_000)


def test_service_integration_history_names_resource_type_and_action() -> None:
    definition = states(T={"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": True})
    result = run(definition, {"a": 1})
    scheduled = next(e for e in result.history if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["resourceType"] == "lambda"
    assert scheduled["taskScheduledEventDetails"]["resource"] == "invoke"
    assert scheduled["taskScheduledEventDetails"]["parameters"] == '{"FunctionName":"f","Payload":{"a":1}}'
