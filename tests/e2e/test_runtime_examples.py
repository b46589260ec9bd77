"""The durable runtime (handlers on moto, pumped on a virtual clock) ends every example exactly as the
pure engine does: same status, output, error, cause and transition count for the same definition and
the same task answers.

This module also holds the helpers the other `test_runtime_*` modules share (running a flow on the
local runtime and on the pure engine, reading the result back).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cloudflow.adapters import template_resources
from cloudflow.asl.loader import load_state_machine
from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.python_tasks import load_python_tasks
from cloudflow.local.runner import RunResult, execution_info, run_to_end
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskResolver
from cloudflow.runtime.describe import describe_execution, execution_history, unit_keys

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FLOW = "f"
NAME = "n1"
ROOT = "r"
_DAY_MS = 86_400_000

# --- shared helpers ----------------------------------------------------------------------------------

_cached_template_properties = functools.cache(template_resources.template_properties)


def parse_template_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every LocalRuntime parses template.yaml three times (~0.6 s of pure-Python YAML); the template does
    not change during a session, so parse it once."""
    monkeypatch.setattr(template_resources, "template_properties", _cached_template_properties)


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


@dataclass(frozen=True)
class Example:
    """One folder of examples/: its flow (ASL flow.json, or CloudFlow's own format in flow.yaml), input and
    mock config."""

    name: str
    text: str
    input: Any
    mock_config: MockConfig
    is_json: bool

    @property
    def definition(self) -> Any:
        """What a start request carries: the ASL object, or the CloudFlow document's text as written."""
        return json.loads(self.text) if self.is_json else self.text

    def resolver(self, test_case: str) -> TaskResolver:
        """The pure engine's answers for a test case (a fresh invocation counter per run)."""
        return self.mock_config.resolver(self.name, test_case)


def _flow_file(folder: Path) -> Path | None:
    return next((folder / name for name in ("flow.json", "flow.yaml") if (folder / name).is_file()), None)


@functools.cache
def example(name: str) -> Example:
    folder = EXAMPLES / name
    flow = _flow_file(folder)
    assert flow is not None, f"{folder} has no flow.json or flow.yaml"
    return Example(name, flow.read_text(), json.loads((folder / "input.json").read_text()),
                   MockConfig.from_file(folder / "mock-config.json"), flow.suffix == ".json")


def example_cases() -> list[tuple[str, str]]:
    """(example, test case) for every test case of every example's mock config, ASL and CloudFlow formats."""
    cases = []
    # Examples driven by a worker of their own (activity-worker) have no mock config: their tests run them.
    for folder in sorted(p for p in EXAMPLES.iterdir() if _flow_file(p) and (p / "mock-config.json").is_file()):
        config = json.loads((folder / "mock-config.json").read_text())
        cases += [(folder.name, case) for case in config["StateMachines"][folder.name]["TestCases"]]
    return cases


@dataclass
class Run:
    """One execution on the local runtime, pumped to its end, read back as DescribeExecution shows it."""

    lr: Any
    arn: str
    start_ms: int
    report: Any
    described: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.described = describe_execution(self.lr.runtime, self.arn)

    @property
    def status(self) -> str:
        return str(self.described["status"])

    @property
    def output(self) -> Any:
        text = self.described.get("output")
        return None if text is None else json.loads(text)

    @property
    def transitions(self) -> int:
        return int(self.described["transitions"])

    def outcome(self) -> tuple[Any, ...]:
        d = self.described
        return d["status"], self.output, d.get("error"), d.get("cause"), d["transitions"]

    def history(self, unit: str = ROOT) -> list[dict[str, Any]]:
        return execution_history(self.lr.runtime, self.arn, unit)

    def child_units(self) -> list[str]:
        return [unit for unit in unit_keys(self.lr.runtime, self.arn) if unit != ROOT]

    def unit_statuses(self) -> dict[str, str]:
        execution = self.arn.split(":", 6)[-1]
        return {unit.unit: unit.status for unit in self.lr.runtime.store.list_units(execution, "")}

    def usage(self) -> int:
        """What the Usage index metered for this flow, summed over each (virtual) day from the start until now:
        a transition counts on the day it happened, so a month-long Wait splits the count across days."""
        flow = self.arn.split(":")[6]
        days = range(self.start_ms // _DAY_MS, self.lr.clock.now_ms() // _DAY_MS + 1)
        return sum(int(self.lr.runtime.store.usage(flow, iso_from_ms(day * _DAY_MS)[:10])) for day in days)


@dataclass(frozen=True)
class Observed:
    """What a finished run left behind, as plain data (outlives the test's moto)."""

    start_ms: int
    outcome: tuple[Any, ...]
    stop_date: str | None
    history: list[dict[str, Any]]
    units: dict[str, list[dict[str, Any]]]
    statuses: dict[str, str]
    usage: int
    wake_ups: int  # timer-queue and Scheduler fires
    dead_letters: int

    @property
    def output(self) -> Any:
        return self.outcome[1]


def observe(run: Run) -> Observed:
    return Observed(run.start_ms, run.outcome(), run.described.get("stopDate"), run.history(),
                    {unit: run.history(unit) for unit in run.child_units()}, run.unit_statuses(), run.usage(),
                    run.report.timer_fires + run.report.schedule_fires, len(run.lr.dead_letters))


_reference_runs: dict[Any, Observed] = {}


def reference_run(key: Any, make: Callable[[], Run]) -> Observed:
    """The observed result of a deterministic run (virtual clock, seeded secrets), made once per session.

    Several tests compare against the same undisturbed run; making it once keeps the suite fast.
    """
    if key not in _reference_runs:
        _reference_runs[key] = observe(make())
    return _reference_runs[key]


def start(lr: Any, definition: Any, execution_input: Any, *, flow: str = FLOW, name: str = NAME,
          **request: Any) -> str:
    """StartExecution through the start handler; returns the execution ARN."""
    answer = lr.invoke("start", {"flow": flow, "definition": definition, "name": name, "input": execution_input,
                                 **request})
    assert "executionArn" in answer, answer
    return str(answer["executionArn"])


def run_on_runtime(lr: Any, definition: Any, execution_input: Any, **request: Any) -> Run:
    """Start the flow on the local runtime and pump until nothing can happen any more."""
    start_ms = lr.clock.now_ms()
    arn = start(lr, definition, execution_input, **request)
    return Run(lr, arn, start_ms, lr.pump())


def run_on_pure_engine(definition: Any, execution_input: Any, resolver: TaskResolver, start_ms: int, *,
                       flow: str = FLOW, name: str = NAME) -> RunResult:
    """The reference: the pure engine with in-process answers (children run inline, not as units)."""
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return run_to_end(load_state_machine(text), execution_info(flow, name, execution_input, start_ms), resolver)


def pure_outcome(result: RunResult) -> tuple[Any, ...]:
    return (result.status, result.output if result.status == "SUCCEEDED" else None, result.error, result.cause,
            result.transitions)


def event_ids_strictly_increase(events: list[dict[str, Any]]) -> bool:
    ids = [event["id"] for event in events]
    return ids == sorted(set(ids)) and ids[:1] == [1]


class Unanswered:
    """Knows no task: request-response tasks fail with States.Runtime, callbacks wait."""

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        return None


class Callbacks:
    """The worker side of `.waitForTaskToken` tasks: records each token and answers nothing (yet)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.by_state: dict[str, list[str]] = {}

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        if invocation.pattern != "callback":
            return None
        self.tokens.append(invocation.token)
        self.by_state.setdefault(invocation.state_name, []).append(invocation.token)
        return NoAnswer()


CALLBACK = "arn:aws:states:::lambda:invoke.waitForTaskToken"


def callback_task(next_state: str | None = None, **fields: Any) -> dict[str, Any]:
    """A `.waitForTaskToken` Task handing its token to a worker; `fields` adds Timeout, Catch, ResultPath ..."""
    state = {"Type": "Task", "Resource": CALLBACK, **fields,
             "Parameters": {"FunctionName": "worker", "Payload": {"token.$": "$$.Task.Token"}}}
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def send_callback(lr: Any, action: str, token: str, **fields: Any) -> dict[str, Any]:
    """SendTaskSuccess/Failure/Heartbeat through the callback handler; `{}` or an error document."""
    answer: dict[str, Any] = lr.invoke("callback", {"action": action, "taskToken": token, **fields})
    return answer


def run_example(local_runtime: Any, name: str, case: str, **options: Any) -> Run:
    """One example with one of its mock test cases on a fresh local runtime."""
    flow = example(name)
    return run_on_runtime(local_runtime(mock_config=flow.mock_config, **options), flow.definition, flow.input,
                          flow=name, testCase=case)


def example_reference(local_runtime: Any, name: str, case: str) -> Observed:
    """The undisturbed run of an example test case (see reference_run)."""
    return reference_run(("example", name, case), lambda: run_example(local_runtime, name, case))


# --- the examples ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "case"), example_cases())
def test_example_ends_as_the_pure_engine_does(local_runtime: Any, name: str, case: str) -> None:
    flow = example(name)
    run = example_reference(local_runtime, name, case)
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver(case), run.start_ms, flow=name)

    assert run.outcome == pure_outcome(pure)
    assert run.stop_date == iso_from_ms(pure.ended_ms)
    # Retry back-offs are real wake-ups: whenever the pure run's virtual time moved, the runtime's timer fired.
    assert (run.wake_ups > 0) == (pure.ended_ms > pure.started_ms)
    assert event_ids_strictly_increase(run.history)
    assert run.usage == run.outcome[-1]
    assert run.dead_letters == 0


def test_a_month_long_wait_meters_each_transition_on_the_day_it_happened(local_runtime: Any) -> None:
    run = run_example(local_runtime, "invoice-jsonata", "HappyPath")
    flow, store = "invoice-jsonata", run.lr.runtime.store
    stop_ms = run.start_ms + 30 * _DAY_MS
    # Prepare, PriceLines, two PriceLine iterations, NeedsApproval, IssueInvoice, WaitUntilDue; then, 30 days
    # later, CheckPayment, WasItPaid, Paid.
    assert run.transitions == 10
    assert store.usage(flow, iso_from_ms(run.start_ms)[:10]) == 7
    assert store.usage(flow, iso_from_ms(stop_ms)[:10]) == 3
    assert run.described["stopDate"] >= iso_from_ms(stop_ms)


def test_map_example_with_its_python_tasks_ends_as_the_pure_engine_does(local_runtime: Any) -> None:
    flow = example("map-items")
    tasks = load_python_tasks(EXAMPLES / "map-items" / "tasks.py")
    run = run_on_runtime(local_runtime(tasks=tasks), flow.definition, flow.input, flow="map-items")
    pure = run_on_pure_engine(flow.text, flow.input, tasks, run.start_ms, flow="map-items")

    assert run.outcome() == pure_outcome(pure)
    assert run.output["totals"]["totalCents"] == 10680
    assert [line["sku"] for line in run.output["priced"]["lines"]] == ["MUG-BLUE", "TEE-L", "CAP-RED"]


@pytest.mark.parametrize("case", ["ThrottledThenDetected", "DetectionKeepsFailing"])
def test_flow_without_fan_out_records_the_pure_engines_history_event_for_event(local_runtime: Any,
                                                                                case: str) -> None:
    # Given as text, the definition is stored as written: even JSON key order must match.
    flow = example("image-pipeline")
    run = run_on_runtime(local_runtime(mock_config=flow.mock_config), flow.text, flow.input, flow=flow.name,
                         testCase=case)
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver(case), run.start_ms, flow=flow.name)

    def comparable(events: list[dict[str, Any]]) -> list[dict[str, Any]]:  # the role ARN is the host's choice
        return [{k: v for k, v in event.items() if k != "executionStartedEventDetails"} for event in events]

    assert comparable(run.history()) == comparable(pure.history)
    if pure.status == "SUCCEEDED":
        assert run.described["output"] == to_json_text(pure.output)


def test_object_definition_keeps_the_key_order_it_was_written_in(local_runtime: Any) -> None:
    definition = {"StartAt": "Shape", "States": {"Shape": {"Type": "Pass", "Parameters": {"b": 1, "a": 2},
                                                           "End": True}}}
    run = run_on_runtime(local_runtime(), definition, {})
    pure = run_on_pure_engine(definition, {}, Unanswered(), run.start_ms)

    assert run.output == pure.output  # the same JSON value either way ...
    assert run.described["output"] == to_json_text(pure.output) == '{"b":1,"a":2}'  # ... and the same text


def test_max_transitions_fails_the_execution_and_names_the_budget(local_runtime: Any) -> None:
    states = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(6)}
    states["P6"] = {"Type": "Succeed"}
    run = run_on_runtime(local_runtime(), {"StartAt": "P0", "States": states}, {"n": 1}, maxTransitions=3)

    assert run.status == "FAILED"
    assert run.described["error"] == "CloudFlow.MaxTransitionsExceeded"
    assert "budget of 3 state transitions" in run.described["cause"]
    assert run.described["maxTransitions"] == 3
    entered = [e["stateEnteredEventDetails"]["name"] for e in run.history() if e["type"].endswith("StateEntered")]
    assert len(entered) < len(states)  # it stopped early
    assert run.history()[-1]["type"] == "ExecutionFailed"


def test_max_transitions_leaves_a_flow_within_budget_alone(local_runtime: Any) -> None:
    flow = example("order")
    run = run_on_runtime(local_runtime(mock_config=flow.mock_config), flow.definition, flow.input, flow="order",
                         testCase="HappyPath", maxTransitions=6)

    assert (run.status, run.transitions) == ("SUCCEEDED", 6)
