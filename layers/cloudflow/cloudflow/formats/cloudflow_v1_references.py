"""Where CloudFlow's system expressions point in the ASL a state becomes.

`$Input` is the state's input after its InputConstructor, which the conversion always computes first
(in a helper Pass state), so within the state it is the ASL effective input `$`. `$Output` is the task
result, read either straight from the raw result (in ResultSelector) or from where a helper state put
CloudFlow's view of it. `$Context` fields map onto the ASL Context object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cloudflow.formats.asl_syntax import asl_path
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, NO_ASL_COUNTERPART
from cloudflow.formats.expressions import Reference, Segment
from cloudflow.formats.values import CannotTranslate

Locate = Callable[[tuple[Segment, ...]], tuple[Segment, ...] | None]
"""$Output segments -> segments in the raw ASL result; None when only the whole built $Output will do."""

# $Context.Execution.* and $Context.Current.* fields with a fixed ASL Context-object counterpart.
_CONTEXT_FIELDS: dict[tuple[str, str], str] = {
    ("Execution", "Name"): "$$.Execution.Name",
    ("Execution", "RoleArn"): "$$.Execution.RoleArn",
    ("Current", "Name"): "$$.State.Name",
    ("Current", "TaskToken"): "$$.Task.Token",
    ("Current", "RetryCount"): "$$.State.RetryCount",
}
# $Context.Current.Error.Code / .Detail -> fields of the ASL error output {"Error", "Cause"}.
_ERROR_FIELDS = {"Code": "Error", "Detail": "Cause"}


@dataclass(frozen=True)
class OutputView:
    """Where `$Output` is: `base` plus what `locate` makes of the segments."""

    base: str
    locate: Locate


def unchanged(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """The $Output view of a result that is used as it is."""
    return segments


@dataclass(frozen=True)
class References:
    """What each root means where an expression is used; None: not available there."""

    input: str | None = "$"
    output: OutputView | None = None
    item: str | None = None
    error: str | None = None

    def resolve(self, reference: Reference) -> str:
        """The ASL path of a reference; raises CannotTranslate when it has none here."""
        if reference.root == "$Input":
            return self._input(reference.segments)
        if reference.root == "$Output":
            return self._output(reference.segments)
        if reference.root == "$Context":
            return self._context(reference)
        if reference.root == "$Item":
            if self.item is None:
                raise CannotTranslate(INVALID_EXPRESSION, "$Item is only available in a Map's ItemConstructor")
            return asl_path(self.item, reference.segments)
        if reference.root == "$Global":
            raise CannotTranslate(NO_ASL_COUNTERPART, "global variables ($Global) have no counterpart in "
                                                      "CloudFlow's ASL runtime")
        raise CannotTranslate(INVALID_EXPRESSION, f"{reference.root} is not a CloudFlow system expression; use "
                                                  "$Input, $Output, $Context or $Item")

    def _input(self, segments: tuple[Segment, ...]) -> str:
        if self.input is None:
            raise CannotTranslate(INVALID_EXPRESSION, "$Input is not available here")
        return asl_path(self.input, segments)

    def _output(self, segments: tuple[Segment, ...]) -> str:
        if self.output is None:
            raise CannotTranslate(INVALID_EXPRESSION, "$Output is only available in an OutputConstructor")
        located = self.output.locate(segments)
        if located is None:
            raise CannotTranslate(INVALID_EXPRESSION, "the whole $Output is not available here")
        return asl_path(self.output.base, located)

    def _context(self, reference: Reference) -> str:
        segments = reference.segments
        if reference.startswith("Execution", "Input"):
            return asl_path("$$.Execution.Input", segments[2:])
        if reference.startswith("Current", "Input"):
            return self._input(segments[2:])
        if reference.startswith("Current", "Output"):
            return self._output(segments[2:])
        if reference.startswith("Current", "Error") and len(segments) == 3 and segments[2] in _ERROR_FIELDS:
            if self.error is None:
                raise CannotTranslate(INVALID_EXPRESSION, "$Context.Current.Error is only available in a Catch "
                                                          "rule's OutputConstructor")
            return f"{self.error}.{_ERROR_FIELDS[str(segments[2])]}"
        key = (str(segments[0]), str(segments[1])) if len(segments) == 2 else None
        if key in _CONTEXT_FIELDS:
            return _CONTEXT_FIELDS[key]
        raise CannotTranslate(NO_ASL_COUNTERPART, f"{reference} has no counterpart in the ASL Context object")


def reads_input(reference: Reference) -> bool:
    """Whether the reference reads the state's input ($Input or $Context.Current.Input)."""
    return reference.root == "$Input" or (reference.root == "$Context" and reference.startswith("Current", "Input"))


def output_segments(reference: Reference) -> tuple[Segment, ...] | None:
    """The segments after $Output (or $Context.Current.Output); None for other references."""
    if reference.root == "$Output":
        return reference.segments
    if reference.root == "$Context" and reference.startswith("Current", "Output"):
        return reference.segments[2:]
    return None
