"""Request and response bodies of the management API, as pydantic models (camelCase on the wire).

The OpenAPI document is generated from these. Requests take only their camelCase names and refuse
unknown fields; responses leave out the fields they do not have (no `null`s), as Step Functions does.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)
from pydantic.alias_generators import to_camel

from cloudflow.json_types import json_type_phrase

NAME_PATTERN = r"^[A-Za-z0-9_\-]{1,80}$"
"""Flow, execution and alias names (as `cloudflow.runtime.identity.check_name` checks them)."""

MAX_RESULTS = 1000
DEFAULT_MAX_RESULTS = 100
MAX_WAIT_SECONDS = 25
"""POST /executions/sync waits at most this long: API Gateway ends a REST integration after 29 s."""

ExecutionStatusName = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]


MAX_NESTING = 100
"""Inputs and task outputs nest at most this deep (the runtime's snapshots nest them further)."""


def _nesting(value: Any) -> int:
    """How deep a JSON value nests (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, depth + 1)
            if deepest > MAX_NESTING:
                return deepest
            stack.extend((child, depth + 1) for child in children)
    return deepest


def json_value(value: Any) -> Any:
    """Step Functions passes JSON as text; a JSON value given directly is accepted as well."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"is not valid JSON text ({error.msg} at character {error.pos})") from None
        except RecursionError:
            raise ValueError(f"nests deeper than {MAX_NESTING} levels") from None
    if _nesting(value) > MAX_NESTING:
        raise ValueError(f"nests deeper than {MAX_NESTING} levels")
    return value


def _definition(value: Any) -> Any:
    if not isinstance(value, dict | str):
        raise ValueError(f"must be a definition object or its JSON/YAML text, not {json_type_phrase(value)}")
    return value


Definition = Annotated[
    Any,
    AfterValidator(_definition),
    WithJsonSchema({"anyOf": [{"type": "object"}, {"type": "string"}],
                    "description": "An ASL (or CloudFlow) definition: an object, or its JSON/YAML text."}),
]
JsonValue = Annotated[Any, AfterValidator(json_value),
                      WithJsonSchema({"description": "A JSON value, or its JSON text."})]
Name = Annotated[str, Field(pattern=NAME_PATTERN, description="1 to 80 letters, digits, '-' or '_'.")]


class Request(BaseModel):
    """A request body: camelCase names only, unknown fields refused."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class Answer(BaseModel):
    """A response body: camelCase names, fields without a value left out."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    # No return annotation: pydantic then documents the answer by its fields (an annotation would replace them).
    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        dumped = handler(self)
        return {key: value for key, value in dumped.items() if value is not None} if isinstance(dumped, dict) \
            else dumped


# --- errors -------------------------------------------------------------------------------------------


class FieldProblem(Answer):
    """One wrong field of a request: where it is (`body`, `query`, `path`) and what is wrong."""

    field: str
    message: str
    location: str | None = None


class DiagnosticModel(Answer):
    """One problem of a definition, located by a JSON pointer into it."""

    code: str
    message: str
    pointer: str


class ErrorDocument(Answer):
    """A refused request, named as Step Functions names it (`InvalidDefinition`, `ExecutionDoesNotExist`...)."""

    error: str
    message: str
    fields: list[FieldProblem] | None = None
    diagnostics: list[DiagnosticModel] | None = None


# --- validate -----------------------------------------------------------------------------------------


class ValidateRequest(Request):
    """ValidateStateMachineDefinition."""

    definition: Definition



class ValidateAnswer(Answer):
    """`OK` with no diagnostics, or `FAIL` with every problem."""

    result: Literal["OK", "FAIL"]
    diagnostics: list[DiagnosticModel]


# --- flows --------------------------------------------------------------------------------------------


_EXAMPLE_DEFINITION: dict[str, Any] = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}


class CreateFlowRequest(Request):
    """CreateStateMachine: a new flow with its first definition."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "orders", "definition": _EXAMPLE_DEFINITION}]})

    name: Name
    definition: Definition



class UpdateFlowRequest(Request):
    """UpdateStateMachine: a new definition, which becomes the flow's LATEST version."""

    definition: Definition



class FlowAnswer(Answer):
    """A flow after a create or an update: its LATEST version (a content id)."""

    name: str
    state_machine_arn: str
    version: str
    creation_date: str | None = None
    update_date: str | None = None


class FlowDescription(Answer):
    """DescribeStateMachine: the LATEST definition (as stored text) and the aliases."""

    name: str
    state_machine_arn: str
    version: str
    definition: str
    aliases: dict[str, str] = Field(default_factory=dict)
    creation_date: str | None = None
    update_date: str | None = None


class FlowSummary(Answer):
    """One flow of a listing."""

    name: str
    state_machine_arn: str
    creation_date: str
    update_date: str


class FlowList(Answer):
    """ListStateMachines."""

    flows: list[FlowSummary]
    next_token: str | None = None


class PublishVersionRequest(Request):
    """PublishStateMachineVersion: number the LATEST version."""

    description: str | None = Field(None, max_length=256)


class VersionAnswer(Answer):
    """A published version: its number, and the content id starts pin."""

    name: str
    version: str
    version_number: int
    state_machine_version_arn: str
    creation_date: str
    description: str | None = None


class VersionList(Answer):
    """ListStateMachineVersions, newest first."""

    versions: list[VersionAnswer]
    next_token: str | None = None


class AliasRequest(Request):
    """CreateStateMachineAlias / UpdateStateMachineAlias: the version (content id or number) it points at."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1}]})

    version: Annotated[str | int, Field(description="A content id, or the number of a published version.")]


class AliasAnswer(Answer):
    """An alias and the version it points at."""

    name: str
    alias: str
    version: str
    state_machine_alias_arn: str


class Empty(Answer):
    """An empty answer, `{}`."""


# --- executions ---------------------------------------------------------------------------------------


class Tag(Request):
    """A tag of an execution, written as AWS writes tags (the start checks AWS's rules for them)."""

    key: str = Field(examples=["customer"])
    value: str = Field("", examples=["c-42"])


class StartRequest(Request):
    """StartExecution. Name the flow by `flow` or `stateMachineArn` (which may end in `:<version>` or `:<alias>`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"flow": "orders", "name": "order-7", "input": {"order": {"id": 7}}},
        {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod", "input": "{}"}]})

    flow: Name | None = None
    state_machine_arn: str | None = Field(None, max_length=256)
    name: Name | None = None
    input: JsonValue = None
    version: Annotated[str | int | None, Field(description="A content id, or a published version's number.")] = None
    alias: Name | None = None
    max_transitions: int | None = Field(None, ge=1, description="Fail the execution past this many transitions.")
    test_case: Name | None = Field(None, description="Answer the execution's tasks from this test case of the "
                                                     "mock config (Step Functions Local's MockConfigFile).")
    mock_config: dict[str, JsonValue] | None = Field(None, description="The mock config for `testCase` (else "
                                                                       "the stack's CLOUDFLOW_MOCK_CONFIG).")
    tags: list[Tag] = Field(default_factory=list, description=(
        "Tags as AWS writes them: at most 50, keys 1 to 128 characters (unique, not starting with `aws:`), "
        "values 0 to 256, of letters, digits, spaces and _ . : / = + - @. A flow can declare tag keys searchable."),
        examples=[[{"key": "customer", "value": "c-42"}]])



class StartSyncRequest(StartRequest):
    """StartSyncExecution: start, then wait up to `waitSeconds` for the end."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"flow": "orders", "input": {}, "waitSeconds": 1}]})

    wait_seconds: int = Field(10, ge=0, le=MAX_WAIT_SECONDS)


class StartAnswer(Answer):
    """StartExecution's answer (the same for a repeat of the same start)."""

    execution_arn: str
    start_date: str
    version: str


class ExecutionDescription(Answer):
    """DescribeExecution, plus CloudFlow's `transitions` (metered state transitions) and `version`."""

    model_config = ConfigDict(extra="allow")

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatusName
    start_date: str
    stop_date: str | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    transitions: int
    version: str
    parent_execution_arn: str | None = None
    max_transitions: int | None = None
    tags: list[Tag] | None = None
    redrive_count: int = 0
    redrive_date: str | None = None
    redrive_status: Literal["REDRIVABLE", "NOT_REDRIVABLE"] = "NOT_REDRIVABLE"
    redrive_status_reason: str | None = None


class ExecutionListItem(Answer):
    """One execution of a listing."""

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatusName
    start_date: str
    stop_date: str | None = None


class ExecutionList(Answer):
    """ListExecutions, newest first."""

    executions: list[ExecutionListItem]
    next_token: str | None = None


class StopRequest(Request):
    """StopExecution."""

    error: str | None = Field(None, max_length=256)
    cause: str | None = Field(None, max_length=32768)


class StopAnswer(Answer):
    """When the stop was asked for."""

    stop_date: str


class RedriveAnswer(Answer):
    """RedriveExecution: when the redrive began, and CloudFlow's count of redrives so far."""

    redrive_date: str
    redrive_count: int


class HistoryAnswer(Answer):
    """GetExecutionHistory: events as Step Functions shapes them (`id`, `type`, `timestamp`, details)."""

    events: list[dict[str, Any]]
    next_token: str | None = None


UNIT_PATTERN = r"^r(/[0-9]{1,10}-[0-9]{1,6}\.[0-9]{1,7})*$"


class ExecutionUnit(Answer):
    """One unit of an execution: the root `r`, or a Parallel branch / Map iteration run as its own unit."""

    unit: str = Field(description="The unit's key: pass it as `unit` to the history route.")
    status: ExecutionStatusName
    events: int = Field(description="How many history events the unit holds.")
    parent: str | None = Field(default=None, description="The unit whose Parallel or Map state started this one.")
    kind: Literal["parallel", "map"] | None = Field(default=None, description="A Parallel branch or a Map iteration.")
    state: str | None = Field(default=None, description="The Parallel or Map state that fanned it out.")
    index: int | None = Field(default=None, description="The branch or iteration index.")
    attempt: int | None = Field(default=None, description="Which run of that state (0, then one per retry).")


class UnitList(Answer):
    """An execution's units: the root first, each child after its parent."""

    units: list[ExecutionUnit]


# --- tasks --------------------------------------------------------------------------------------------


TaskToken = Annotated[str, Field(min_length=1, max_length=2048)]


class TaskSuccessRequest(Request):
    """SendTaskSuccess."""

    task_token: TaskToken
    output: JsonValue



class TaskFailureRequest(Request):
    """SendTaskFailure."""

    task_token: TaskToken
    error: str | None = Field(None, max_length=256)
    cause: str | None = Field(None, max_length=32768)


class TaskHeartbeatRequest(Request):
    """SendTaskHeartbeat."""

    task_token: TaskToken


class PendingTask(Answer):
    """A task the execution waits on (a callback or an activity), with its token."""

    model_config = ConfigDict(extra="allow")

    task_token: str
    state_name: str
    resource: str
    unit: str
    scheduled_date: str | None = None
    timeout_date: str | None = None
    heartbeat_seconds: int | None = None


class PendingTasksAnswer(Answer):
    """The tasks an execution waits on, oldest first."""

    pending_tasks: list[PendingTask]


# --- usage --------------------------------------------------------------------------------------------


class UsageDay(Answer):
    """The state transitions one flow metered on one day (UTC)."""

    flow: str
    day: str
    transitions: int


class UsageAnswer(Answer):
    """Transitions per flow per day, and their total."""

    usage: list[UsageDay]
    total: int


class ExecutionUsage(Answer):
    """The state transitions one execution metered so far."""

    execution_arn: str
    transitions: int
