"""A CloudFlow state's output: its $Output, its OutputConstructor, and Retry rules.

CloudFlow replaces a state's output with its `$Output` (the task result, the branches' outputs, the
items' outputs), or with what its OutputConstructor builds; the input is never merged in, which is
ASL's default `ResultPath: "$"`. Two shapes differ from ASL's raw result and are rebuilt with a
ResultSelector: Function Compute results are `{"Body": <function result>}` (lambda:invoke answers
`{"Payload": ...}`), Parallel results are `{"Branch0": ..., "Branch1": ...}` (ASL: an array) and Map
results are `{"Items": [...]}` (ASL: an array).

An OutputConstructor that reads only `$Output` and `$Context` becomes the ResultSelector itself. One
that also reads `$Input` cannot: ResultSelector sees only the result. Then the task keeps its input
and puts `$Output` under a reserved key (ResultPath), and a helper Pass state builds the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cloudflow.formats.cloudflow_v1_references import Locate, OutputView, References, output_segments, reads_input
from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, SCHEMA_VALIDATION_FAILED, child_pointer
from cloudflow.formats.expressions import Segment
from cloudflow.formats.values import CannotTranslate, template_references, translate_template

# Reserved keys of the state data while a helper state finishes the work (removed by that helper).
OUTPUT_KEY = "__cloudflow_output"
ERROR_KEY = "__cloudflow_error"

_BRANCH_KEY = re.compile(r"^Branch(\d+)$")


@dataclass(frozen=True)
class ResultShape:
    """How a state's raw ASL result relates to CloudFlow's `$Output`."""

    selector: dict[str, Any] | None
    """ResultSelector that builds `$Output` from the raw result; None: the raw result is `$Output`."""
    locate: Locate
    """$Output segments -> raw-result segments (None: only the built whole); raises for absent fields."""


def function_result() -> ResultShape:
    """FC:InvokeFunction: `$Output.Body` is the function's result (lambda:invoke's Payload)."""

    def locate(segments: tuple[Segment, ...]) -> tuple[Segment, ...] | None:
        if not segments:
            return None
        if segments[0] != "Body":
            raise CannotTranslate(INVALID_EXPRESSION, "a Function Compute task's $Output is translated as "
                                                      '{"Body": <the function\'s result>}; only $Output.Body exists')
        return ("Payload", *segments[1:])

    return ResultShape({"Body.$": "$.Payload"}, locate)


def callback_result() -> ResultShape:
    """WaitForCustomCallback: `$Output` is what the callback reported, as is."""
    return ResultShape(None, lambda segments: segments)


def branches_result(count: int) -> ResultShape:
    """Parallel: `$Output.Branch<i>` is branch i's output."""

    def locate(segments: tuple[Segment, ...]) -> tuple[Segment, ...] | None:
        if not segments:
            return None
        found = _BRANCH_KEY.match(str(segments[0]))
        if found is None or int(found.group(1)) >= count:
            raise CannotTranslate(INVALID_EXPRESSION, f"a Parallel state's $Output has Branch0 to Branch{count - 1} "
                                                      f"only, not {segments[0]}")
        return (int(found.group(1)), *segments[1:])

    return ResultShape({f"Branch{i}.$": f"$[{i}]" for i in range(count)}, locate)


def items_result() -> ResultShape:
    """Map: `$Output.Items` is the array of the iterations' outputs."""

    def locate(segments: tuple[Segment, ...]) -> tuple[Segment, ...] | None:
        if not segments:
            return None
        if segments[0] != "Items":
            raise CannotTranslate(INVALID_EXPRESSION, "a Map state's $Output has Items only")
        return segments[1:]

    return ResultShape({"Items.$": "$"}, locate)


def shape_output(conversion: Conversion, state: dict[str, Any], pointer: str, core: AslState, shape: ResultShape,
                 chain: Chain, owner: str) -> None:
    """Give `core` (a Task, Parallel or Map) CloudFlow's output; may add a helper Pass to `chain`."""
    constructor = state.get("OutputConstructor")
    if constructor is None:
        if shape.selector is not None:
            core["ResultSelector"] = shape.selector
        return
    here = child_pointer(pointer, "OutputConstructor")
    if not isinstance(constructor, dict):
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, here, "OutputConstructor must be an object.")
        return
    if _fits_result_selector(constructor, shape):
        direct = References(input=None, output=OutputView("$", shape.locate))
        core["ResultSelector"] = translate_template(constructor, direct.resolve, here, conversion.problems)
        return
    if shape.selector is not None:
        core["ResultSelector"] = shape.selector
    core["ResultPath"] = f"$.{OUTPUT_KEY}"

    def built(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
        shape.locate(segments)  # only to report fields $Output never has
        return segments

    helper = References(input="$", output=OutputView(f"$.{OUTPUT_KEY}", built))
    parameters = translate_template(constructor, helper.resolve, here, conversion.problems)
    chain.add(conversion.names.helper(owner, "OutputConstructor"), {"Type": "Pass", "Parameters": parameters})


def _fits_result_selector(constructor: dict[str, Any], shape: ResultShape) -> bool:
    for reference in template_references(constructor):
        if reads_input(reference):
            return False
        segments = output_segments(reference)
        try:
            if segments is not None and shape.locate(segments) is None:
                return False
        except CannotTranslate:
            continue  # reported when the constructor is translated
    return True


