"""FDL parallel and foreach steps -> Parallel and Map states whose branches (iterations) are own scopes.

Each branch or iteration starts from an envelope of its own (input: the step's input, local: empty;
a foreach iteration's input also gets the element, and its index, under the iterationMapping keys) and
outputs its local. The step's `$local` is the array of those locals; it outputs nothing unless its
outputMappings say otherwise (`$local[*].name`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.fdl_error_handling import add_error_handling
from cloudflow.formats.fdl_sequence import STEP_INPUT, Sequence

if TYPE_CHECKING:
    from cloudflow.formats.fdl_steps import StepCompiler

# FDL documents that a foreach step runs at most 100 iterations at a time.
FOREACH_CONCURRENCY = 100


@dataclass
class FanOutCompiler:
    steps: StepCompiler

    @property
    def conversion(self) -> Conversion:
        return self.steps.conversion

    def parallel(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = Chain()
        if sequence.siblings.get(name) != name:
            chain.add(sequence.siblings[name], self.steps.computed_input(step, pointer))
            branch_input: dict[str, Any] = {"input.$": STEP_INPUT}
        else:
            branch_input = self.steps.input_value(step, pointer, "input")
        branches = step.get("branches")
        if not isinstance(branches, list) or not branches:
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, step, "branches"),
                                         "A parallel step needs branches: an array of {steps}.")
            branches = []
        core: AslState = {"Type": "Parallel", "Parameters": {**branch_input, "local": {}}, "Branches": [
            self._branch_scope(name, index, branch, child_pointer(pointer, "branches", index))
            for index, branch in enumerate(branches)]}
        self._collecting(step, name, pointer, sequence, core, chain, after)

    def foreach(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = Chain()
        chain.add(sequence.siblings[name], self.steps.computed_input(step, pointer))
        here = field_pointer(pointer, step, "iterationMapping")
        mapping = step.get("iterationMapping")
        if not isinstance(mapping, dict):
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, here,
                                         "A foreach step needs iterationMapping {collection, item, index}.")
            mapping = {}
        self.conversion.unknown_fields(mapping, here, ("collection", "item", "index"), "iterationMapping")
        items_path = None
        if isinstance(mapping.get("collection"), str):
            items_path = self.steps.step_input_path(mapping["collection"], child_pointer(here, "collection"))
        elif mapping:
            self.conversion.problems.missing(here, "iterationMapping", "collection (such as $.names)")
        iteration: dict[str, Any] = {}
        for key, source in (("item", "$$.Map.Item.Value"), ("index", "$$.Map.Item.Index")):
            if isinstance(mapping.get(key), str):
                iteration[f"{mapping[key]}.$"] = source
            elif key == "item" and mapping:
                self.conversion.problems.missing(here, "iterationMapping", "item (the key of the current element)")
        # Each iteration's input is the step's input with the element (and its index) merged in.
        names = self.conversion.names
        processor = self._scope(step.get("steps"), child_pointer(pointer, "steps"), names.helper(name, "iteration"),
                                names.helper(name, "iteration end"), {"Type": "Pass", "Parameters": {
                                    "input.$": "States.JsonMerge($.base, $.iteration, false)", "local": {}}})
        core: AslState = {"Type": "Map", "ItemsPath": items_path or STEP_INPUT,
                          "ItemSelector": {"base.$": STEP_INPUT, "iteration": iteration},
                          "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **processor},
                          "MaxConcurrency": FOREACH_CONCURRENCY}
        self._collecting(step, name, pointer, sequence, core, chain, after)

    def _branch_scope(self, name: str, index: int, branch: Any, pointer: str) -> dict[str, Any]:
        """A parallel branch: it starts from the envelope the Parallel state's Parameters build."""
        if not isinstance(branch, dict):
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer, "A branch must be an object {steps}.")
            branch = {}
        self.conversion.unknown_fields(branch, pointer, ("steps",), "A branch")
        names = self.conversion.names
        return self._scope(branch.get("steps"), child_pointer(pointer, "steps"), names.helper(name, f"branch {index}"),
                           names.helper(name, f"branch {index} end"))

    def _scope(self, steps: Any, pointer: str, start: str, end: str,
               start_state: AslState | None = None) -> dict[str, Any]:
        """A parallel branch or foreach iteration: its own ASL scope whose output is its local."""
        states: dict[str, AslState] = {start: {}}
        first = self.steps.sequence(steps if steps is not None else [], pointer,
                              Sequence(states, end, lambda _owner: end))
        states[start] = {**(start_state or {"Type": "Pass"}), "Next": first}
        states[end] = {"Type": "Pass", "OutputPath": "$.local", "End": True}
        return {"StartAt": start, "States": states}

    def _collecting(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, core: AslState,
                    chain: Chain, after: str) -> None:
        """A parallel or foreach step: its $local is the array of branch (iteration) locals; it outputs
        nothing unless outputMappings say otherwise."""
        core["ResultPath"] = "$.result" if "outputMappings" in step else None
        add_error_handling(self.conversion, step, name, pointer, sequence, core, chain)
        chain.add(name, core)
        self.steps.finish(step, name, pointer, sequence, chain, "$.result", merge_local=False)
        sequence.states.update(chain.linked({"Next": after}))
