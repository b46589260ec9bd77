"""Legacy FDL flows (`type: flow`), converted and run: FDL's data flow and every step type."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from tests.unit.formats.converted import START_MS, ScriptedTasks, TaskReturned, TaskThrew, convert, invoked, run

FC = "acs:fc:cn-hangzhou:123456789012:services/shop/functions/{}"


def flow(steps: str, extra: str = "") -> str:
    return f"version: v1\ntype: flow\n{extra}steps:\n{steps}\n"


def task(name: str, function: str, extra: str = "", indent: int = 2) -> str:
    lines = ["- type: task", f"  name: {name}", f"  resourceArn: {FC.format(function)}",
             *[f"  {line}" for line in extra.strip("\n").splitlines() if extra.strip()]]
    return "\n".join(" " * indent + line for line in lines)


def echo(call: InvokeTask) -> TaskReturned:
    """A function that returns its event."""
    return invoked(call.parameters["Payload"])


# --- data flow -----------------------------------------------------------------------------------------

def test_outputs_merge_into_the_local_and_the_flows_output_is_the_local() -> None:
    steps = "\n".join([task("first", "f"), task("second", "s")])
    tasks = ScriptedTasks({"first": [invoked({"a": 1, "b": 1})], "second": [invoked({"b": 2, "c": 3})]})
    result = run(flow(steps), {"input": "kept out"}, tasks)
    assert result.output == {"a": 1, "b": 2, "c": 3}  # later keys win; the flow input is not in the output


def test_a_steps_default_input_is_the_input_merged_with_the_local() -> None:
    steps = "\n".join([task("first", "f"), task("second", "s")])
    tasks = ScriptedTasks({"first": [invoked({"x": "from local", "y": 1})], "second": [echo]})
    run(flow(steps), {"x": "from input", "z": 0}, tasks)
    assert tasks.calls[1].parameters["Payload"] == {"x": "from local", "y": 1, "z": 0}


def test_input_mappings_read_the_input_and_the_local_and_take_constants() -> None:
    steps = "\n".join([task("first", "f"), task("second", "s", """
inputMappings:
  - target: orderId
    source: $input.order.id
  - target: total
    source: $local.total
  - target: currency
    source: EUR
  - target: tags
    source: [a, b]""")])
    tasks = ScriptedTasks({"first": [invoked({"total": 9})], "second": [echo]})
    run(flow(steps), {"order": {"id": "o-1"}}, tasks)
    assert tasks.calls[1].parameters["Payload"] == {"orderId": "o-1", "total": 9, "currency": "EUR",
                                                    "tags": ["a", "b"]}


def test_output_mappings_pick_from_the_local_and_the_steps_input() -> None:
    steps = task("price", "p", """
inputMappings:
  - target: sku
    source: $input.sku
outputMappings:
  - target: amount
    source: $local.cents
  - target: sku
    source: $input.sku
  - target: source
    source: catalogue""")
    tasks = ScriptedTasks({"price": [invoked({"cents": 250, "noise": True})]})
    assert run(flow(steps), {"sku": "MUG"}, tasks).output == {"amount": 250, "sku": "MUG", "source": "catalogue"}


def test_flow_input_and_output_mappings() -> None:
    extra = """inputMappings:
  - target: id
    source: $input.request.id
outputMappings:
  - target: result
    source: $local.value
  - target: id
    source: $input.id
"""
    tasks = ScriptedTasks({"work": [echo]})
    result = run(flow(task("work", "w", "outputMappings:\n  - target: value\n    source: $local.id"), extra),
                 {"request": {"id": 7}}, tasks)
    assert tasks.calls[0].parameters["Payload"] == {"id": 7}
    assert result.output == {"result": 7, "id": 7}


# --- pass, wait, succeed, fail --------------------------------------------------------------------------------

def test_pass_steps_output_constants_or_nothing() -> None:
    steps = """  - type: pass
    name: names
    outputMappings:
      - target: names
        source: ["A", "B"]
  - type: pass
    name: placeholder"""
    assert run(flow(steps), {"x": 1}).output == {"names": ["A", "B"]}


@pytest.mark.parametrize(("wait", "data", "seconds"), [
    ("duration: 20", {}, 20),
    ("duration: 172800", {}, 172_800),             # not capped
    ("duration: $.delay", {"delay": 7}, 7),
    ("timestamp: '2023-11-14T22:13:30Z'", {}, 10),  # START_MS is 22:13:20
    ("timestamp: $.until", {"until": "2023-11-14T22:14:20Z"}, 60),
])
def test_wait_steps(wait: str, data: dict[str, Any], seconds: int) -> None:
    result = run(flow(f"  - type: wait\n    name: pause\n    {wait}"), data)
    assert result.ended_ms - START_MS == seconds * 1000
    assert result.output == {}  # a wait step outputs nothing


def test_succeed_ends_the_flow_early_and_fail_fails_it() -> None:
    steps = "\n".join(["""  - type: choice
    name: skip
    choices:
      - condition: $.work == true
        goto: work""", "  - type: succeed\n    name: stop", task("work", "w")])
    tasks = ScriptedTasks({"work": [invoked({"worked": True})]})
    assert run(flow(steps), {"work": False}, tasks).output == {}
    assert tasks.calls == []
    assert run(flow(steps), {"work": True}, tasks).output == {"worked": True}
    failed = run(flow("  - type: fail\n    name: stop\n    error: Bad.Thing\n    cause: it broke"))
    assert (failed.status, failed.error, failed.cause) == ("FAILED", "Bad.Thing", "it broke")


# --- choice ----------------------------------------------------------------------------------------------

CHOICE = """  - type: choice
    name: route
    choices:
      - condition: $.status == "ready"
        steps:
          - type: pass
            name: readyStep
            outputMappings:
              - target: route
                source: ready
        goto: final
      - condition: $.status == "failed"
        goto: broken
    default:
      steps:
        - type: pass
          name: otherStep
          outputMappings:
            - target: route
              source: other
  - type: pass
    name: afterChoice
    outputMappings:
      - target: after
        source: true
    end: true
  - type: fail
    name: broken
    error: Status.Failed
  - type: pass
    name: final
    outputMappings:
      - target: final
        source: true"""


@pytest.mark.parametrize(("status", "outcome"), [
    ("ready", ("SUCCEEDED", {"route": "ready", "final": True})),       # steps, then goto
    ("draft", ("SUCCEEDED", {"route": "other", "after": True})),       # default, then the next step
])
def test_choice_runs_the_matching_steps_then_goes_to_goto_or_the_next_step(status: str,
                                                                           outcome: tuple[str, Any]) -> None:
    result = run(flow(CHOICE), {"status": status})
    assert (result.status, result.output) == outcome


def test_choice_goto_without_steps() -> None:
    result = run(flow(CHOICE), {"status": "failed"})
    assert (result.status, result.error) == ("FAILED", "Status.Failed")


def test_choice_without_default_just_ends_when_nothing_matches() -> None:
    steps = """  - type: choice
    name: route
    choices:
      - condition: $.n > 1
        goto: big
  - type: pass
    name: small
    outputMappings:
      - target: size
        source: small
    end: true
  - type: pass
    name: big
    outputMappings:
      - target: size
        source: big"""
    assert run(flow(steps), {"n": 0}).output == {"size": "small"}
    assert run(flow(steps), {"n": 5}).output == {"size": "big"}


def test_choice_branch_has_its_own_input_and_local_and_its_output_mappings() -> None:
    steps = """  - type: choice
    name: route
    inputMappings:
      - target: level
        source: $input.customer.level
    choices:
      - condition: $.level == "gold"
        steps:
          - type: task
            name: discount
            resourceArn: acs:fc:cn-hangzhou:1:functions/discount
    outputMappings:
      - target: percent
        source: $local.percent
      - target: level
        source: $input.level"""
    tasks = ScriptedTasks({"discount": [invoked({"percent": 15, "extra": 1})]})
    result = run(flow(steps), {"customer": {"level": "gold"}}, tasks)
    assert tasks.calls[0].parameters["Payload"] == {"level": "gold"}  # the branch's input is the choice's
    assert result.output == {"percent": 15, "level": "gold"}


def test_succeed_inside_a_choice_branch_ends_the_flow_with_what_was_merged_so_far() -> None:
    steps = """  - type: choice
    name: outer
    choices:
      - condition: $.go == true
        steps:
          - type: pass
            name: mark
            outputMappings:
              - target: marked
                source: true
          - type: choice
            name: inner
            choices:
              - condition: $.go == true
                steps:
                  - type: succeed
                    name: done
  - type: pass
    name: never
    outputMappings:
      - target: never
        source: true"""
    assert run(flow(steps), {"go": True}).output == {"marked": True}
    assert run(flow(steps), {"go": False}).output == {"never": True}


# --- parallel and foreach ----------------------------------------------------------------------------------

def test_parallel_branches_get_the_steps_input_and_output_only_through_mappings() -> None:
    steps = f"""  - type: parallel
    name: both
    branches:
      - steps:
{task("left", "l", indent=10)}
      - steps:
{task("right", "r", indent=10)}
    outputMappings:
      - target: results
        source: $local
      - target: first
        source: $local[0].side
  - type: parallel
    name: ignored
    branches:
      - steps:
          - type: pass
            name: nothing"""
    tasks = ScriptedTasks({"left": [invoked({"side": "L"})], "right": [invoked({"side": "R"})]})
    result = run(flow(steps), {"q": 1}, tasks)
    assert [c.parameters["Payload"] for c in tasks.calls] == [{"q": 1}, {"q": 1}]
    assert result.output == {"results": [{"side": "L"}, {"side": "R"}], "first": "L"}


def test_foreach_merges_item_and_index_into_each_iterations_input() -> None:
    steps = f"""  - type: foreach
    name: each
    iterationMapping:
      collection: $.names
      item: name
      index: position
    steps:
{task("upper", "u", indent=6)}
    outputMappings:
      - target: names
        source: $local[*].name"""

    def upper(call: InvokeTask) -> TaskReturned:
        event = call.parameters["Payload"]
        return invoked({"name": f"{event['name'].upper()}{event['position']}"})

    tasks = ScriptedTasks({"upper": [upper]})
    result = run(flow(steps), {"names": ["a", "b"], "other": 1}, tasks)
    assert tasks.calls[0].parameters["Payload"] == {"names": ["a", "b"], "other": 1, "name": "a", "position": 0}
    assert result.output == {"names": ["A0", "B1"]}
    assert convert(flow(steps))["States"]["each"]["MaxConcurrency"] == 100


# --- tasks: patterns, retry, catch ----------------------------------------------------------------------------

def test_task_resource_and_function_name() -> None:
    state = convert(flow(task("hello", "hello", "timeoutSeconds: 30")))["States"]["hello"]
    assert (state["Resource"], state["Parameters"]["FunctionName"], state["TimeoutSeconds"]) == \
        ("arn:aws:states:::lambda:invoke", "hello", 30)


def test_wait_for_callback_takes_the_task_token_from_the_context() -> None:
    steps = task("approve", "a", """
pattern: waitForCallback
inputMappings:
  - target: token
    source: $context.task.token""")
    state = convert(flow(steps))["States"]["approve"]
    assert state["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"

    def callback(call: InvokeTask) -> TaskReturned:
        return TaskReturned({"approved": call.parameters["Payload"]["token"] == call.token})

    tasks = ScriptedTasks({"approve": [callback]})
    assert run(flow(steps), {}, tasks).output == {"approved": True}  # the callback's output is the local


RETRY = task("flaky", "f", """
retry:
  - errors: [FC.ResourceThrottled]
    intervalSeconds: 2
    maxAttempts: 3
  - errors: [Slow]
    intervalSeconds: 1
    maxAttempts: 3
    multiplier: 3
    maxIntervalSeconds: 5""")


@pytest.mark.parametrize(("error", "waited"), [("FC.ResourceThrottled", 2 + 4 + 8), ("Slow", 1 + 3 + 5)])
def test_retry_multiplier_defaults_to_two_and_max_interval_caps_it(error: str, waited: int) -> None:
    tasks = ScriptedTasks({"flaky": [TaskThrew(error)] * 3 + [invoked({})]})
    result = run(flow(RETRY), {}, tasks)
    assert (result.status, result.ended_ms - START_MS) == ("SUCCEEDED", waited * 1000)


CATCH = "\n".join([task("risky", "r", """
catch:
  - errors: [Known.Problem]
    goto: recover
  - errors: [FnF.ALL]
    goto: giveUp
errorMappings:
  - target: errorName
    source: $local.error
  - target: why
    source: $local.cause"""), "  - type: succeed\n    name: ok", """  - type: pass
    name: recover
    outputMappings:
      - target: recovered
        source: true
    end: true
  - type: fail
    name: giveUp
    error: Gave.Up"""])


def test_catch_goes_to_the_goto_step_with_the_error_mapped_into_the_local() -> None:
    tasks = ScriptedTasks({"risky": [TaskThrew("Known.Problem", "details")]})
    result = run(flow(CATCH), {}, tasks)
    assert (result.status, result.output) == ("SUCCEEDED", {"errorName": "Known.Problem", "why": "details",
                                                            "recovered": True})


def test_fnf_all_catches_every_other_error() -> None:
    result = run(flow(CATCH), {}, ScriptedTasks({"risky": [TaskThrew("Anything")]}))
    assert (result.status, result.error) == ("FAILED", "Gave.Up")


def test_catch_without_error_mappings_keeps_the_local_as_it_was() -> None:
    steps = "\n".join([task("first", "f"), task("risky", "r", """
catch:
  - errors: [FnF.ALL]
    goto: after"""), "  - type: pass\n    name: after"])
    tasks = ScriptedTasks({"first": [invoked({"kept": 1})], "risky": [TaskThrew("Boom")]})
    assert run(flow(steps), {}, tasks).output == {"kept": 1}
