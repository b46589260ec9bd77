"""Each CloudFlow (current format) state type -> the ASL states that do the same.

Every translator appends to the state's Chain (helper states for InputConstructor and
OutputConstructor come before and after it) and says how the chain ends: through the state's
Next/End, or by itself (Choice, Succeed, Fail). Pass, Wait, Choice, Succeed and Fail are here, with
what Task, Parallel and Map share (output, Retry, Catch); Task is in cloudflow_v1_task, Parallel and
Map in cloudflow_v1_fan_out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudflow.formats.cloudflow_v1_fan_out import FanOutTranslator
from cloudflow.formats.cloudflow_v1_references import OutputView, References, unchanged
from cloudflow.formats.cloudflow_v1_results import ERROR_KEY, ResultShape, shape_output
from cloudflow.formats.cloudflow_v1_task import TaskTranslator
from cloudflow.formats.conditions import translate_condition
from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import (
    INVALID_EXPRESSION,
    SCHEMA_VALIDATION_FAILED,
    Problems,
    child_pointer,
    field_pointer,
)
from cloudflow.formats.error_names import catches_all, completed_error, error_equals
from cloudflow.formats.expressions import ExpressionSyntaxError, parse_expression
from cloudflow.formats.retry_rules import CURRENT, error_list, translate_retry
from cloudflow.formats.values import (
    CannotTranslate,
    Dynamic,
    template_references,
    translate_expression_text,
    translate_template,
)

TASK_MODES = ("RequestComplete", "WaitForSystemCallback", "WaitForCustomCallback")
_FUNCTION_PARAMETERS = ("resourceArn", "resourceArn.$", "invocationType", "body", "body.$")
_CATCH_FIELDS = ("Errors", "Description", "OutputConstructor", "Next")
_INPUT = References(input="$")

ConvertScope = Callable[[Any, str, str], dict[str, Any]]
"""Converts a nested scope ({StartAt, States}) at a pointer; the last argument names it for messages."""
Target = Callable[[Any, str], str]
"""The ASL name to go to for a CloudFlow state name (reported, at the pointer, when there is none)."""


@dataclass
class StateTranslator:
    conversion: Conversion
    convert_scope: ConvertScope
    target: Target

    @property
    def problems(self) -> Problems:
        return self.conversion.problems

    def translate(self, kind: str, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        """Append the state's ASL states to `chain`; True when the chain ends through Next/End."""
        translators: dict[str, Callable[[str, dict[str, Any], str, Chain], bool]] = {
            "Task": TaskTranslator(self).translate, "Pass": self.pass_state, "Wait": self.wait,
            "Choice": self.choice, "Parallel": FanOutTranslator(self).parallel, "Map": FanOutTranslator(self).map,
            "Succeed": self.succeed, "Fail": self.fail,
        }
        return translators[kind](name, state, pointer, chain)

    # --- Pass, Wait, Succeed, Fail ------------------------------------------------------------------

    def pass_state(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        chain.add(name, self._with_output_constructor({"Type": "Pass"}, state, pointer))
        return True

    def wait(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        core: AslState = {"Type": "Wait"}
        # No 300-second cap: CloudFlow limits waits, ASL (and this runtime) do not.
        seconds = self.conversion.integer(state, "Seconds", pointer, 0)
        if seconds is not None:
            core["Seconds"] = seconds
        elif "Seconds.$" in state:
            path = self.path(state["Seconds.$"], child_pointer(pointer, "Seconds.$"))
            if path is not None:
                core["SecondsPath"] = path
        elif "Seconds" not in state:
            self.problems.missing(pointer, "A Wait state", "Seconds (or Seconds.$)")
        chain.add(name, core)
        if "OutputConstructor" in state:
            # A Wait has no Parameters: a helper Pass builds the output from the Wait's (unchanged) input.
            chain.add(self.conversion.names.helper(name, "OutputConstructor"),
                      self._with_output_constructor({"Type": "Pass"}, state, pointer))
        return True

    def succeed(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        if "OutputConstructor" in state:
            # Ending the scope with a built output: a Pass that ends it does exactly that.
            chain.add(name, {**self._with_output_constructor({"Type": "Pass"}, state, pointer), "End": True})
        else:
            chain.add(name, {"Type": "Succeed"})
        return False

    def fail(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        core: AslState = {"Type": "Fail"}
        for source, target in (("Code", "Error"), ("Detail", "Cause")):
            if isinstance(state.get(source), str):
                core[target] = state[source]
            elif source in state:
                self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, source), f"{source} must be text.")
            if f"{source}.$" in state:
                here = child_pointer(pointer, f"{source}.$")
                value = translate_expression_text(state[f"{source}.$"], _INPUT.resolve, here, self.problems)
                if isinstance(value, Dynamic):
                    core[f"{target}Path"] = value.text
        chain.add(name, core)
        return False

    def _with_output_constructor(self, core: AslState, state: dict[str, Any], pointer: str) -> AslState:
        """A Pass whose Parameters build the OutputConstructor; $Output is the state's (unchanged) input."""
        constructor = state.get("OutputConstructor")
        if constructor is None:
            return core
        here = child_pointer(pointer, "OutputConstructor")
        if not isinstance(constructor, dict):
            self.problems.add(SCHEMA_VALIDATION_FAILED, here, "OutputConstructor must be an object.")
            return core
        references = References(input="$", output=OutputView("$", unchanged))
        return {**core, "Parameters": translate_template(constructor, references.resolve, here, self.problems)}

    # --- Choice ---------------------------------------------------------------------------------------

    def choice(self, name: str, state: dict[str, Any], pointer: str, chain: Chain) -> bool:
        core: AslState = {"Type": "Choice", "Choices": []}
        for field in ("Next", "End"):
            if field in state:
                self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, field),
                                  f"A Choice state takes no {field}: each branch has its own Next, and Default "
                                  "says where to go when no condition holds.")
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, state, "Branches"),
                              "A Choice state needs Branches: an array of {Condition, Next}.")
            branches = []
        for index, branch in enumerate(branches):
            rule = self._choice_branch(branch, child_pointer(pointer, "Branches", index))
            if rule is not None:
                core["Choices"].append(rule)
        if "Default" in state:
            core["Default"] = self.target(state["Default"], child_pointer(pointer, "Default"))
        else:
            self.problems.add(SCHEMA_VALIDATION_FAILED, pointer,
                              "A Choice state needs Default, the state to go to when no branch condition holds "
                              "(CloudFlow requires it).")
        chain.add(name, core)
        return False

    def _choice_branch(self, branch: Any, pointer: str) -> dict[str, Any] | None:
        if not isinstance(branch, dict):
            self.problems.add(SCHEMA_VALIDATION_FAILED, pointer, "A Choice branch must be an object "
                                                                 "{Condition, Next}.")
            return None
        self.conversion.unknown_fields(branch, pointer, ("Condition", "Next", "Description"), "A Choice branch")
        target = self._next(branch, pointer, "A Choice branch")
        condition = branch.get("Condition")
        here = field_pointer(pointer, branch, "Condition")
        if not isinstance(condition, str):
            self.problems.add(SCHEMA_VALIDATION_FAILED, here, "Condition must be an expression such as "
                                                              '$Input.status == "ready".')
            return None
        try:
            rule = translate_condition(parse_expression(condition), _INPUT.resolve)
        except ExpressionSyntaxError as exc:
            self.problems.add(INVALID_EXPRESSION, here, f"Not a CloudFlow condition: {exc}.")
            return None
        except CannotTranslate as exc:
            self.problems.add(exc.code, here, f"{exc.message} (in {condition!r}).")
            return None
        return {**rule, "Next": target}

    # --- shared ---------------------------------------------------------------------------------------

    def finish_fallible(self, name: str, state: dict[str, Any], pointer: str, core: AslState, shape: ResultShape,
                         chain: Chain) -> None:
        """Output, Retry and Catch of a Task, Parallel or Map state."""
        shape_output(self.conversion, state, pointer, core, shape, chain, name)
        if "Retry" in state:
            core["Retry"] = translate_retry(self.conversion, state["Retry"], child_pointer(pointer, "Retry"), CURRENT)
        if "Catch" in state:
            core["Catch"] = self._catchers(name, state["Catch"], child_pointer(pointer, "Catch"), chain)

    def _catchers(self, owner: str, catch: Any, pointer: str, chain: Chain) -> list[dict[str, Any]]:
        """Catch rules. With an OutputConstructor the error goes under a reserved key of the state's input and
        a helper Pass builds the next state's input; without one, the ASL error output {Error, Cause} is it."""
        if not isinstance(catch, list):
            self.problems.add(SCHEMA_VALIDATION_FAILED, pointer, "Catch must be an array of rules.")
            return []
        catchers: list[dict[str, Any]] = []
        for index, rule in enumerate(catch):
            here = child_pointer(pointer, index)
            if not isinstance(rule, dict):
                self.problems.add(SCHEMA_VALIDATION_FAILED, here, "A Catch rule must be an object.")
                continue
            self.conversion.unknown_fields(rule, here, _CATCH_FIELDS, "A Catch rule")
            errors = error_list(self.conversion, rule, here)
            target = self._next(rule, here, "A Catch rule")
            catcher: dict[str, Any] = {"ErrorEquals": error_equals(errors)}
            if isinstance(rule.get("OutputConstructor"), dict):
                constructor = rule["OutputConstructor"]
                helper = self.conversion.names.helper(owner, f"Catch {index}")
                error = f"$.{ERROR_KEY}"
                if any(r.root == "$Context" and r.startswith("Current", "Error") for r in
                       template_references(constructor)):
                    completing = self.conversion.names.helper(owner, f"Catch {index} error")
                    chain.side[completing] = {"Type": "Pass", "Parameters": {"error.$": completed_error(error)},
                                              "ResultPath": error, "Next": helper}
                    catcher["Next"], error = completing, f"{error}.error"
                references = References(input="$", error=error)
                parameters = translate_template(constructor, references.resolve,
                                                child_pointer(here, "OutputConstructor"), self.problems)
                chain.side[helper] = {"Type": "Pass", "Parameters": parameters, "Next": target}
                catcher["ResultPath"] = f"$.{ERROR_KEY}"
                catcher.setdefault("Next", helper)
            else:
                catcher["Next"] = target
            catchers.append(catcher)
            if catches_all(errors):
                break  # later rules can never apply: CloudFlow uses the first matching rule
        return catchers

    def _next(self, rule: dict[str, Any], pointer: str, what: str) -> str:
        """The ASL target of a rule's Next (reported when absent or unknown)."""
        if "Next" not in rule:
            self.problems.missing(pointer, what, "Next")
            return ""
        return self.target(rule["Next"], child_pointer(pointer, "Next"))

    def path(self, text: Any, pointer: str) -> str | None:
        """An expression that must be a plain reference (ItemsPath, Seconds.$, Timeout.$) -> its ASL path."""
        if not isinstance(text, str):
            self.problems.add(SCHEMA_VALIDATION_FAILED, pointer, "This must be an expression such as $Input.field.")
            return None
        value = translate_expression_text(text, _INPUT.resolve, pointer, self.problems)
        if isinstance(value, Dynamic) and value.text.startswith("$"):
            return value.text
        if value is not None:
            self.problems.add(INVALID_EXPRESSION, pointer, f"{text!r} must be a reference such as $Input.field, "
                                                           "not a literal or a function call.")
        return None
