"""FDL choice steps -> a Choice state whose branches run in their own envelope.

A choice step's `choices` each hold a condition, optional `steps` and an optional `goto`; `default`
holds steps and goto too (without one, a choice with no matching condition just ends). The branch
that runs is a nested scope: its input is the choice step's input, its local starts empty and becomes
the choice step's local, which (or what outputMappings build from it) is merged into the enclosing
local before the flow goes on to `goto`, or to the step after the choice. A succeed step inside a
branch leaves every enclosing branch that way, then ends the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudflow.formats.asl_syntax import asl_path
from cloudflow.formats.conditions import translate_condition
from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.expressions import ExpressionSyntaxError, Reference, parse_expression
from cloudflow.formats.fdl_mappings import MappingRefs, mapping_template
from cloudflow.formats.fdl_sequence import STEP_INPUT, Sequence
from cloudflow.formats.values import CannotTranslate

if TYPE_CHECKING:
    from cloudflow.formats.fdl_steps import StepCompiler


@dataclass
class ChoiceCompiler:
    steps: StepCompiler

    @property
    def conversion(self) -> Conversion:
        return self.steps.conversion

    def compile(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        sequence.states[sequence.siblings[name]] = {**self.steps.computed_input(step, pointer), "Next": name}
        core: AslState = {"Type": "Choice", "Choices": []}
        choices = step.get("choices")
        if not isinstance(choices, list) or not choices:
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, step, "choices"),
                                         "A choice step needs choices: an array of {condition, steps, goto}.")
            choices = []
        sequence.states[name] = core
        for index, option in enumerate(choices):
            here = child_pointer(pointer, "choices", index)
            if not isinstance(option, dict):
                self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, "A choice must be an object.")
                continue
            self.conversion.unknown_fields(option, here, ("condition", "steps", "goto"), "A choice")
            rule = self._condition(option.get("condition"), field_pointer(here, option, "condition"))
            entry = self._branch(step, name, pointer, option, here, f"choice {index}", sequence, after)
            if rule is not None:
                core["Choices"].append({**rule, "Next": entry})
        # Without default, a choice step with no matching condition just ends (FDL choice step page).
        default = step.get("default", {})
        here = child_pointer(pointer, "default")
        if isinstance(default, dict):
            self.conversion.unknown_fields(default, here, ("steps", "goto"), "A choice default")
            core["Default"] = self._branch(step, name, pointer, default, here, "default", sequence, after)
        else:
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, "default must be an object {steps, goto}.")
            core["Default"] = after

    def _condition(self, condition: Any, pointer: str) -> dict[str, Any] | None:
        if not isinstance(condition, str):
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer,
                                         'A choice needs condition, such as $.status == "ready".')
            return None

        def resolve(reference: Reference) -> str:
            if reference.root in ("$", "$input"):
                return asl_path(STEP_INPUT, reference.segments)
            raise CannotTranslate(INVALID_EXPRESSION, f"{reference.root} is not available in a condition; "
                                                      "conditions read the step's input ($.key)")

        try:
            return translate_condition(parse_expression(condition), resolve)
        except ExpressionSyntaxError as exc:
            self.conversion.problems.add(INVALID_EXPRESSION, pointer, f"Not a condition: {exc}.")
        except CannotTranslate as exc:
            self.conversion.problems.add(exc.code, pointer, f"{exc.message} (in {condition!r}).")
        return None

    def _branch(self, step: dict[str, Any], name: str, step_pointer: str, option: dict[str, Any], pointer: str,
                label: str, sequence: Sequence, after: str) -> str:
        """A choice's (or the default's) steps in their own envelope; then its output is merged into the
        enclosing local and the flow goes to `goto`, or to the step after the choice."""
        if "goto" in option:
            after = sequence.goto(option["goto"], child_pointer(pointer, "goto"), self.conversion.problems)
        steps = option.get("steps")
        if not steps and "outputMappings" not in step:
            return after  # nothing runs, nothing is merged
        enter = self.conversion.names.helper(name, label)
        leave = self.conversion.names.helper(name, f"{label} end")

        def unwind(owner: str) -> str:
            # A succeed step inside the branch ends the scope: leave each enclosing branch on the way.
            entry = self.conversion.names.helper(owner, f"leave {name}")
            self._leave_branch(step, step_pointer, sequence, entry, sequence.unwind(owner))
            return entry

        inner = Sequence(sequence.states, leave, unwind, sequence.nesting + 1)
        first = self.steps.sequence(steps or [], child_pointer(pointer, "steps"), inner)
        sequence.states[enter] = {"Type": "Pass", "Parameters": {
            "input.$": STEP_INPUT, "local": {}, "outer": sequence.envelope("$.local")}, "Next": first}
        self._leave_branch(step, step_pointer, sequence, leave, after)
        return enter

    def _leave_branch(self, step: dict[str, Any], pointer: str, sequence: Sequence, entry: str, after: str) -> None:
        """States named from `entry` that merge a branch's output into the enclosing envelope."""
        chain = Chain()
        source = "$.local"  # the branch's local is the choice step's local, and its default output
        if "outputMappings" in step:
            refs = MappingRefs(input="$.input", local="$.local")
            template = mapping_template(self.conversion, step["outputMappings"],
                                        child_pointer(pointer, "outputMappings"), refs)
            chain.add(entry, {"Type": "Pass", "Parameters": template, "ResultPath": "$.output"})
            source = "$.output"
        outer: dict[str, Any] = {"input.$": "$.outer.input",
                                 "local.$": f"States.JsonMerge($.outer.local, {source}, false)"}
        if sequence.nesting:
            outer["outer.$"] = "$.outer.outer"
        chain.add(entry if not chain.states else self.conversion.names.helper(entry, "merge"),
                  {"Type": "Pass", "Parameters": outer})
        sequence.states.update(chain.linked({"Next": after}))

