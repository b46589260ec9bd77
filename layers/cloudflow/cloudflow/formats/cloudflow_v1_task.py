"""CloudFlow Task states (FC:InvokeFunction) -> ASL lambda:invoke tasks.

TaskMode: RequestComplete waits for the function's result (lambda:invoke); WaitForSystemCallback waits
for an asynchronous invocation to finish, which a synchronous invoke gives here too;
WaitForCustomCallback waits for the task token to come back (lambda:invoke.waitForTaskToken), and its
$Output is what the callback reported. Parameters: resourceArn names the function, invocationType Async
becomes InvocationType Event, body is the function's event (Payload). Timeout: seconds, 0 for never.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudflow.formats.actions import (
    FUNCTION_COMPUTE_ACTION,
    LAMBDA_INVOKE,
    LAMBDA_INVOKE_WITH_CALLBACK,
    parse_function_arn,
    unsupported_action_message,
)
from cloudflow.formats.cloudflow_v1_references import References
from cloudflow.formats.cloudflow_v1_results import callback_result, function_result
from cloudflow.formats.conversion import AslState, Chain
from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, Problems, child_pointer, field_pointer
from cloudflow.formats.values import translate_template

if TYPE_CHECKING:
    from cloudflow.formats.cloudflow_v1_states import StateTranslator

TASK_MODES = ("RequestComplete", "WaitForSystemCallback", "WaitForCustomCallback")
_FUNCTION_PARAMETERS = ("resourceArn", "resourceArn.$", "invocationType", "body", "body.$")
_INPUT = References(input="$")


@dataclass
class TaskTranslator:
    states: StateTranslator

    @property
    def problems(self) -> Problems:
        return self.states.problems

    def translate(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        mode = state.get("TaskMode", "RequestComplete")
        if mode not in TASK_MODES:
            self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, "TaskMode"),
                              f"TaskMode {mode!r} is not one of {', '.join(TASK_MODES)}.")
        action = state.get("Action")
        callback = mode == "WaitForCustomCallback"
        core: AslState = {"Type": "Task", "Resource": LAMBDA_INVOKE_WITH_CALLBACK if callback else LAMBDA_INVOKE}
        if action is None:
            self.problems.missing(pointer, "A Task state", "Action")
        elif action != FUNCTION_COMPUTE_ACTION:
            # Its Parameters belong to that service's API: nothing here could check or use them.
            self.problems.unsupported(child_pointer(pointer, "Action"), unsupported_action_message(str(action)))
        else:
            core["Parameters"] = self._function_parameters(state, pointer, core, mode)
        self._timeout(state, pointer, core)
        chain.add(name, core)
        shape = callback_result() if callback else function_result()
        self.states.finish_fallible(name, state, pointer, core, shape, chain)
        return True

    def _function_parameters(self, state: dict[str, Any], pointer: str, core: AslState, mode: str) -> dict[str, Any]:
        """FC:InvokeFunction Parameters (resourceArn, invocationType, body) -> lambda:invoke Parameters."""
        here = child_pointer(pointer, "Parameters")
        parameters = state.get("Parameters")
        if not isinstance(parameters, dict):
            self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, state, "Parameters"),
                              "A Function Compute task needs Parameters with resourceArn (the function's ARN).")
            return {}
        self.states.conversion.unknown_fields(parameters, here, _FUNCTION_PARAMETERS, "FC:InvokeFunction Parameters")
        result: dict[str, Any] = {}
        if isinstance(parameters.get("resourceArn"), str):
            function = parse_function_arn(parameters["resourceArn"])
            if function is None:
                self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(here, "resourceArn"),
                                  "resourceArn must be a Function Compute function ARN "
                                  "(acs:fc:REGION:ACCOUNT:functions/NAME or .../services/S/functions/NAME).")
            else:
                result["FunctionName"] = function.function_name
                core["Comment"] = f"CloudFlow {FUNCTION_COMPUTE_ACTION} {function.arn}"
        elif "resourceArn.$" in parameters:
            # Known only at run time: FunctionName is then the ARN text itself.
            result.update(self._renamed(parameters, "resourceArn", "FunctionName", here))
        else:
            self.problems.missing(here, "FC:InvokeFunction Parameters", "resourceArn")
        invocation = parameters.get("invocationType", "Sync")
        if invocation not in ("Sync", "Async"):
            self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(here, "invocationType"),
                              f"invocationType must be Sync or Async, not {invocation!r}.")
        elif invocation == "Async" and mode != "WaitForSystemCallback":
            # Fire and forget (RequestComplete), or asynchronous until the token comes back (custom callback).
            # WaitForSystemCallback waits for the function's result, which a synchronous invoke gives.
            result["InvocationType"] = "Event"
        result.update(self._renamed(parameters, "body", "Payload", here))
        return result

    def _renamed(self, parameters: dict[str, Any], name: str, asl_name: str, pointer: str) -> dict[str, Any]:
        """Parameter `name` (or `name.$`) translated, under its ASL name; problems point at the original."""
        given = {key: value for key, value in parameters.items() if key in (name, f"{name}.$")}
        translated = translate_template(given, _INPUT.resolve, pointer, self.problems)
        return {asl_name + key[len(name):]: value for key, value in translated.items()}

    def _timeout(self, state: dict[str, Any], pointer: str, core: AslState) -> None:
        """Timeout (seconds as text, 0 = never) -> TimeoutSeconds; Timeout.$ -> TimeoutSecondsPath."""
        seconds = self.states.conversion.integer(state, "Timeout", pointer, 0)
        if seconds:
            core["TimeoutSeconds"] = seconds
        if "Timeout.$" in state:
            path = self.states.path(state["Timeout.$"], child_pointer(pointer, "Timeout.$"))
            if path is not None:
                core["TimeoutSecondsPath"] = path

