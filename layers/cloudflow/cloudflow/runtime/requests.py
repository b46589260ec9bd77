"""Request models of the start, callback and stop handlers, and the answers they give.

Every handler accepts a direct invocation (the request object itself) and an API Gateway proxy
event (the request as the JSON body), and answers bad requests with a document naming each wrong
field, never a stack trace.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cloudflow.errors import InvalidDefinitionError, InvalidInputError, ServiceError
from cloudflow.runtime.execution_tags import ExecutionTag


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _json_value(value: Any, field: str) -> Any:
    """Step Functions passes JSON as text; a JSON value given directly is accepted as well."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON text ({error.msg} at character {error.pos})") from None


class TagRequest(_Request):
    """One tag, written as AWS writes tags; the start checks AWS's rules (`check_tags`)."""

    key: str
    value: str = ""


class StartExecutionRequest(_Request):
    """StartExecution: which flow, an optional name, the input (JSON text or a JSON value), tags."""

    flow: str | None = Field(None, description="The flow's name.")
    state_machine_arn: str | None = Field(None, alias="stateMachineArn")
    name: str | None = None
    input: Any = None
    version: str | None = None
    definition: Any = Field(None, description="Publishes this definition as a version of the flow first.")
    max_transitions: int | None = Field(None, alias="maxTransitions", ge=1)
    test_case: str | None = Field(None, alias="testCase")
    mock_config: Any = Field(None, alias="mockConfig", description="A Step Functions Local mock config.")
    tags: list[TagRequest] = Field(default_factory=list)

    @field_validator("input")
    @classmethod
    def _input(cls, value: Any) -> Any:
        return _json_value(value, "input")

    def flow_name(self) -> str:
        """The flow named by `flow` or by the tail of `stateMachineArn`."""
        if self.flow:
            return self.flow
        if self.state_machine_arn:
            return self.state_machine_arn.split(":")[-1]
        raise InvalidInputError("flow", "name the flow to start ('flow' or 'stateMachineArn')")

    def execution_tags(self) -> tuple[ExecutionTag, ...]:
        """The tags as the runtime takes them."""
        return tuple(ExecutionTag(tag.key, tag.value) for tag in self.tags)


class TaskAnswerRequest(_Request):
    """SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat."""

    action: Literal["success", "failure", "heartbeat"]
    task_token: str = Field(alias="taskToken")
    output: Any = None
    error: str | None = Field(None, max_length=256)
    cause: str | None = Field(None, max_length=32768)

    @field_validator("output")
    @classmethod
    def _output(cls, value: Any) -> Any:
        return _json_value(value, "output")


class PendingTasksRequest(_Request):
    """The callback tasks an execution waits on (CloudFlow's own call; Step Functions has none)."""

    action: Literal["listPending"]
    execution_arn: str = Field(alias="executionArn")


class StopExecutionRequest(_Request):
    """StopExecution."""

    execution_arn: str = Field(alias="executionArn")
    error: str | None = Field(None, max_length=256)
    cause: str | None = Field(None, max_length=32768)


def invalid_request(error: ValidationError) -> dict[str, Any]:
    """A request that does not fit its model: every offending field, with what is wrong."""
    fields = []
    for problem in error.errors(include_url=False, include_context=False, include_input=False):
        field = ".".join(str(part) for part in problem["loc"]) or "(request)"
        fields.append({"field": field, "message": problem["msg"].removeprefix("Value error, ")})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    # Step Functions names a bad execution input apart from other bad requests.
    code = "InvalidExecutionInput" if [f["field"] for f in fields] == ["input"] else "InvalidRequest"
    return {"error": code, "message": f"Malformed request: {summary}", "fields": fields}


def error_answer(error: Exception) -> tuple[int, dict[str, Any]]:
    """The HTTP status and document for a refused request."""
    if isinstance(error, ServiceError):
        return error.status, error.to_dict()
    if isinstance(error, InvalidDefinitionError):
        return 400, {"error": "InvalidDefinition", "message": str(error),
                     "diagnostics": [d.to_dict() for d in error.diagnostics]}
    if isinstance(error, InvalidInputError):
        code = "InvalidExecutionInput" if error.field == "input" else "InvalidRequest"
        return 400, {"error": code, "message": str(error), "fields": [{"field": error.field,
                                                                      "message": error.message}]}
    if isinstance(error, ValidationError):
        return 400, invalid_request(error)
    raise error


def is_api_gateway(event: Any) -> bool:
    """Whether the event is an API Gateway (REST or HTTP API) proxy event."""
    return isinstance(event, dict) and "requestContext" in event and ("httpMethod" in event or "rawPath" in event)


def request_body(event: dict[str, Any]) -> Any:
    """The JSON body of an API Gateway proxy event.

    Raises:
        InvalidInputError: the body is not JSON.
    """
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        return json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidInputError("body", f"is not valid JSON ({error.msg} at character {error.pos})") from None


def api_response(status: int, document: Any) -> dict[str, Any]:
    """An API Gateway proxy response."""
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(document)}


def serve(event: Any, work: Any, success_status: int = 200) -> Any:
    """Run `work(payload)` for a direct or API Gateway event and shape the answer for that caller.

    Refused requests become error documents (HTTP 4xx behind API Gateway); anything else raises,
    so Lambda reports (and asynchronous callers retry) a real fault.
    """
    api = is_api_gateway(event)
    try:
        payload = request_body(event) if api else event
        status, document = success_status, work(payload)
    except (ServiceError, InvalidDefinitionError, InvalidInputError, ValidationError) as error:
        status, document = error_answer(error)
    return api_response(status, document) if api else document
