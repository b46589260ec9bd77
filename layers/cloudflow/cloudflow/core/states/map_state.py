"""Map: one child frame per item (or batch), at most MaxConcurrency running at once."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import MapState
from cloudflow.core.dataflow.input_output import select_path
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonata_expr import expression_body, result_type_error
from cloudflow.core.dataflow.number_path import expression_number, number_at_path
from cloudflow.core.dataflow.payload_template import compile_template, render
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail
from cloudflow.core.machine_index import child_pointer
from cloudflow.core.snapshot import Frame, FramePhase, Join
from cloudflow.core.states.carry_over import carried_result, resume_carried
from cloudflow.core.states.fan_out_mode import runs_inline
from cloudflow.core.states.join import child_spec, children_finished, fan_out, start_child
from cloudflow.core.states.results import finish_with_result
from cloudflow.core.step_run import StepRun


def _path_number(run: StepRun, frame: Frame, data: Any, field: str, path: str, kind: type) -> Any:
    return number_at_path(run.scope(frame, data), field, path, "integer" if kind is int else "float")


def _fixed(run: StepRun, frame: Frame, field: str, value: Any, label: str) -> Any:
    """MaxConcurrency / ToleratedFailure* as written: a number, or (JSONata) an expression yielding one."""
    if not isinstance(value, str):
        return value
    return expression_number(run.field(frame, field, value), field, label)


def _limits(run: StepRun, frame: Frame, state: MapState, data: Any) -> tuple[int, int | None, float | None]:
    window = _fixed(run, frame, "MaxConcurrency", state.max_concurrency, "integer")
    if state.max_concurrency_path is not None:
        window = _path_number(run, frame, data, "MaxConcurrencyPath", state.max_concurrency_path, int)
    count = _fixed(run, frame, "ToleratedFailureCount", state.tolerated_failure_count, "integer")
    if state.tolerated_failure_count_path is not None:
        count = _path_number(run, frame, data, "ToleratedFailureCountPath", state.tolerated_failure_count_path, int)
    share = _fixed(run, frame, "ToleratedFailurePercentage", state.tolerated_failure_percentage, "float")
    if state.tolerated_failure_percentage_path is not None:
        share = _path_number(run, frame, data, "ToleratedFailurePercentagePath",
                             state.tolerated_failure_percentage_path, float)
    if count is not None and count < 0:
        raise fail(StatesError.RUNTIME, "ToleratedFailureCount cannot be negative.")
    if share is not None and not 0 <= share <= 100:
        raise fail(StatesError.RUNTIME, "ToleratedFailurePercentage must be between 0 and 100.")
    return window, count, share


def _items(run: StepRun, frame: Frame, state: MapState, data: Any) -> list[Any]:
    if run.jsonata(state):
        items = data if state.items is None else run.field(frame, "Items", state.items)
        if not isinstance(items, list):
            raise result_type_error(expression_body(state.items) if isinstance(state.items, str) else "$states.input",
                                    "Items", "array", items)
        return items
    if state.items is not None:
        items = state.items
    else:
        items = select_path(state.items_path, run.scope(frame, data))
    if not isinstance(items, list):
        raise fail(StatesError.RUNTIME,
                   f"Map state input must be an array, got {to_json_text(items)} from ItemsPath '{state.items_path}'")
    return items


def _select_items(run: StepRun, frame: Frame, state: MapState, data: Any, items: list[Any]) -> list[Any]:
    if state.item_selector is None:
        return list(items)  # the join clears started entries: never alias the input's array
    selected = []
    if run.jsonata(state):
        for index, item in enumerate(items):
            context = run.context(frame)
            context["Map"] = {"Item": {"Index": index, "Value": item}}
            selected.append(run.field(frame, "ItemSelector", state.item_selector, context=context))
        return selected
    template = run.compiled(state, "ItemSelector", lambda: compile_template(state.item_selector))
    for index, item in enumerate(items):
        context = run.context(frame)
        context["Map"] = {"Item": {"Index": index, "Value": item}}
        selected.append(render(template, Scope(data, context, run.draws, frame.variables)))
    return selected


def _batch(run: StepRun, frame: Frame, state: MapState, data: Any, items: list[Any]) -> list[Any]:
    batcher = state.item_batcher
    if batcher is None:
        return items
    size = batcher.max_items_per_batch
    if batcher.max_items_per_batch_path is not None:
        size = _path_number(run, frame, data, "MaxItemsPerBatchPath", batcher.max_items_per_batch_path, int)
    max_bytes = batcher.max_input_bytes_per_batch
    if batcher.max_input_bytes_per_batch_path is not None:
        max_bytes = _path_number(run, frame, data, "MaxInputBytesPerBatchPath",
                                 batcher.max_input_bytes_per_batch_path, int)
    batch_input: Any = None
    if batcher.batch_input is not None:
        template = run.compiled(batcher, "BatchInput", lambda: compile_template(batcher.batch_input))
        batch_input = render(template, run.scope(frame, data))
    batches: list[list[Any]] = []
    current: list[Any] = []
    for item in items:
        candidate = [*current, item]
        too_many = size is not None and len(candidate) > size
        too_big = max_bytes is not None and current and len(to_json_text(candidate).encode()) > max_bytes
        if current and (too_many or too_big):
            batches.append(current)
            candidate = [item]
        current = candidate
    if current:
        batches.append(current)
    out: list[Any] = []
    for batch in batches:
        entry: dict[str, Any] = {"Items": batch}
        if batch_input is not None:
            entry["BatchInput"] = batch_input
        out.append(entry)
    return out


def run_map(run: StepRun, frame: Frame, state: MapState) -> None:
    """InputPath -> ItemsPath -> ItemSelector -> ItemBatcher (JSONata: Items), then iterate in child frames."""
    effective = frame.state_input if run.jsonata(state) else run.effective_input(frame, state)
    window, count, share = _limits(run, frame, state, effective)
    items = _items(run, frame, state, effective)
    child_inputs = _batch(run, frame, state, effective, _select_items(run, frame, state, effective, items))
    run.record(frame, "MapStateStarted", {"length": len(child_inputs)})
    if not child_inputs:
        run.record(frame, "MapStateSucceeded")
        finish_with_result(run, frame, state, [])
        return
    if not runs_inline(run, frame, len(child_inputs),
                       lambda: sum(len(to_json_text(item).encode()) for item in child_inputs)):
        pointer = child_pointer(frame.machine_path, frame.state_name, "ItemProcessor")
        start_at = state.item_processor.start_at
        join = Join(kind="map", total=len(child_inputs), window=window, tolerated_count=count,
                    tolerated_percentage=share, effective_input=effective)
        fan_out(run, frame, join, [child_spec(frame, index, pointer, start_at, item)
                                   for index, item in enumerate(child_inputs)])
        return
    frame.join = Join(kind="map", total=len(child_inputs), window=window, child_inputs=child_inputs,
                      tolerated_count=count, tolerated_percentage=share, effective_input=effective,
                      carry=frame.redrive_children)
    frame.redrive_children = None
    frame.phase = FramePhase.BLOCKED
    first = len(child_inputs) if window <= 0 else min(window, len(child_inputs))
    for _ in range(first):
        start_next_item(run, frame, state)
    join = frame.join
    if join is not None and len(join.results) == join.total:  # a redrive carried every iteration over
        children_finished(run, frame, [join.results[i] for i in range(join.total)])


def start_next_item(run: StepRun, frame: Frame, state: MapState) -> None:
    """Start the next pending iteration (called at the start and as each iteration ends).

    Iterations a redrive carried over count as done without starting, and take no MaxConcurrency slot.
    """
    join = frame.join
    assert join is not None
    while join.started < join.total:
        index = join.started
        join.started += 1
        item, join.child_inputs[index] = join.child_inputs[index], None  # the item now lives in its child
        if carried_result(join, index):
            continue
        run.record(frame, "MapIterationStarted", {"name": frame.state_name, "index": index})
        if not resume_carried(run, frame, index):
            pointer = child_pointer(frame.machine_path, frame.state_name, "ItemProcessor")
            start_child(run, frame, index, pointer, state.item_processor.start_at, item)
        return
