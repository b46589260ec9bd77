"""CloudFlow (current format) Task states, converted and run: actions, TaskMode, constructors, Retry, Catch."""

from __future__ import annotations

from cloudflow.core.commands import InvokeTask
from tests.unit.formats.converted import START_MS, ScriptedTasks, TaskReturned, TaskThrew, convert, invoked, run

ARN = "acs:fc:cn-hangzhou:123456789012:functions/{}/LATEST"


def flow(task: str, *more: str, start: str = "Work") -> str:
    """A state machine whose first state is `task` (indented YAML for one list item)."""
    body = "".join(f"\n{part}" for part in (task, *more))
    return f"""
Type: StateMachine
Name: test
SpecVersion: v1
StartAt: {start}
States:{body}
"""


TASK = f"""
  - Name: Work
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Parameters:
      resourceArn: {ARN.format("work")}
      invocationType: Sync
      body:
        id.$: $Input.order.id
        label.$: format("order-{{}}", $Input.order.id)
        fixed: 1
    End: true"""


def test_function_invocation_runs_as_lambda_invoke_named_by_the_function() -> None:
    state = convert(flow(TASK))["States"]["Work"]
    assert state["Resource"] == "arn:aws:states:::lambda:invoke"
    assert state["Parameters"]["FunctionName"] == "work"
    assert ARN.format("work") in state["Comment"]


def test_the_body_is_the_payload_and_the_output_is_the_function_result_under_body() -> None:
    tasks = ScriptedTasks({"Work": [invoked({"ok": True})]})
    result = run(flow(TASK), {"order": {"id": "o-1"}}, tasks)
    assert tasks.calls[0].parameters["Payload"] == {"id": "o-1", "label": "order-o-1", "fixed": 1}
    # CloudFlow's output is $Output: {"Body": ...}; the input is not merged in.
    assert (result.status, result.output) == ("SUCCEEDED", {"Body": {"ok": True}})


def test_function_arns_of_both_function_compute_versions_and_qualifiers() -> None:
    fc2 = TASK.replace(ARN.format("work"), "acs:fc:cn-shanghai:1:services/shop.prod/functions/price")
    assert convert(flow(fc2))["States"]["Work"]["Parameters"]["FunctionName"] == "price:prod"
    fc3 = TASK.replace(ARN.format("work"), "acs:fc:cn-shanghai:1:functions/price/blue")
    assert convert(flow(fc3))["States"]["Work"]["Parameters"]["FunctionName"] == "price:blue"


def test_input_constructor_builds_the_input_the_parameters_read() -> None:
    task = TASK.replace("    Parameters:", """    InputConstructor:
      order:
        id.$: $Context.Execution.Input.ref
      note: constant
    Parameters:""")
    tasks = ScriptedTasks({"Work": [invoked({})]})
    run(flow(task), {"ref": "r-9"}, tasks)
    assert tasks.calls[0].parameters["Payload"]["id"] == "r-9"
    assert convert(flow(task))["StartAt"] == "Work (InputConstructor)"


def test_output_constructor_reading_only_the_output_becomes_the_result_selector() -> None:
    task = TASK.replace("    End: true", """    OutputConstructor:
      ok.$: $Output.Body.ok
      state.$: $Context.Current.Name
      constant: 7
    End: true""")
    asl = convert(flow(task))
    assert set(asl["States"]) == {"Work"}
    assert asl["States"]["Work"]["ResultSelector"] == {"ok.$": "$.Payload.ok", "state.$": "$$.State.Name",
                                                       "constant": 7}
    result = run(flow(task), {"order": {"id": "o"}}, ScriptedTasks({"Work": [invoked({"ok": False})]}))
    assert result.output == {"ok": False, "state": "Work", "constant": 7}


def test_output_constructor_reading_the_input_too_is_built_by_a_helper_state() -> None:
    task = TASK.replace("    End: true", """    OutputConstructor:
      id.$: $Input.order.id
      result.$: $Output.Body
      everything.$: $Output
    End: true""")
    asl = convert(flow(task))
    assert asl["States"]["Work"]["ResultPath"] == "$.__cloudflow_output"
    assert asl["States"]["Work"]["Next"] == "Work (OutputConstructor)"
    result = run(flow(task), {"order": {"id": "o-2"}}, ScriptedTasks({"Work": [invoked({"n": 1})]}))
    assert result.output == {"id": "o-2", "result": {"n": 1}, "everything": {"Body": {"n": 1}}}


def test_wait_for_custom_callback_waits_for_the_task_token() -> None:
    task = TASK.replace("RequestComplete", "WaitForCustomCallback").replace(
        "        fixed: 1", "        token.$: $Context.Current.TaskToken").replace(
        "    End: true", "    OutputConstructor:\n      approved.$: $Output.approved\n    End: true")
    asl = convert(flow(task))
    assert asl["States"]["Work"]["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"

    def report_back(call: InvokeTask) -> TaskReturned:  # the callback reports whether it got the token
        return TaskReturned({"approved": call.parameters["Payload"]["token"] == call.token})

    tasks = ScriptedTasks({"Work": [report_back]})
    result = run(flow(task), {"order": {"id": "o"}}, tasks)
    assert tasks.calls[0].pattern == "callback"
    assert result.output == {"approved": True}  # $Output is what the callback reported


def test_async_invocation_fires_and_forgets_and_system_callback_waits_for_the_result() -> None:
    fire = TASK.replace("invocationType: Sync", "invocationType: Async")
    assert convert(flow(fire))["States"]["Work"]["Parameters"]["InvocationType"] == "Event"
    system = fire.replace("RequestComplete", "WaitForSystemCallback")
    state = convert(flow(system))["States"]["Work"]
    assert "InvocationType" not in state["Parameters"]
    assert state["Resource"] == "arn:aws:states:::lambda:invoke"


def test_timeout_becomes_timeout_seconds() -> None:
    task = TASK.replace("    End: true", '    Timeout: "30"\n    End: true')
    assert convert(flow(task))["States"]["Work"]["TimeoutSeconds"] == 30
    dynamic = TASK.replace("    End: true", "    Timeout.$: $Input.limit\n    End: true")
    assert convert(flow(dynamic))["States"]["Work"]["TimeoutSecondsPath"] == "$.limit"
    never = TASK.replace("    End: true", '    Timeout: "0"\n    End: true')
    assert "TimeoutSeconds" not in convert(flow(never))["States"]["Work"]


RETRY = TASK.replace("    End: true", """    Retry:
      - Errors: [FC.ResourceThrottled]
        MaxAttempts: 3
        IntervalSeconds: 4
      - Errors: [Flaky]
        MaxAttempts: 3
        IntervalSeconds: 2
        BackoffRate: 3
        MaxBackoffSeconds: 10
    End: true""")


def test_retry_keeps_the_interval_constant_without_backoff_rate() -> None:
    tasks = ScriptedTasks({"Work": [TaskThrew("FC.ResourceThrottled")] * 3 + [invoked({})]})
    result = run(flow(RETRY), {"order": {"id": "o"}}, tasks)
    assert result.status == "SUCCEEDED"
    assert result.ended_ms - START_MS == 3 * 4_000  # ASL alone would wait 4 + 8 + 16 s


def test_retry_backoff_rate_and_max_backoff_seconds() -> None:
    tasks = ScriptedTasks({"Work": [TaskThrew("Flaky")] * 3 + [invoked({})]})
    result = run(flow(RETRY), {"order": {"id": "o"}}, tasks)
    assert result.ended_ms - START_MS == (2 + 6 + 10) * 1000  # 18 s capped at 10 s
    assert convert(flow(RETRY))["States"]["Work"]["Retry"][1]["MaxDelaySeconds"] == 10


def test_retry_gives_up_after_max_attempts_and_rules_after_fnf_all_never_apply() -> None:
    task = TASK.replace("    End: true", """    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 1
        IntervalSeconds: 1
      - Errors: [Never]
        MaxAttempts: 5
        IntervalSeconds: 1
    End: true""")
    assert convert(flow(task))["States"]["Work"]["Retry"] == [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1.0}]
    tasks = ScriptedTasks({"Work": [TaskThrew("Boom", "bad")]})
    result = run(flow(task), {"order": {"id": "o"}}, tasks)
    assert (result.status, result.error, len(tasks.calls)) == ("FAILED", "Boom", 2)


CATCH = TASK.replace("    End: true", """    Retry:
      - Errors: [FC.ResourceThrottled]
        MaxAttempts: 1
        IntervalSeconds: 1
    Catch:
      - Errors: [Order.Rejected]
        OutputConstructor:
          id.$: $Input.order.id
          code.$: $Context.Current.Error.Code
          detail.$: $Context.Current.Error.Detail
        Next: Handle
      - Errors: [FnF.ALL]
        Next: Handle
    Next: Done""")
HANDLE = """
  - Name: Handle
    Type: Pass
    End: true
  - Name: Done
    Type: Succeed"""


def test_catch_output_constructor_builds_the_next_states_input() -> None:
    tasks = ScriptedTasks({"Work": [TaskThrew("Order.Rejected", "no stock")]})
    result = run(flow(CATCH, HANDLE), {"order": {"id": "o-3"}}, tasks)
    assert (result.status, result.output) == ("SUCCEEDED", {"id": "o-3", "code": "Order.Rejected",
                                                            "detail": "no stock"})


def test_catch_without_output_constructor_passes_the_error_on() -> None:
    tasks = ScriptedTasks({"Work": [TaskThrew("FC.ResourceThrottled", "slow down")]})
    result = run(flow(CATCH, HANDLE), {"order": {"id": "o"}}, tasks)
    assert result.output == {"Error": "FC.ResourceThrottled", "Cause": "slow down"}
    assert len(tasks.calls) == 2  # retried once, then caught by FnF.ALL


def test_retry_count_is_readable_in_constructors() -> None:
    task = TASK.replace("    End: true", """    Retry:
      - Errors: [FnF.ALL]
        MaxAttempts: 2
        IntervalSeconds: 1
    OutputConstructor:
      retries.$: $Context.Current.RetryCount
    End: true""")
    tasks = ScriptedTasks({"Work": [TaskThrew("X"), TaskThrew("X"), invoked({})]})
    assert run(flow(task), {"order": {"id": "o"}}, tasks).output == {"retries": 2}


def test_an_error_without_a_cause_has_an_empty_detail() -> None:
    tasks = ScriptedTasks({"Work": [TaskThrew("Order.Rejected")]})
    result = run(flow(CATCH, HANDLE), {"order": {"id": "o-4"}}, tasks)
    assert result.output == {"id": "o-4", "code": "Order.Rejected", "detail": None}
