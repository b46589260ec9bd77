"""The resolver chain: first answer wins, and a clear States.Runtime failure when nobody answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.resolver_chain import NO_LOCAL_ANSWER_ERROR, ResolverChain
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew


def invoke(
    state: str = "Work", resource: str = "arn:aws:states:::sns:publish", parameters: Any = None
) -> InvokeTask:
    return InvokeTask(
        token="t",
        resource=resource,
        parameters=parameters if parameters is not None else {},
        pattern="request-response",
        state_name=state,
        frame_id="root",
        attempt=0,
        timeout_seconds=None,
        heartbeat_seconds=None,
    )


@dataclass
class Fixed:
    """Answers every task with the same outcome (None: knows nothing) and records what it was asked."""

    outcome: TaskOutcome | None
    asked: list[str] = field(default_factory=list)

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        self.asked.append(invocation.state_name)
        return self.outcome


def test_first_answer_wins_and_later_resolvers_are_not_asked() -> None:
    first, second = Fixed(TaskReturned(1)), Fixed(TaskReturned(2))
    assert ResolverChain([first, second]).resolve(invoke()) == TaskReturned(1)
    assert second.asked == []


def test_none_passes_to_the_next_resolver() -> None:
    first, second = Fixed(None), Fixed(TaskThrew("E", "c"))
    assert ResolverChain([first, second]).resolve(invoke()) == TaskThrew("E", "c")
    assert first.asked == ["Work"]


def test_no_answer_is_an_answer() -> None:
    assert ResolverChain([Fixed(NoAnswer()), Fixed(TaskReturned(2))]).resolve(invoke()) == NoAnswer()


def test_nobody_answers() -> None:
    outcome = ResolverChain([Fixed(None)]).resolve(invoke("Notify"))
    assert outcome == TaskThrew(
        NO_LOCAL_ANSWER_ERROR,
        "No mock response or local handler for resource arn:aws:states:::sns:publish in state 'Notify'",
    )
    assert NO_LOCAL_ANSWER_ERROR == "States.Runtime"


def test_nobody_answers_lambda_invoke_names_the_function() -> None:
    task = invoke("Detect", "arn:aws:states:::lambda:invoke", {"FunctionName": "detect-face", "Payload": {}})
    outcome = ResolverChain([]).resolve(task)
    assert isinstance(outcome, TaskThrew)
    assert outcome.cause == (
        "No mock response or local handler for resource arn:aws:states:::lambda:invoke "
        "(FunctionName detect-face) in state 'Detect'"
    )


def test_mock_config_then_fallback() -> None:
    mock = MockConfig.from_dict(
        {
            "StateMachines": {"Flow": {"TestCases": {"HappyPath": {"Work": "Ok"}}}},
            "MockedResponses": {"Ok": {"0": {"Return": "mocked"}}},
        }
    ).resolver(None, "HappyPath")
    fallback = Fixed(TaskReturned("handled"))
    chain = ResolverChain([mock, fallback])
    assert chain.resolve(invoke("Work")) == TaskReturned("mocked")
    assert chain.resolve(invoke("Other")) == TaskReturned("handled")
    assert fallback.asked == ["Other"]
