"""Step Functions Local mock configuration files (MockConfigFile.json), answering tasks from them.

The format (AWS guide, "Configuration file for mocked service integrations")::

    {"StateMachines":   {SM: {"TestCases": {CASE: {STATE_NAME: MOCKED_RESPONSE_NAME}}}},
     "MockedResponses": {MOCKED_RESPONSE_NAME: {"0": {"Return": ANY_JSON},
                                               "1-2": {"Throw": {"Error": E, "Cause": C}}}}}

Answers follow what Step Functions Local 2.0 does, so a mock file behaves the same in both:

- One invocation counter per state name for the whole execution: every retry, every re-entry
  of the state and every Map iteration or Parallel branch running a state of that name counts.
- An invocation no key covers (past the last key, or in a gap between keys) fails the task with
  `States.Runtime`, which no `States.ALL` Retry or Catch handles: SFN Local fails the execution.
- A state the test case does not name is not mocked: the resolver answers None (not known).
- `Return` is the service's API response. For `arn:aws:states:::lambda:invoke` that is the whole
  Invoke response and becomes the task result as is; for a bare Lambda function ARN Step Functions
  hands over only the function's result, so the task result is the response's `Payload`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.core.error_names import StatesError
from cloudflow.errors import InvalidInputError
from cloudflow.json_types import json_type_phrase
from cloudflow.local.lambda_arns import is_lambda_function_arn
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew

_INVOCATION_KEY = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
_PLAIN_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class MockedAnswer:
    """What invocations `first`..`last` (inclusive, counting from 0) of a mocked state answer."""

    key: str
    first: int
    last: int
    outcome: TaskReturned | TaskThrew


@dataclass(frozen=True)
class MockedResponse:
    """One named entry of `MockedResponses`: answers keyed by invocation number."""

    name: str
    answers: tuple[MockedAnswer, ...]

    def answer_for(self, invocation: int) -> MockedAnswer | None:
        """The answer whose key covers this invocation number, if any."""
        for answer in self.answers:
            if answer.first <= invocation <= answer.last:
                return answer
        return None

    def describe_keys(self) -> str:
        """The keys in invocation order, for messages: `"0", "1-2"`."""
        return ", ".join(json.dumps(answer.key) for answer in self.answers) or "no keys"


@dataclass(frozen=True)
class MockConfig:
    """A parsed, validated mock configuration; `resolver` answers the tasks of one test case."""

    test_cases: Mapping[str, Mapping[str, Mapping[str, str]]]
    """State machine name -> test case name -> state name -> mocked response name."""
    mocked_responses: Mapping[str, MockedResponse]

    @classmethod
    def from_file(cls, path: str | Path) -> MockConfig:
        """Read and validate a MockConfigFile.json; InvalidInputError says what and where."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(str(path), f"cannot read the mock config: {exc.strerror or exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise InvalidInputError(
                str(path), f"the mock config is not valid JSON: {exc.msg} ({where})"
            ) from exc
        try:
            return cls.from_dict(data)
        except InvalidInputError as exc:
            raise InvalidInputError(exc.field, f"{exc.message} (in {path})") from exc

    @classmethod
    def from_dict(cls, data: Any) -> MockConfig:
        """Validate an already decoded mock configuration."""
        root = _expect_object(data, (), "the mock config must be a JSON object")
        _reject_unknown_fields(root, (), ("StateMachines", "MockedResponses"))
        if "StateMachines" not in root:
            raise InvalidInputError(_field_path(()), "missing StateMachines")
        mocked_responses = {
            name: _parse_mocked_response(name, entry)
            for name, entry in _expect_object(
                root.get("MockedResponses", {}), ("MockedResponses",), "must be an object"
            ).items()
        }
        test_cases = _parse_state_machines(root["StateMachines"], mocked_responses)
        return cls(test_cases=test_cases, mocked_responses=mocked_responses)

    def resolver(
        self, state_machine_name: str | None, test_case: str,
        numbering: Callable[[InvokeTask], int] | None = None,
    ) -> MockedTaskResolver:
        """A fresh resolver (fresh counters) for one execution of `test_case`.

        With `state_machine_name` None the config must define exactly one state machine.
        """
        machine = self._pick_state_machine(state_machine_name)
        cases = self.test_cases[machine]
        if test_case not in cases:
            known = ", ".join(sorted(cases)) or "none"
            raise InvalidInputError(
                "test_case", f"unknown test case {test_case!r} for state machine {machine!r}; known: {known}"
            )
        by_state = {state: self.mocked_responses[name] for state, name in cases[test_case].items()}
        return MockedTaskResolver(by_state, numbering=numbering)

    def _pick_state_machine(self, name: str | None) -> str:
        known = ", ".join(sorted(self.test_cases)) or "none"
        if name is None:
            if len(self.test_cases) == 1:
                return next(iter(self.test_cases))
            raise InvalidInputError(
                "state_machine_name",
                f"the mock config defines {len(self.test_cases)} state machines ({known}); name one",
            )
        if name not in self.test_cases:
            raise InvalidInputError("state_machine_name", f"unknown state machine {name!r}; known: {known}")
        return name


@dataclass
class MockedTaskResolver:
    """Answers the tasks of one test case, counting invocations per state name (one per execution).

    Call `resolve` exactly once per InvokeTask: each call of a mocked state consumes an invocation.
    """

    by_state: Mapping[str, MockedResponse]
    invocations: dict[str, int] = field(default_factory=dict)
    """How many times each mocked state has been invoked so far."""
    numbering: Callable[[InvokeTask], int] | None = None
    """Durable runtime: numbers invocations durably (an execution's steps run in many processes)."""

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        """The mocked answer for this invocation, or None when the test case does not mock the state."""
        state = invocation.state_name
        response = self.by_state.get(state)
        if response is None:
            return None
        number = self.numbering(invocation) if self.numbering is not None else self.invocations.get(state, 0)
        self.invocations[state] = number + 1
        answer = response.answer_for(number)
        if answer is None:
            return TaskThrew(
                StatesError.RUNTIME.value,
                f"No mocked response for invocation {number} of state {state!r}: "
                f"mocked response {response.name!r} defines {response.describe_keys()}.",
            )
        if isinstance(answer.outcome, TaskReturned) and is_lambda_function_arn(invocation.resource):
            return _function_result(answer.outcome.output, response.name, answer.key)
        return answer.outcome


def _function_result(invoke_response: Any, response_name: str, key: str) -> TaskOutcome:
    # A bare function ARN hands the state only the function's result, i.e. the Invoke response's Payload.
    if isinstance(invoke_response, dict) and "Payload" in invoke_response:
        return TaskReturned(invoke_response["Payload"])
    # Refuse rather than guess: using the Return as the result would pass here and differ from SFN Local.
    return TaskThrew(
        StatesError.RUNTIME.value,
        f"Mocked response {response_name!r} ({json.dumps(key)}) answers a Lambda function ARN resource, so "
        'its Return must be the Lambda Invoke response, e.g. {"StatusCode": 200, "Payload": ...}.',
    )


# --- parsing ---------------------------------------------------------------------------------------


def _parse_state_machines(
    value: Any, mocked_responses: Mapping[str, MockedResponse]
) -> dict[str, dict[str, dict[str, str]]]:
    machines = _expect_object(value, ("StateMachines",), "must be an object")
    parsed: dict[str, dict[str, dict[str, str]]] = {}
    for machine, body in machines.items():
        where = ("StateMachines", machine)
        machine_body = _expect_object(body, where, 'must be an object with "TestCases"')
        _reject_unknown_fields(machine_body, where, ("TestCases",))
        if "TestCases" not in machine_body:
            raise InvalidInputError(_field_path(where), "missing TestCases")
        cases = _expect_object(machine_body["TestCases"], (*where, "TestCases"), "must be an object")
        parsed[machine] = {
            case: _parse_test_case(states, (*where, "TestCases", case), mocked_responses)
            for case, states in cases.items()
        }
    return parsed


def _parse_test_case(
    value: Any, where: tuple[str, ...], mocked_responses: Mapping[str, MockedResponse]
) -> dict[str, str]:
    states = _expect_object(value, where, "must map state names to mocked response names")
    for state, response_name in states.items():
        if not isinstance(response_name, str):
            raise InvalidInputError(_field_path((*where, state)), "must be the name of a mocked response")
        if response_name not in mocked_responses:
            raise InvalidInputError(
                _field_path((*where, state)),
                f"names mocked response {response_name!r}, which MockedResponses does not define",
            )
    return dict(states)


def _parse_mocked_response(name: str, value: Any) -> MockedResponse:
    where = ("MockedResponses", name)
    entries = _expect_object(value, where, 'must map invocation keys ("0", "1-2") to Return or Throw')
    # An entry without keys is accepted, as SFN Local does: it fails only if a state invokes it.
    answers = sorted(
        (_parse_answer(key, entry, (*where, key)) for key, entry in entries.items()),
        key=lambda answer: answer.first,
    )
    for before, after in itertools.pairwise(answers):
        if after.first <= before.last:
            raise InvalidInputError(
                _field_path((*where, after.key)),
                f"overlaps key {json.dumps(before.key)}: each invocation needs exactly one answer",
            )
    return MockedResponse(name=name, answers=tuple(answers))


def _parse_answer(key: str, value: Any, where: tuple[str, ...]) -> MockedAnswer:
    found = _INVOCATION_KEY.match(key)
    if found is None:
        raise InvalidInputError(
            _field_path(where), 'is not an invocation key: use a number ("0") or an inclusive range ("1-2")'
        )
    first = int(found.group(1))
    last = int(found.group(2)) if found.group(2) is not None else first
    if last < first:
        raise InvalidInputError(_field_path(where), f"range ends ({last}) before it starts ({first})")
    entry = _expect_object(value, where, "needs Return or Throw")
    _reject_unknown_fields(entry, where, ("Return", "Throw"))
    if "Return" in entry and "Throw" in entry:
        raise InvalidInputError(_field_path(where), "has both Return and Throw; give one")
    if "Return" in entry:
        return MockedAnswer(key, first, last, TaskReturned(entry["Return"]))
    if "Throw" in entry:
        return MockedAnswer(key, first, last, _parse_throw(entry["Throw"], (*where, "Throw")))
    raise InvalidInputError(_field_path(where), "needs Return or Throw")


def _parse_throw(value: Any, where: tuple[str, ...]) -> TaskThrew:
    throw = _expect_object(value, where, 'must be an object {"Error": ..., "Cause": ...}')
    _reject_unknown_fields(throw, where, ("Error", "Cause"))
    error = throw.get("Error")
    if not isinstance(error, str) or not error:
        raise InvalidInputError(_field_path((*where, "Error")), "must be a non-empty string")
    cause = throw.get("Cause")
    if cause is not None and not isinstance(cause, str):
        raise InvalidInputError(_field_path((*where, "Cause")), "must be a string")
    return TaskThrew(error, cause)


def _expect_object(value: Any, where: tuple[str, ...], message: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError(_field_path(where), f"{message} (found {json_type_phrase(value)})")
    return value


def _reject_unknown_fields(
    value: Mapping[str, Any], where: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    # Typos such as "MockedResponse" or "Returns" would otherwise be silently ignored.
    for name in value:
        if name not in allowed:
            raise InvalidInputError(
                _field_path((*where, name)), f"unknown field; expected {' or '.join(allowed)}"
            )


def _field_path(segments: tuple[str, ...]) -> str:
    """`MockedResponses.LambdaOK."0"`: plain names bare, anything else JSON-quoted."""
    if not segments:
        return "(mock config)"
    return ".".join(s if _PLAIN_SEGMENT.match(s) else json.dumps(s) for s in segments)
