"""Children of one fan-out each set their own timers (every child unit has a `timer-1`): each wake-up
must reach its own unit, and metering must equal the pure engine's, whichever child kept a record."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import build_state_machine
from cloudflow.local.resolver_chain import ResolverChain
from cloudflow.local.runner import execution_info, run_to_end
from cloudflow.runtime.describe import describe_execution
from tests.e2e.conftest import START_MS

FLOW = {"StartAt": "Each", "States": {"Each": {
    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
    "ItemProcessor": {"StartAt": "Short", "States": {
        "Short": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Nap"}],
                  "Default": "Done"},
        "Nap": {"Type": "Wait", "SecondsPath": "$", "Next": "Done"},
        "Done": {"Type": "Pass", "Parameters": {"slept.$": "$"}, "End": True}}}}}}


def test_every_child_wakes_its_own_unit_and_metering_matches_the_engine(local_runtime: Any) -> None:
    items = [5, 1, 7, 3, 2, 9]
    local = local_runtime()
    answer = local.invoke("start", {"flow": "naps", "definition": FLOW, "name": "n", "input": {"items": items}})
    report = local.pump()
    described = describe_execution(local.runtime, answer["executionArn"])
    pure = run_to_end(build_state_machine(FLOW), execution_info("naps", "n", {"items": items}, START_MS),
                      ResolverChain([]))
    assert described["status"] == "SUCCEEDED", described
    assert described["output"] == '[{"slept":5},{"slept":1},{"slept":7},{"slept":3},{"slept":2},{"slept":9}]'
    assert described["transitions"] == pure.transitions
    assert local.runtime.store.usage("naps", "2023-11-14") == pure.transitions
    assert report.timer_fires == 4  # the four items above 2 slept
