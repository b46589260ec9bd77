"""Lambda's answer to an Invoke call, shaped into the task's outcome as Step Functions shapes it.

- A bare function ARN hands the state the function's result alone; `lambda:invoke` hands it Lambda's
  response: ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode (and LogResult).
- A function error becomes the function's `errorType`, with the runtime's error document as the cause.
  Step Functions passes the document on as the function wrote it for a bare ARN, and re-serialises it
  compactly for `lambda:invoke` (AWS recordings show `", "` separators in one and none in the other).
  A function error without an errorType (a timeout, a crash) is `Lambda.Unknown`.
- A service error (the Invoke call itself failed) becomes `Lambda.<ErrorCode>`, e.g.
  Lambda.ResourceNotFoundException or Lambda.TooManyRequestsException, with the SDK's message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.integrations.lambda_request import LambdaRequest
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew

UNKNOWN_ERROR = "Lambda.Unknown"


@dataclass(frozen=True)
class LambdaResponse:
    """What Invoke answered: `payload` as the bytes Lambda returned, `headers` with their canonical names."""

    status_code: int
    payload: bytes
    request_id: str
    function_error: str | None = None
    executed_version: str = "$LATEST"
    log_result: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LambdaServiceError(Exception):
    """The Invoke call failed in the Lambda service (or before reaching it): `code` as the SDK names it."""

    code: str
    message: str
    status_code: int = 500
    request_id: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def lambda_outcome(request: LambdaRequest, answer: LambdaResponse | LambdaServiceError) -> TaskOutcome:
    """The task's outcome for Lambda's answer to `request`."""
    if isinstance(answer, LambdaServiceError):
        return TaskThrew(f"Lambda.{answer.code}", service_error_cause(answer))
    if answer.function_error is not None:
        return _function_error(request, answer)
    payload = _decoded(answer.payload)
    return TaskReturned(invoke_response(answer, payload) if request.shaped else payload)


def service_error_cause(error: LambdaServiceError) -> str:
    """The cause text Step Functions gives a failed Invoke call (the Java SDK's exception message)."""
    return (f"{error.message} (Service: AWSLambda; Status Code: {error.status_code}; Error Code: {error.code}; "
            f"Request ID: {error.request_id}; Proxy: null)")


def invoke_response(answer: LambdaResponse, payload: Any) -> dict[str, Any]:
    """The `lambda:invoke` result: Lambda's response with its HTTP metadata, keys in Step Functions' order."""
    shaped: dict[str, Any] = {"ExecutedVersion": answer.executed_version}
    if answer.log_result is not None:
        shaped["LogResult"] = answer.log_result
    shaped["Payload"] = payload
    shaped["SdkHttpMetadata"] = {
        "AllHttpHeaders": {name: [value] for name, value in answer.headers.items()},
        "HttpHeaders": dict(answer.headers),
        "HttpStatusCode": answer.status_code,
    }
    shaped["SdkResponseMetadata"] = {"RequestId": answer.request_id}
    shaped["StatusCode"] = answer.status_code
    return shaped


def _function_error(request: LambdaRequest, answer: LambdaResponse) -> TaskThrew:
    text = answer.payload.decode("utf-8", errors="replace")
    document = _decoded(answer.payload)
    error_type = document.get("errorType") if isinstance(document, dict) else None
    if not isinstance(error_type, str) or not error_type:
        return TaskThrew(UNKNOWN_ERROR, "The cause could not be determined because Lambda did not return an error "
                                        f"type. Returned payload: {text}")
    return TaskThrew(error_type, to_json_text(document) if request.shaped else text)


def _decoded(payload: bytes) -> Any:
    """The payload as JSON; empty (an Event or DryRun invocation) is "", as Step Functions shows it, and
    text that is not JSON stays text."""
    if not payload:
        return ""
    text = payload.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
