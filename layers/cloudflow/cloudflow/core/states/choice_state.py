"""Choice: the first rule that matches names the next state; else Default; else NoChoiceMatched."""

from __future__ import annotations

from cloudflow.asl.model import ChoiceState
from cloudflow.core.choice import ChoiceRule, compile_choice_rule
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail
from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun


def run_choice(run: StepRun, frame: Frame, state: ChoiceState) -> None:
    """Evaluate the rules in order against the effective input; the output is that input."""
    effective = run.effective_input(frame, state)
    rules: tuple[ChoiceRule, ...] = run.compiled(
        state, "Choices", lambda: tuple(compile_choice_rule(rule) for rule in state.choices)
    )
    scope = run.scope(frame, effective)
    target = state.default
    for raw, rule in zip(state.choices, rules, strict=True):
        if rule.evaluate(scope):
            target = raw["Next"]
            break
    if target is None:
        raise fail(StatesError.NO_CHOICE_MATCHED, f"No Choice Rule matched in state '{frame.state_name}'")
    run.exit_state(frame, run.state_output(frame, state, effective), target)
