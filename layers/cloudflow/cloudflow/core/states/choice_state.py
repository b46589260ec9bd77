"""Choice: the first rule that matches names the next state; else Default; else NoChoiceMatched.

A matching rule's own Assign (and, in JSONata, Output) is used; the state's apply when Default is taken.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import ChoiceState
from cloudflow.core.choice import ChoiceRule, compile_choice_rule
from cloudflow.core.dataflow.jsonata_expr import expression_body, result_type_error
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail
from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun


def _no_match(frame: Frame) -> Exception:
    return fail(StatesError.NO_CHOICE_MATCHED, f"No Choice Rule matched in state '{frame.state_name}'")


def run_choice(run: StepRun, frame: Frame, state: ChoiceState) -> None:
    """Evaluate the rules in order; the output is the (effective) input, or Output in JSONata."""
    if run.jsonata(state):
        _run_jsonata_choice(run, frame, state)
        return
    effective = run.effective_input(frame, state)
    rules: tuple[ChoiceRule, ...] = run.compiled(
        state, "Choices", lambda: tuple(compile_choice_rule(rule) for rule in state.choices)
    )
    scope = run.scope(frame, effective)
    target, assign = state.default, state.assign
    for raw, rule in zip(state.choices, rules, strict=True):
        if rule.evaluate(scope):
            target, assign = raw["Next"], raw.get("Assign") or {}
            break
    if target is None:
        raise _no_match(frame)
    run.leave_path(frame, state, effective, effective, target, assign)


def _run_jsonata_choice(run: StepRun, frame: Frame, state: ChoiceState) -> None:
    for index, rule in enumerate(state.choices):
        if _holds(run, frame, rule["Condition"], f"Choices/{index}/Condition"):
            output = run.field(frame, "Output", rule["Output"]) if "Output" in rule else frame.state_input
            run.exit_state(frame, output, rule["Next"],
                           run.assignments(frame, rule.get("Assign"), state, None))
            return
    if state.default is None:
        raise _no_match(frame)
    run.leave(frame, state, frame.state_input, state.default)


def _holds(run: StepRun, frame: Frame, condition: Any, field: str) -> bool:
    value = run.field(frame, field, condition)
    if not isinstance(value, bool):
        raise result_type_error(expression_body(condition) if isinstance(condition, str) else str(condition),
                                field, "boolean", value)
    return value
