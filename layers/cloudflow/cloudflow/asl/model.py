"""The frozen model of a state machine, spelled as the ASL spec spells it (aliases keep ASL names).

Built only from a definition that `cloudflow.asl.validate` accepted, so the model trusts its input.
Expression-bearing fields keep their raw JSON; the core compiles them once and caches the result.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class AslModel(BaseModel):
    """Base of every model node: frozen, built from ASL names, unknown fields ignored (validated before)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class Retrier(AslModel):
    """One entry of a Retry array."""

    error_equals: tuple[str, ...] = Field(alias="ErrorEquals")
    interval_seconds: int = Field(1, alias="IntervalSeconds")
    max_attempts: int = Field(3, alias="MaxAttempts")
    backoff_rate: float = Field(2.0, alias="BackoffRate")
    max_delay_seconds: int | None = Field(None, alias="MaxDelaySeconds")
    jitter_strategy: Literal["FULL", "NONE"] = Field("NONE", alias="JitterStrategy")


class Catcher(AslModel):
    """One entry of a Catch array."""

    error_equals: tuple[str, ...] = Field(alias="ErrorEquals")
    next: str = Field(alias="Next")
    result_path: str | None = Field("$", alias="ResultPath")
    assign: dict[str, Any] | None = Field(None, alias="Assign")
    output: Any = Field(None, alias="Output")
    has_output: bool = False


class StateBase(AslModel):
    """Fields every state may carry."""

    comment: str | None = Field(None, alias="Comment")
    next: str | None = Field(None, alias="Next")
    end: bool = Field(False, alias="End")
    input_path: str | None = Field("$", alias="InputPath")
    output_path: str | None = Field("$", alias="OutputPath")
    query_language: str | None = Field(None, alias="QueryLanguage")
    assign: dict[str, Any] | None = Field(None, alias="Assign")
    output: Any = Field(None, alias="Output")
    has_output: bool = False  # Output given (its value may be null)

    @property
    def is_end(self) -> bool:
        """Whether this state ends its (sub) machine when it completes normally."""
        return self.end or self.next is None


class ResultMixin(AslModel):
    """ResultPath and friends, for the states that produce a result."""

    result_path: str | None = Field("$", alias="ResultPath")
    result_selector: Any = Field(None, alias="ResultSelector")
    parameters: Any = Field(None, alias="Parameters")


class PassState(StateBase):
    """Pass: hands its input, Result or Parameters on."""

    type: Literal["Pass"] = Field(alias="Type")
    result: Any = Field(None, alias="Result")
    has_result: bool = False
    result_path: str | None = Field("$", alias="ResultPath")
    parameters: Any = Field(None, alias="Parameters")


class TaskState(StateBase, ResultMixin):
    """Task: one unit of work done by a resource outside the engine."""

    type: Literal["Task"] = Field(alias="Type")
    resource: str = Field(alias="Resource")
    arguments: Any = Field(None, alias="Arguments")
    # JSONata states may give these as `{% ... %}` expressions.
    timeout_seconds: int | str | None = Field(None, alias="TimeoutSeconds")
    timeout_seconds_path: str | None = Field(None, alias="TimeoutSecondsPath")
    heartbeat_seconds: int | str | None = Field(None, alias="HeartbeatSeconds")
    heartbeat_seconds_path: str | None = Field(None, alias="HeartbeatSecondsPath")
    credentials: Any = Field(None, alias="Credentials")
    retry: tuple[Retrier, ...] = Field((), alias="Retry")
    catch: tuple[Catcher, ...] = Field((), alias="Catch")


class ChoiceState(StateBase):
    """Choice: picks the Next state by the first matching rule; rules stay raw for the rule compiler."""

    type: Literal["Choice"] = Field(alias="Type")
    choices: tuple[dict[str, Any], ...] = Field(alias="Choices")
    default: str | None = Field(None, alias="Default")

    @property
    def is_end(self) -> bool:
        return False


class WaitState(StateBase):
    """Wait: pauses for a duration or until a time."""

    type: Literal["Wait"] = Field(alias="Type")
    seconds: int | str | None = Field(None, alias="Seconds")  # str: a JSONata expression
    seconds_path: str | None = Field(None, alias="SecondsPath")
    timestamp: str | None = Field(None, alias="Timestamp")
    timestamp_path: str | None = Field(None, alias="TimestampPath")


class SucceedState(StateBase):
    """Succeed: ends its (sub) machine successfully."""

    type: Literal["Succeed"] = Field(alias="Type")

    @property
    def is_end(self) -> bool:
        return True


class FailState(AslModel):
    """Fail: ends the execution with an error and cause."""

    type: Literal["Fail"] = Field(alias="Type")
    comment: str | None = Field(None, alias="Comment")
    query_language: str | None = Field(None, alias="QueryLanguage")
    error: str | None = Field(None, alias="Error")
    error_path: str | None = Field(None, alias="ErrorPath")
    cause: str | None = Field(None, alias="Cause")
    cause_path: str | None = Field(None, alias="CausePath")

    @property
    def is_end(self) -> bool:
        return True


class ParallelState(StateBase, ResultMixin):
    """Parallel: runs every branch on the same input; the result is the array of branch outputs."""

    type: Literal["Parallel"] = Field(alias="Type")
    branches: tuple[StateMachine, ...] = Field(alias="Branches")
    arguments: Any = Field(None, alias="Arguments")
    retry: tuple[Retrier, ...] = Field((), alias="Retry")
    catch: tuple[Catcher, ...] = Field((), alias="Catch")


class ItemBatcher(AslModel):
    """Map's ItemBatcher: groups items into batches."""

    max_items_per_batch: int | None = Field(None, alias="MaxItemsPerBatch")
    max_items_per_batch_path: str | None = Field(None, alias="MaxItemsPerBatchPath")
    max_input_bytes_per_batch: int | None = Field(None, alias="MaxInputBytesPerBatch")
    max_input_bytes_per_batch_path: str | None = Field(None, alias="MaxInputBytesPerBatchPath")
    batch_input: Any = Field(None, alias="BatchInput")


class MapState(StateBase, ResultMixin):
    """Map: runs its ItemProcessor once per item of an array."""

    type: Literal["Map"] = Field(alias="Type")
    items_path: str | None = Field("$", alias="ItemsPath")
    items: Any = Field(None, alias="Items")
    item_selector: Any = Field(None, alias="ItemSelector")
    item_processor: StateMachine = Field(alias="ItemProcessor")
    item_reader: Any = Field(None, alias="ItemReader")
    item_batcher: ItemBatcher | None = Field(None, alias="ItemBatcher")
    result_writer: Any = Field(None, alias="ResultWriter")
    max_concurrency: int | str = Field(0, alias="MaxConcurrency")  # str: a JSONata expression
    max_concurrency_path: str | None = Field(None, alias="MaxConcurrencyPath")
    tolerated_failure_count: int | str | None = Field(None, alias="ToleratedFailureCount")
    tolerated_failure_count_path: str | None = Field(None, alias="ToleratedFailureCountPath")
    tolerated_failure_percentage: float | str | None = Field(None, alias="ToleratedFailurePercentage")
    tolerated_failure_percentage_path: str | None = Field(None, alias="ToleratedFailurePercentagePath")
    label: str | None = Field(None, alias="Label")
    retry: tuple[Retrier, ...] = Field((), alias="Retry")
    catch: tuple[Catcher, ...] = Field((), alias="Catch")

    @property
    def is_distributed(self) -> bool:
        """ProcessorConfig.Mode DISTRIBUTED (run as inline here; children are frames either way)."""
        config = self.item_processor.processor_config or {}
        return bool(config.get("Mode") == "DISTRIBUTED")


State = Annotated[
    PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState,
    Field(discriminator="type"),
]


class StateMachine(AslModel):
    """A state machine, or a Parallel branch, or a Map ItemProcessor (same shape)."""

    start_at: str = Field(alias="StartAt")
    states: dict[str, State] = Field(alias="States")
    comment: str | None = Field(None, alias="Comment")
    version: str | None = Field(None, alias="Version")
    timeout_seconds: int | None = Field(None, alias="TimeoutSeconds")
    query_language: str | None = Field(None, alias="QueryLanguage")
    processor_config: dict[str, Any] | None = Field(None, alias="ProcessorConfig")

    @cached_property
    def compiled(self) -> dict[Any, Any]:
        """A per-machine cache for compiled expressions, keyed by whoever compiles them."""
        return {}


ParallelState.model_rebuild()
MapState.model_rebuild()


def build_state_machine(raw: dict[str, Any]) -> StateMachine:
    """Build the model from a validated definition (legacy Iterator/Parameters mapped to new names)."""
    return StateMachine.model_validate(_normalise(raw))


def _normalise(machine: dict[str, Any]) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for name, state in machine.get("States", {}).items():
        state = dict(state)
        kind = state.get("Type")
        if kind == "Pass" and "Result" in state:
            state["has_result"] = True
        if "Output" in state:
            state["has_output"] = True
        if "Catch" in state and isinstance(state["Catch"], list):
            state["Catch"] = [{**c, "has_output": "Output" in c} for c in state["Catch"]]
        if kind == "Map":
            if "Iterator" in state and "ItemProcessor" not in state:
                state["ItemProcessor"] = state.pop("Iterator")
            if "Parameters" in state and "ItemSelector" not in state:
                state["ItemSelector"] = state.pop("Parameters")
            state["ItemProcessor"] = _normalise(state["ItemProcessor"])
        if kind == "Parallel":
            state["Branches"] = [_normalise(b) for b in state.get("Branches", [])]
        states[name] = state
    return {**machine, "States": states}
