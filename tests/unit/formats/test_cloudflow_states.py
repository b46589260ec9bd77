"""CloudFlow (current format) Pass, Choice, Wait, Parallel, Map, Succeed and Fail states, converted and run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.formats.converted import START_MS, ScriptedTasks, TaskThrew, convert, invoked, run

ARN = "acs:fc:cn-hangzhou:123456789012:functions/{}/LATEST"


def machine(states: str, start: str) -> str:
    return f"""
Type: StateMachine
Name: test
SpecVersion: v1
StartAt: {start}
States:
{states}
"""


def task(name: str, function: str, end: str = "End: true", body: str = "body.$: $Input", indent: int = 2) -> str:
    pad = " " * indent
    return "\n".join(pad + line for line in f"""- Name: {name}
  Type: Task
  Action: FC:InvokeFunction
  Parameters:
    resourceArn: {ARN.format(function)}
    invocationType: Sync
    {body}
  OutputConstructor:
    result.$: $Output.Body
  {end}""".splitlines())


def test_pass_with_constructors_and_a_plain_pass() -> None:
    definition = machine("""
  - Name: Shape
    Type: Pass
    InputConstructor:
      first.$: $Input.items[0]
    OutputConstructor:
      picked.$: $Input.first
      same.$: $Output.first
      when.$: $Context.Execution.Name
    Next: Keep
  - Name: Keep
    Type: Pass
    End: true""", "Shape")
    result = run(definition, {"items": ["a", "b"]})
    assert result.output == {"picked": "a", "same": "a", "when": "test-execution"}


CHOICE = machine("""
  - Name: Route
    Type: Choice
    Branches:
      - Condition: $Input.status == "ready" && $Input.total > 100
        Next: Big
      - Condition: $Input.status == "ready"
        Next: Small
    Default: NotReady
  - Name: Big
    Type: Pass
    OutputConstructor:
      route: big
    End: true
  - Name: Small
    Type: Pass
    OutputConstructor:
      route: small
    End: true
  - Name: NotReady
    Type: Fail
    Code: Order.NotReady
    Detail: The order is not ready.""", "Route")


@pytest.mark.parametrize(("data", "route"), [
    ({"status": "ready", "total": 150}, "big"),
    ({"status": "ready", "total": 50}, "small"),
    ({"status": "ready"}, "small"),  # a missing field makes a condition false, not an error
])
def test_choice_takes_the_first_branch_whose_condition_holds(data: dict[str, Any], route: str) -> None:
    assert run(CHOICE, data).output == {"route": route}


def test_choice_default_and_fail_code_and_detail() -> None:
    result = run(CHOICE, {"status": "draft"})
    assert (result.status, result.error, result.cause) == ("FAILED", "Order.NotReady", "The order is not ready.")


def test_choice_with_an_input_constructor_passes_the_constructed_input_on() -> None:
    definition = machine("""
  - Name: Route
    Type: Choice
    InputConstructor:
      level.$: $Input.customer.level
    Branches:
      - Condition: $Input.level == "gold"
        Next: Gold
    Default: Gold
  - Name: Gold
    Type: Pass
    End: true""", "Route")
    assert run(definition, {"customer": {"level": "gold"}}).output == {"level": "gold"}


def test_wait_seconds_are_not_capped_at_300() -> None:
    definition = machine("""
  - Name: Pause
    Type: Wait
    Seconds: 3600
    OutputConstructor:
      waited: true
    End: true""", "Pause")
    result = run(definition, {"x": 1})
    assert result.ended_ms - START_MS == 3_600_000
    assert result.output == {"waited": True}


def test_wait_seconds_from_the_input() -> None:
    definition = machine("""
  - Name: Pause
    Type: Wait
    Seconds.$: $Input.delay
    End: true""", "Pause")
    assert convert(definition)["States"]["Pause"]["SecondsPath"] == "$.delay"
    result = run(definition, {"delay": 42})
    assert (result.ended_ms - START_MS, result.output) == (42_000, {"delay": 42})


PARALLEL = machine(f"""
  - Name: Both
    Type: Parallel
    Branches:
      - StartAt: Left
        States:
{task("Left", "left", indent=10)}
      - StartAt: Right
        States:
{task("Right", "right", indent=10)}
    OutputConstructor:
      order.$: $Input.order
      left.$: $Output.Branch0.result
      right.$: $Output.Branch1.result.value
    Retry:
      - Errors: [Branch.Flaky]
        MaxAttempts: 1
        IntervalSeconds: 5
    Catch:
      - Errors: [FnF.ALL]
        OutputConstructor:
          failed.$: $Context.Current.Error.Code
        Next: Failed
    End: true
  - Name: Failed
    Type: Pass
    End: true""", "Both")


def test_parallel_output_names_each_branch_branch_index() -> None:
    tasks = ScriptedTasks({"Left": [invoked("L")], "Right": [invoked({"value": "R"})]})
    assert run(PARALLEL, {"order": 7}, tasks).output == {"order": 7, "left": "L", "right": "R"}


def test_parallel_without_output_constructor_outputs_its_branches() -> None:
    definition = machine(f"""
  - Name: Both
    Type: Parallel
    Branches:
      - StartAt: Left
        States:
{task("Left", "left", indent=10)}
      - StartAt: Skip
        States:
          - Name: Skip
            Type: Succeed
    End: true""", "Both")
    result = run(definition, {"n": 1}, ScriptedTasks({"Left": [invoked(1)]}))
    assert result.output == {"Branch0": {"result": 1}, "Branch1": {"n": 1}}


def test_parallel_retry_then_catch() -> None:
    tasks = ScriptedTasks({"Left": [TaskThrew("Branch.Flaky")], "Right": [invoked({"value": "R"})]})
    result = run(PARALLEL, {"order": 7}, tasks)
    assert result.output == {"failed": "Branch.Flaky"}
    assert result.ended_ms - START_MS == 5_000


MAP = machine(f"""
  - Name: EachLine
    Type: Map
    ItemsPath: $Input.lines
    ItemConstructor:
      orderId.$: $Input.orderId
      sku.$: $Item.sku
      fixed: 1
    MaxConcurrency: 2
    Processor:
      StartAt: Price
      States:
{task("Price", "price", indent=8)}
    OutputConstructor:
      orderId.$: $Input.orderId
      prices.$: $Output.Items
      first.$: $Output.Items[0].result
    End: true""", "EachLine")


def test_map_item_constructor_and_items_output() -> None:
    tasks = ScriptedTasks({"Price": [lambda call: invoked(call.parameters["Payload"]["sku"] + "!")]})
    result = run(MAP, {"orderId": "o-1", "lines": [{"sku": "A"}, {"sku": "B"}]}, tasks)
    assert [call.parameters["Payload"] for call in tasks.calls] == [
        {"orderId": "o-1", "sku": "A", "fixed": 1}, {"orderId": "o-1", "sku": "B", "fixed": 1}]
    assert result.output == {"orderId": "o-1", "prices": [{"result": "A!"}, {"result": "B!"}], "first": "A!"}
    state = convert(MAP)["States"]["EachLine"]
    assert (state["MaxConcurrency"], state["ItemProcessor"]["ProcessorConfig"]) == (2, {"Mode": "INLINE"})


def test_map_without_output_constructor_outputs_items() -> None:
    definition = machine("""
  - Name: EachLine
    Type: Map
    ItemsPath: $Input.numbers
    Processor:
      StartAt: Same
      States:
        - Name: Same
          Type: Pass
          End: true
    End: true""", "EachLine")
    assert run(definition, {"numbers": [1, 2]}).output == {"Items": [1, 2]}


def test_distributed_map_runs_with_its_tolerated_failures() -> None:
    definition = machine(f"""
  - Name: EachLine
    Type: Map
    ItemsPath: $Input.lines
    ProcessorConfig:
      ExecutionMode: Express
    ToleratedFailurePercentage: 50
    ItemBatcher:
      MaxItemsPerBatch: 2
    Processor:
      StartAt: Price
      States:
{task("Price", "price", indent=8)}
    End: true""", "EachLine")
    state = convert(definition)["States"]["EachLine"]
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    assert (state["ToleratedFailurePercentage"], state["ItemBatcher"]) == (50, {"MaxItemsPerBatch": 2})
    tasks = ScriptedTasks({"Price": [lambda call: invoked(len(call.parameters["Payload"]["Items"]))]})
    result = run(definition, {"lines": ["a", "b", "c"]}, tasks)
    assert result.output == {"Items": [{"result": 2}, {"result": 1}]}


def test_succeed_with_an_output_constructor_ends_the_scope_with_that_output() -> None:
    definition = machine("""
  - Name: Stop
    Type: Succeed
    OutputConstructor:
      done.$: $Input.id""", "Stop")
    assert run(definition, {"id": 5}).output == {"done": 5}


def test_fail_reads_code_and_detail_from_expressions() -> None:
    definition = machine("""
  - Name: Stop
    Type: Fail
    Code.$: $Input.code
    Detail.$: format("order {} failed", $Input.id)
    End: true""", "Stop")
    result = run(definition, {"code": "Order.Bad", "id": 5})
    assert (result.error, result.cause) == ("Order.Bad", "order 5 failed")


def test_execution_input_is_readable_anywhere_and_states_keep_their_names() -> None:
    first = task("First", "first", end="Next: Second", body="body:\n      original.$: $Context.Execution.Input")
    second = task("Second", "second", body="body:\n      again.$: $Context.Execution.Input.n")
    definition = machine(f"{first}\n{second}", "First")
    tasks = ScriptedTasks({"First": [invoked(1)], "Second": [invoked(2)]})
    result = run(definition, {"n": 3}, tasks)
    assert [c.parameters["Payload"] for c in tasks.calls] == [{"original": {"n": 3}}, {"again": 3}]
    assert [c.state_name for c in tasks.calls] == ["First", "Second"]
    assert result.output == {"result": 2}
