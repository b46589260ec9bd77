"""The examples of Alibaba Cloud's CloudFlow (Serverless Workflow) documentation, converted and run.

Each test runs a definition as a documentation page shows it and asserts the output that page shows
(or, where it shows none, the behaviour it describes). Each test names its page. Definitions are
reproduced as the pages give them; where a Task calls a function, ScriptedTasks answers for it. Pages
are cited in their English (alibabacloud.com) or Chinese (help.aliyun.com) edition, whichever showed
the whole example.
"""

from __future__ import annotations

import json
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.formats.diagnostics import NO_ASL_COUNTERPART, SCHEMA_VALIDATION_FAILED
from tests.unit.formats.converted import (
    START_MS,
    ScriptedTasks,
    TaskReturned,
    TaskThrew,
    invoked,
    problems_of,
    run,
)


def entered(result: Any, *names: str) -> list[str]:
    """The states (of `names`) the execution entered, in order; helper states are left out."""
    return [event["stateEnteredEventDetails"]["name"] for event in result.history
            if "stateEnteredEventDetails" in event and event["stateEnteredEventDetails"]["name"] in names]


def waits_ms(result: Any) -> list[int]:
    """How long each retry waited: the gaps between the task's scheduled events."""
    scheduled = [event["timestamp"] for event in result.history if event["type"] == "TaskScheduled"]
    return [_ms(later) - _ms(earlier) for earlier, later in pairwise(scheduled)]


def _ms(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)


# =========================================================================================================
# CloudFlow (Type: StateMachine, SpecVersion: v1)
# =========================================================================================================

def test_flow_definition_minimal_flow() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/process-definition-introduction:
    "A minimal flow with a single state" starts at Greet and ends."""
    definition = """
Type: StateMachine
Name: hello-world
SpecVersion: v1
StartAt: Greet
States:
  - Type: Pass
    Name: Greet
    End: true
"""
    result = run(definition, {"hello": "world"})
    assert (result.status, result.output) == ("SUCCEEDED", {"hello": "world"})  # a Pass outputs its input
    assert entered(result, "Greet") == ["Greet"]


def test_pass_state_input_constructor() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/pass-pass:
    the Pass state outputs a JSON object in which FieldA is 123."""
    definition = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Pass1
States:
  - Type: Pass
    Name: Pass1
    End: true
    InputConstructor:
      FieldA: 123
"""
    assert run(definition, {"ignored": True}).output == {"FieldA": 123}


def test_wait_state_waits_12_seconds() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/wait-wait,
    "Wait a fixed number of seconds": the flow pauses for 12 seconds before ending."""
    definition = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Wait1
States:
  - Type: Wait
    Name: Wait1
    Seconds: 12
    End: true
"""
    result = run(definition, {"a": 1})
    assert (result.ended_ms - START_MS, result.output) == (12_000, {"a": 1})


def test_wait_state_seconds_from_the_input() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/wait-wait,
    "Set the wait duration dynamically": Seconds.$ reads timeout from the flow input."""
    definition = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: DynamicWait
States:
  - Type: Wait
    Name: DynamicWait
    Seconds.$: $Input.timeout
    End: true
"""
    assert run(definition, {"timeout": 7}).ended_ms - START_MS == 7_000


CHOICE = """
Type: StateMachine
Name: MyWorkflow
SpecVersion: v1
StartAt: Choice
States:
  - Type: Choice
    Name: Choice
    Branches:
      - Condition: $Input.data == "ready"
        Next: Pass1
    Default: Pass2
  - Type: Pass
    Name: Pass2
    End: true
  - Type: Pass
    Name: Pass1
    End: true
"""


@pytest.mark.parametrize(("data", "taken"), [({"data": "ready"}, "Pass1"), ({"data": "draft"}, "Pass2"),
                                             ({}, "Pass2")])
def test_choice_state_branch_or_default(data: dict[str, Any], taken: str) -> None:
    """select-choice (https://help.aliyun.com/document_detail/2412568.html): the first branch whose
    Condition holds is taken, otherwise Default."""
    result = run(CHOICE, data)
    assert entered(result, "Pass1", "Pass2") == [taken]
    assert result.output == data


def test_choice_condition_reads_context_current_input() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/data-transfer:
    a Choice Condition may read $Context.Current.Input (`$Context.Current.Input.Size>=1024`)."""
    definition = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Size
States:
  - Type: Choice
    Name: Size
    Branches:
      - Condition: $Context.Current.Input.Size>=1024
        Next: Large
    Default: Small
  - Type: Pass
    Name: Large
    End: true
  - Type: Pass
    Name: Small
    End: true
"""
    assert entered(run(definition, {"Size": 2048}), "Large", "Small") == ["Large"]
    assert entered(run(definition, {"Size": 10}), "Large", "Small") == ["Small"]


def test_choice_in_operator_is_reported() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/select-choice
    lists `in` (an array holds a value, a map holds a key) among the condition operators.
    ASL Choice rules cannot tell an array from a map, so the conversion reports it, at the Condition."""
    definition = CHOICE.replace('$Input.data == "ready"', '\'"ready" in $Input.tags\'')
    assert problems_of(definition)["/States/0/Branches/0/Condition"] == NO_ASL_COUNTERPART


PARALLEL = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Parallel1
States:
  - Type: Parallel
    Name: Parallel1
    End: true
    Branches:
      - StartAt: Pass1
        States:
          - Type: Pass
            Name: Pass1
            End: true
            OutputConstructor:
              FieldA: 123
      - StartAt: Pass2
        States:
          - Type: Pass
            InputConstructor:
              FieldA: 321
            Name: Pass2
            End: true
"""


def test_parallel_state_outputs_branch_index_keys() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/parallel:
    each branch's output is under Branch<Index>: Branch0 {FieldA: 123}, Branch1 {FieldA: 321}."""
    assert run(PARALLEL, {}).output == {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}}


def test_succeed_state_ends_its_scope() -> None:
    """succeeded (https://help.aliyun.com/document_detail/2489680.html): the Parallel example with Pass1
    replaced by a Succeed state; Succeed1 ends branch #0, then Parallel1 and the flow complete."""
    definition = PARALLEL.replace("""          - Type: Pass
            Name: Pass1
            End: true
            OutputConstructor:""", """          - Type: Succeed
            Name: Succeed1
            OutputConstructor:""").replace("StartAt: Pass1", "StartAt: Succeed1")
    assert "Succeed1" in definition
    result = run(definition, {})
    assert (result.status, result.output) == ("SUCCEEDED", {"Branch0": {"FieldA": 123}, "Branch1": {"FieldA": 321}})


FAIL = """
Type: StateMachine
Name: my-workflow
SpecVersion: v1
Description: " "
StartAt: Choice1
States:
  - Type: Choice
    Name: Choice1
    Branches:
      - Condition: $Input.status == "true"
        Next: Pass1
    Default: Fail1
  - Type: Fail
    Name: Fail1
    Code: "customBizCode"
    End: true
  - Type: Pass
    Name: Pass1
    End: true
"""


def test_fail_state_ends_the_flow_with_its_code() -> None:
    """fail (https://help.aliyun.com/document_detail/2489683.html): unless $Input.status == "true", the
    flow goes to the Default, Fail1, and ends failed with customBizCode."""
    failed = run(FAIL, {"status": "false"})
    assert (failed.status, failed.error) == ("FAILED", "customBizCode")
    passed = run(FAIL, {"status": "true"})
    assert (passed.status, entered(passed, "Pass1", "Fail1")) == ("SUCCEEDED", ["Pass1"])


def test_map_state_inline_mode_outputs_items() -> None:
    """inline-mode (https://help.aliyun.com/document_detail/2851868.html): Map1 iterates
    $Input.FieldA with the page's Pass1 processor; the merged output is under Items."""
    definition = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Map1
States:
  - Type: Map
    Name: Map1
    End: true
    InputConstructor:
      FieldA:
        - a : b
        - c : d
        - e : f
    ItemsPath: $Input.FieldA
    Processor:
      StartAt: Pass1
      States:
        - Type: Pass
          Name: Pass1
          End: true
"""
    assert run(definition, {}).output == {"Items": [{"a": "b"}, {"c": "d"}, {"e": "f"}]}


def test_function_compute_sync_and_async_invocations() -> None:
    """integrated-function-compute (https://help.aliyun.com/document_detail/2400200.html), step 2: a
    synchronous then an asynchronous FC:InvokeFunction; body is the function's event."""
    definition = """
Type: StateMachine
Name: MyWorkflow
SpecVersion: v1
StartAt: SyncCall
States:
  - Name: SyncCall
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Parameters:
      resourceArn: acs:fc:::services/myService1.LATEST/functions/myFunction1
      invocationType: Sync
      body:
        testKey: the content of testKey in the function event
    Next: AsyncCall
  - Name: AsyncCall
    Type: Task
    Action: FC:InvokeFunction
    TaskMode: RequestComplete
    Parameters:
      resourceArn: acs:fc:::services/myService2.LATEST/functions/myFunction2
      invocationType: Async
      body:
        key1: value1
        key2: value2
    End: true
"""
    tasks = ScriptedTasks({"SyncCall": [invoked({"ok": True})], "AsyncCall": [invoked(None)]})
    result = run(definition, {}, tasks)
    assert result.status == "SUCCEEDED"
    assert [call.parameters for call in tasks.calls] == [
        {"FunctionName": "myFunction1", "Payload": {"testKey": "the content of testKey in the function event"}},
        {"FunctionName": "myFunction2", "InvocationType": "Event", "Payload": {"key1": "value1", "key2": "value2"}},
    ]


ERROR_HANDLING = """
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Work
States:
  - Type: Task
    Name: Work
    Action: FC:InvokeFunction
    Parameters:
      resourceArn: acs:fc:cn-hangzhou:123456789012:functions/work/LATEST
      invocationType: Sync
    Retry:
      - Errors:
          - MyCustomError
        Description: Retry policy #1
        MaxAttempts: 3
        IntervalSeconds: 10
        BackoffRate: 2
        MaxBackoffSeconds: 30
      - Errors:
          - FnF.ALL
        Description: never used for MyCustomError
        MaxAttempts: 1
        IntervalSeconds: 1
    Catch:
      - Errors:
          - FnF.ALL
        Description: Error catch rule #1
        OutputConstructor:
          code.$: $Context.Current.Error.Code
        Next: Recover
    End: true
  - Type: Pass
    Name: Recover
    End: true
"""


@pytest.mark.parametrize(("error", "waits"), [
    ("MyCustomError", [10_000, 20_000, 30_000]),  # 10, 20, then 40 capped at 30 (MaxBackoffSeconds)
    ("FC.ResourceThrottled", [1_000]),            # only the FnF.ALL retry rule (MaxAttempts 1) matches
])
def test_error_handling_retries_first_then_catches(error: str, waits: list[int]) -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/error-handling:
    Retry is evaluated first, with the first matching rule only (BackoffRate multiplies
    the interval, MaxBackoffSeconds caps it; the values are the page's table examples); then Catch goes to
    its Next with what its OutputConstructor builds. FnF.ALL matches every error, Function Compute errors
    are named FC.{ErrorCode} ("Common error types")."""
    tasks = ScriptedTasks({"Work": [TaskThrew(error, "boom")]})
    result = run(ERROR_HANDLING, {}, tasks)
    assert waits_ms(result) == waits
    assert len(tasks.calls) == len(waits) + 1
    assert (result.status, result.output) == ("SUCCEEDED", {"code": error})
    assert entered(result, "Recover") == ["Recover"]


@pytest.mark.parametrize("action", ["ECS:DescribeInstances", "HTTP:Request"])
def test_task_actions_without_counterpart_are_reported(action: str) -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/task-task:
    besides FC:<APIOperation>, a Task may call any Alibaba Cloud OpenAPI operation
    (ECS:DescribeInstances) or a third-party endpoint (HTTP:Request). Neither has an ASL counterpart
    here, so the conversion reports the Action."""
    definition = f"""
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Call
States:
  - Type: Task
    Name: Call
    Action: {action}
    TaskMode: RequestComplete
    End: true
"""
    assert problems_of(definition) == {"/States/0/Action": NO_ASL_COUNTERPART}


@pytest.mark.parametrize(("expression", "output"), [
    ('arrayContains(["Tom",10],10)', True),
    ('arrayContains(["Tom",10],"Jack")', False),
    ("arrayUnique([1, 2, 3, 1])", [1, 2, 3]),
    ('format("hello {}","world")', "hello world"),
    ('fromBase64("Rm5G")', "FnF"),
    ("""stringToJson('{"name": "Tom", "age": 10}')""", {"name": "Tom", "age": 10}),
    ("""fromJSON('{"name": "Tom", "age": 10}')""", {"name": "Tom", "age": 10}),
    ('hash("abc","MD5")', "900150983cd24fb0d6963f7d28e17f72"),
    ('jsonMerge({"name": "Tom", "age": 10},{"name": "Tom", "address": "beijing"})',
     {"name": "Tom", "age": 10, "address": "beijing"}),
    ("length([1, 2, 3])", 3),
    ('length({"name": "Tom", "age": 10})', 2),
    ('length("name")', 4),
])
def test_built_in_functions_usage_examples(expression: str, output: Any) -> None:
    """built-in-functions (https://help.aliyun.com/document_detail/2579872.html): each usage example
    gives its output example; functions are used in a constructor under a key ending in .$."""
    definition = f"""
Type: StateMachine
Name: my-wkfl
SpecVersion: v1
StartAt: Compute
States:
  - Type: Pass
    Name: Compute
    OutputConstructor:
      result.$: {json.dumps(expression)}
    End: true
"""
    assert run(definition, {}).output == {"result": output}


# =========================================================================================================
# The legacy flow definition language (version: v1, type: flow)
# =========================================================================================================

def test_fdl_pass_step_outputs_constants() -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/pass-steps:
    a pass step that outputs an array of uppercase letters."""
    definition = """
version: v1
type: flow
steps:
  - type: pass
    name: toUpperCase
    outputMappings:
      - target: names
        source: ["A", "B", "C"]
"""
    assert run(definition, {}).output == {"names": ["A", "B", "C"]}


@pytest.mark.parametrize(("step", "data", "seconds"), [
    ("name: wait20s\n    duration: 20", {}, 20),
    ("name: custom_wait\n    duration: $.wait", {"wait": 15}, 15),
    # 2019 is before the execution started: "If the time is earlier than the current time, the wait step ends."
    ("name: wait20s\n    timestamp: 2019-05-02T15:04:05Z", {}, 0),
    ("name: custom_wait\n    timestamp: $.wait_timestamp", {"wait_timestamp": "2023-11-14T22:14:20Z"}, 60),
])
def test_fdl_wait_steps(step: str, data: dict[str, Any], seconds: int) -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/wait-steps:
    the page's four examples (relative, from the input, absolute, absolute from the input)."""
    result = run(f"version: v1\ntype: flow\nsteps:\n  - type: wait\n    {step}\n", data)
    assert (result.status, result.ended_ms - START_MS) == ("SUCCEEDED", seconds * 1000)


CHOICE_STEPS = """
version: v1
type: flow
steps:
  - type: choice
    name: mychoice
    choices:
      - condition: $.status == "ready"
        # choice with steps
        steps:
          - type: pass
            name: pass1
      - condition: $.status == "failed"
        # choice with goto
        goto: final
    default:
      # choice with both steps and goto
      steps:
        - type: pass
          name: pass2
      goto: final
  - type: pass
    name: pass3
  - type: pass
    name: final
"""


@pytest.mark.parametrize(("status", "path"), [
    ("ready", ["pass1", "pass3", "final"]),
    ("failed", ["final"]),
    ("unknown", ["pass2", "final"]),
])
def test_fdl_choice_steps(status: str, path: list[str]) -> None:
    """choice-steps (https://www.alibabacloud.com/help/zh/doc-detail/122497.htm): ready runs pass1, pass3
    and final; failed jumps to final; anything else runs the default, pass2, then jumps to final."""
    result = run(CHOICE_STEPS, {"status": status})
    assert entered(result, "pass1", "pass2", "pass3", "final") == path


SUCCEED_STEPS = """
version: v1
type: flow
steps:
  - type: choice
    name: mychoice
    choices:
      - condition: $.status == "ready"
        # choice with steps
        steps:
          - type: pass
            name: pass1
      - condition: $.status == "failed"
        # choice with goto
        goto: handle_failure
    default:
      # choice with both steps and goto
      steps:
        - type: pass
          name: pass2
      goto: handle_failure
  - type: succeed
    name: final
  - type: pass
    name: handle_failure
"""


@pytest.mark.parametrize(("data", "path"), [
    ({"status": "ready"}, ["pass1", "final"]),
    ({"status": "failed"}, ["handle_failure"]),
    ({}, ["pass2", "handle_failure"]),
])
def test_fdl_succeed_step_ends_early(data: dict[str, Any], path: list[str]) -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/succeed-steps:
    after the succeed step final, handle_failure is not executed."""
    result = run(SUCCEED_STEPS, data)
    assert (result.status, entered(result, "pass1", "pass2", "final", "handle_failure")) == ("SUCCEEDED", path)


FAIL_STEPS = """
version: v1
type: flow
steps:
  - type: choice
    name: mychoice
    choices:
      - condition: $.status == "ready"
        # choice with steps
        steps:
          - type: pass
            name: pass1
        goto: final
      - condition: $.status == "failed"
        goto: handle_failure
    default:
      # no need to use goto
      steps:
        - type: pass
          name: pass2
  - type: fail
    name: handle_failure
    error: StatusIsNotReady
    cause: status is not ready
  - type: pass
    name: final
"""


@pytest.mark.parametrize(("data", "status", "path"), [
    ({"status": "ready"}, "SUCCEEDED", ["pass1", "final"]),
    ({"status": "failed"}, "FAILED", ["handle_failure"]),
    ({}, "FAILED", ["pass2", "handle_failure"]),
])
def test_fdl_fail_step_fails_the_flow(data: dict[str, Any], status: str, path: list[str]) -> None:
    """https://www.alibabacloud.com/help/en/serverless-workflow/latest/fail-steps:
    the fail step handle_failure fails the flow (StatusIsNotReady); final is not executed."""
    result = run(FAIL_STEPS, data)
    assert (result.status, entered(result, "pass1", "pass2", "handle_failure", "final")) == (status, path)
    if status == "FAILED":
        assert (result.error, result.cause) == ("StatusIsNotReady", "status is not ready")


def test_fdl_parallel_step() -> None:
    """parallel-steps (https://help.aliyun.com/document_detail/122498.html): pass1 outputs
    {"result": "pass1"}, pass2 {"result": "pass2"}, myparallel {"result": ["pass1", "pass2"]}."""
    definition = """
version: v1
type: flow
steps:
  - type: parallel
    name: myparallel
    branches:
      - steps:
        - type: pass
          name: pass1
          outputMappings:
            - target: result
              source: pass1
      - steps:
        - type: pass
          name: pass2
          outputMappings:
            - target: result
              source: pass2
    outputMappings:
      - target: result
        source: $local[*].result
"""
    assert run(definition, {}).output == {"result": ["pass1", "pass2"]}


def test_fdl_foreach_step() -> None:
    """foreach-steps (https://help.aliyun.com/document_detail/122499.html): each iteration's input is
    the step's input with the element under item's name; $local[*].name collects the results."""
    definition = """
version: v1
type: flow
steps:
  - type: foreach
    name: myforeach
    iterationMapping:
      collection: $.names
      item: name
    steps:
      - type: task
        name: toUpperCase
        resourceArn: acs:fc:cn-hangzhou:123456789012:services/fnf_test/functions/toUpperCase
    outputMappings:
      - target: names
        source: $local[*].name
"""

    def to_upper_case(call: InvokeTask) -> TaskReturned:
        return invoked({"name": call.parameters["Payload"]["name"].upper()})

    tasks = ScriptedTasks({"toUpperCase": [to_upper_case]})
    result = run(definition, {"names": ["a", "b", "c"]}, tasks)
    assert sorted(call.parameters["Payload"]["name"] for call in tasks.calls) == ["a", "b", "c"]
    assert all(call.parameters["Payload"]["names"] == ["a", "b", "c"] for call in tasks.calls)
    assert result.output == {"names": ["A", "B", "C"]}


def test_fdl_task_retry_intervals() -> None:
    """error-handling for task steps (https://help.aliyun.com/en/document_detail/214310.html): with
    intervalSeconds 10 and multiplier 2, the second retry runs after 20 seconds, the third after 40."""
    definition = """
version: v1
type: flow
steps:
  - type: task
    name: hello
    resourceArn: acs:fc:cn-hangzhou:123456789012:services/fnf_test/functions/hello
    retry:
      - errors:
          - FnF.ALL
        intervalSeconds: 10
        maxIntervalSeconds: 300
        maxAttempts: 3
        multiplier: 2
"""
    tasks = ScriptedTasks({"hello": [TaskThrew("FC.Unknown"), TaskThrew("FC.Unknown"), TaskThrew("FC.Unknown"),
                                     invoked({"done": True})]})
    result = run(definition, {}, tasks)
    assert waits_ms(result) == [10_000, 20_000, 40_000]
    assert (result.status, result.output) == ("SUCCEEDED", {"done": True})


def test_fdl_task_catch_goto_with_error_mappings() -> None:
    """error-handling for task steps (https://help.aliyun.com/en/document_detail/214310.html): catch
    FnF.ALL goes to final; errorMappings pass $local.cause and $local.error on as errMsg and errCode."""
    definition = """
version: v1
type: flow
steps:
  - type: task
    name: hello
    resourceArn: acs:fc:cn-hangzhou:123456789012:services/fnf_test/functions/hello
    errorMappings:
      - target: errMsg
        source: $local.cause
      - target: errCode
        source: $local.error
    catch:
      - errors:
          - FnF.ALL
        goto: final
  - type: pass
    name: skipped
  - type: pass
    name: final
"""
    tasks = ScriptedTasks({"hello": [TaskThrew("FC.FunctionNotFound", "function not found")]})
    result = run(definition, {}, tasks)
    assert (result.status, result.output) == ("SUCCEEDED", {"errMsg": "function not found",
                                                            "errCode": "FC.FunctionNotFound"})
    assert entered(result, "skipped", "final") == ["final"]


def test_built_in_functions_fdl_object_mappings_are_reported() -> None:
    """built-in-functions (https://help.aliyun.com/en/document_detail/2579872.html) shows
    `"inputMappings": {"greeting.$": "format('Hello, {}', $input.username)"}`: an object, where FDL
    mappings are lists of {target, source} whose sources are paths or constants. It is reported."""
    definition = """
version: v1
type: flow
steps:
  - type: task
    name: greet
    resourceArn: acs:fc:cn-hangzhou:123456789012:services/fnf_test/functions/greet
    inputMappings:
      greeting.$: format('Hello, {}', $input.username)
"""
    assert problems_of(definition) == {"/steps/0/inputMappings": SCHEMA_VALIDATION_FAILED}
