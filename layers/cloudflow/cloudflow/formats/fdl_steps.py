"""FDL steps -> ASL states, keeping FDL's data semantics (see fdl_sequence for the envelope).

This module compiles lists of steps and the simple step types (task, pass, wait, succeed, fail);
choice steps are in fdl_choice, parallel and foreach steps in fdl_fan_out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.formats.actions import (
    LAMBDA_INVOKE,
    LAMBDA_INVOKE_WITH_CALLBACK,
    parse_function_arn,
    unsupported_resource_message,
)
from cloudflow.formats.asl_syntax import asl_path
from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.fdl_choice import ChoiceCompiler
from cloudflow.formats.fdl_error_handling import add_error_handling
from cloudflow.formats.fdl_fan_out import FanOutCompiler
from cloudflow.formats.fdl_mappings import MappingRefs, mapping_reads, mapping_template, source_reference
from cloudflow.formats.fdl_sequence import STEP_INPUT, Sequence

_MERGE_INPUT_AND_LOCAL = "States.JsonMerge($.input, $.local, false)"
_COMMON = ("type", "name", "end", "inputMappings", "outputMappings")
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "task": (*_COMMON, "resourceArn", "pattern", "timeoutSeconds", "retry", "catch", "errorMappings",
             "serviceParams"),
    "pass": _COMMON,
    "wait": (*_COMMON, "duration", "timestamp"),
    "choice": (*_COMMON, "choices", "default"),
    "parallel": (*_COMMON, "branches", "retry", "catch"),
    "foreach": (*_COMMON, "iterationMapping", "steps", "retry", "catch"),
    "succeed": ("type", "name", "inputMappings", "outputMappings"),
    "fail": ("type", "name", "error", "cause", "inputMappings", "outputMappings"),
}
PATTERNS = ("requestResponse", "sync", "waitForCallback")


@dataclass
class StepCompiler:
    conversion: Conversion

    # --- sequences ----------------------------------------------------------------------------------

    def sequence(self, steps: Any, pointer: str, sequence: Sequence) -> str:
        """Compile a list of steps into `sequence.states`; the name of the first state to enter."""
        if not isinstance(steps, list):
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer, "steps must be an array of steps.")
            return sequence.exit
        valid: list[tuple[dict[str, Any], str, str]] = []
        for index, step in enumerate(steps):
            here = child_pointer(pointer, index)
            if not isinstance(step, dict) or not isinstance(step.get("name"), str) or not step["name"]:
                self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, "A step must be an object with a name.")
                continue
            if not isinstance(step.get("type"), str) or step["type"] not in STEP_FIELDS:
                self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(here, step, "type"),
                                             f"type {step.get('type')!r} is not an FDL step type "
                                             f"({', '.join(STEP_FIELDS)}).")
                continue
            self.conversion.unknown_fields(step, here, STEP_FIELDS[step["type"]], f"A {step['type']} step")
            valid.append((step, step["name"], here))
        sequence.siblings = {name: self._entry(step, name) for step, name, _ in valid}
        for index, (step, name, here) in enumerate(valid):
            following = valid[index + 1][1] if index + 1 < len(valid) else None
            after = sequence.siblings[following] if following and step.get("end") is not True else sequence.exit
            self._step(step, name, here, sequence, after)
        return sequence.siblings[valid[0][1]] if valid else sequence.exit

    def _entry(self, step: dict[str, Any], name: str) -> str:
        """The first ASL state of a step: its name, or a helper that first computes the step's input."""
        kind = step["type"]
        if kind in ("choice", "foreach") or (kind in ("task", "wait", "parallel") and self._needs_input(step)):
            return self.conversion.names.helper(name, "input")
        return name

    def _needs_input(self, step: dict[str, Any]) -> bool:
        """Whether the step reads its own input as a value (so it is computed first, at $.step.input)."""
        if mapping_reads(step.get("outputMappings"), "$input"):
            return True
        return any(isinstance(step.get(f), str) and str(step[f]).startswith("$") for f in ("duration", "timestamp"))

    def _step(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        compile_step = {
            "task": self._task, "pass": self._pass, "wait": self._wait, "choice": ChoiceCompiler(self).compile,
            "parallel": FanOutCompiler(self).parallel, "foreach": FanOutCompiler(self).foreach,
            "succeed": self._succeed, "fail": self._fail,
        }[step["type"]]
        compile_step(step, name, pointer, sequence, after)

    # --- the step's input and output -----------------------------------------------------------------

    def input_value(self, step: dict[str, Any], pointer: str, key: str, *, task: bool = False) -> dict[str, Any]:
        """`{key: template}` or `{key.$: merge}`: the step's input built from the sequence's envelope."""
        if "inputMappings" not in step:
            return {f"{key}.$": _MERGE_INPUT_AND_LOCAL}
        refs = MappingRefs(input="$.input", local="$.local", task_token=task)
        return {key: mapping_template(self.conversion, step["inputMappings"], child_pointer(pointer, "inputMappings"),
                                      refs)}

    def computed_input(self, step: dict[str, Any], pointer: str) -> AslState:
        """A Pass that puts the step's input at $.step.input (the envelope stays as it is)."""
        return {"Type": "Pass", "Parameters": self.input_value(step, pointer, "input"), "ResultPath": "$.step"}

    def finish(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, chain: Chain,
                local: str | None, *, merge_local: bool) -> None:
        """Merge the step's output into the sequence's local.

        `local` is where the step's own $local is (None: it has none); without outputMappings the output
        is that local when `merge_local`, else empty (nothing to merge).
        """
        mappings = step.get("outputMappings")
        if mappings is not None:
            here = child_pointer(pointer, "outputMappings")
            if local is None and mapping_reads(mappings, "$local"):
                self.conversion.problems.add(INVALID_EXPRESSION, here,
                                             f"A {step['type']} step has no local data: its $local is empty.")
            refs = MappingRefs(input=STEP_INPUT, local=local)
            output = {"Type": "Pass", "Parameters": mapping_template(self.conversion, mappings, here, refs),
                      "ResultPath": "$.output"}
            chain.add(name if not chain.states else self.conversion.names.helper(name, "output"), output)
            source = "$.output"
        elif merge_local and local is not None:
            source = local
        else:
            return
        chain.add(self.conversion.names.helper(name, "merge"), sequence.merged(source))

    # --- task -----------------------------------------------------------------------------------------

    def _task(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = Chain()
        pattern = step.get("pattern", "requestResponse")
        if pattern not in PATTERNS:
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, "pattern"),
                                         f"pattern {pattern!r} is not one of {', '.join(PATTERNS)}.")
        callback = pattern == "waitForCallback"
        core: AslState = {"Type": "Task", "Resource": LAMBDA_INVOKE_WITH_CALLBACK if callback else LAMBDA_INVOKE}
        parameters: dict[str, Any] = {"FunctionName": self._function_name(step, pointer, core)}
        if "serviceParams" in step:
            self.conversion.problems.unsupported(child_pointer(pointer, "serviceParams"),
                                                 "serviceParams (MNS and sub-flow service parameters) have no "
                                                 "counterpart in CloudFlow's ASL runtime.")
        if sequence.siblings.get(name) != name:
            chain.add(sequence.siblings[name], self.computed_input(step, pointer))
            parameters["Payload.$"] = STEP_INPUT
        else:
            # The step's input is the function's event (FDL task step page).
            parameters.update(self.input_value(step, pointer, "Payload", task=True))
        core["Parameters"] = parameters
        core["ResultPath"] = "$.result"
        seconds = self.conversion.integer(step, "timeoutSeconds", pointer, 1)
        if seconds is not None:
            core["TimeoutSeconds"] = seconds
        add_error_handling(self.conversion, step, name, pointer, sequence, core, chain)
        chain.add(name, core)
        # lambda:invoke answers {"Payload": <function result>}; a callback task's result is what was reported.
        self.finish(step, name, pointer, sequence, chain, "$.result" if callback else "$.result.Payload",
                     merge_local=True)
        sequence.states.update(chain.linked({"Next": after}))

    def _function_name(self, step: dict[str, Any], pointer: str, core: AslState) -> str:
        arn = step.get("resourceArn")
        here = child_pointer(pointer, "resourceArn")
        if not isinstance(arn, str):
            self.conversion.problems.missing(pointer, "A task step", "resourceArn")
            return ""
        function = parse_function_arn(arn)
        if function is None:
            self.conversion.problems.unsupported(here, unsupported_resource_message(arn))
            return ""
        core["Comment"] = f"FDL resourceArn {arn}"
        return function.function_name

    # --- pass, wait, succeed, fail ---------------------------------------------------------------------

    def _pass(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = self._local_free_step(step, name, pointer, sequence)
        sequence.states.update(chain.linked({"Next": after}))

    def _succeed(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = self._local_free_step(step, name, pointer, sequence)
        sequence.states.update(chain.linked({"Next": sequence.unwind(name)}))

    def _local_free_step(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence) -> Chain:
        """A step that produces no data: its output is what outputMappings build, else nothing."""
        chain = Chain()
        if mapping_reads(step.get("outputMappings"), "$input"):
            chain.add(name, self.computed_input(step, pointer))
        self.finish(step, name, pointer, sequence, chain, None, merge_local=False)
        if not chain.states:
            chain.add(name, {"Type": "Pass"})
        return chain

    def _fail(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        core: AslState = {"Type": "Fail"}
        for source, target in (("error", "Error"), ("cause", "Cause")):
            if isinstance(step.get(source), str):
                core[target] = step[source]
            elif source in step:
                self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, source),
                                             f"{source} must be text.")
        sequence.states[name] = core

    def _wait(self, step: dict[str, Any], name: str, pointer: str, sequence: Sequence, after: str) -> None:
        chain = Chain()
        if sequence.siblings.get(name) != name:
            chain.add(sequence.siblings[name], self.computed_input(step, pointer))
        core: AslState = {"Type": "Wait"}
        given = [f for f in ("duration", "timestamp") if f in step]
        if len(given) != 1:
            self.conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer,
                                         "A wait step needs exactly one of duration (seconds) or timestamp (RFC 3339).")
        for source, target in (("duration", "Seconds"), ("timestamp", "Timestamp")):
            value = step.get(source)
            if isinstance(value, str) and value.startswith("$"):
                path = self.step_input_path(value, child_pointer(pointer, source))
                if path is not None:
                    core[f"{target}Path"] = path
            elif source == "duration" and source in step:
                # No cap: FDL limits waits to two days, ASL (and this runtime) do not.
                seconds = self.conversion.integer(step, source, pointer, 0)
                if seconds is not None:
                    core[target] = seconds
            elif source in step:
                core[target] = value
        chain.add(name, core)
        self.finish(step, name, pointer, sequence, chain, None, merge_local=False)
        sequence.states.update(chain.linked({"Next": after}))

    def step_input_path(self, text: str, pointer: str) -> str | None:
        """`$.key` (or `$input.key`) in a step field: the step's input, computed at $.step.input."""
        reference = source_reference(self.conversion, text, pointer)
        if reference is None:
            return None
        if reference.root not in ("$", "$input"):
            self.conversion.problems.add(INVALID_EXPRESSION, pointer, f"{text!r} must read the step's input ($.key).")
            return None
        return asl_path(STEP_INPUT, reference.segments)
