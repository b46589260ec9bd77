"""An AWS API's answer to a task's call, shaped into the task's outcome as Step Functions shapes it.

`aws-sdk` calls (the AWS SDK for Java 2.x inside Step Functions):
- the result is the API's response without boto3's ResponseMetadata, structure members under the
  SDK's names (see sdk_names) in alphabetical order, a streamed payload (an S3 object's Body) last and
  as text, other binary data as base64, timestamps as ISO-8601 UTC text ("2024-05-23T19:11:31Z");
- an error is `<Service>.<Exception>` (`DynamoDb.ConditionalCheckFailedException`, `S3.NoSuchKeyException`,
  `S3.S3Exception` for an error the model does not name) with the cause
  "<message> (Service: <Service>, Status Code: <n>, Request ID: <id>[, Extended Request ID: <id2>])".

Optimized integrations (the AWS SDK for Java 1.x, see optimized_integrations): the response under the
API's own names, in alphabetical order, with SdkHttpMetadata and SdkResponseMetadata for SQS, SNS and
DynamoDB; putEvents fails with EventBridge.FailedEntry when an entry failed.

A call that got no answer at all (endpoint unreachable, no credentials) fails with the SDK's
`SdkClientException`, prefixed as the service's other errors are.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.integrations.api_shape import ApiShape, StreamedPayload
from cloudflow.integrations.aws_sdk_request import ServiceCall
from cloudflow.integrations.optimized_integrations import FAILED_ENTRY_ERROR, OptimizedService
from cloudflow.integrations.sdk_names import exception_name, sdk_member_name, sdk_service_name
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew

NO_ANSWER_EXCEPTION = "SdkClientException"

# boto3 reports header names in lower case; Step Functions shows them as the services send them.
_HEADER_NAMES = {name.lower(): name for name in (
    "Connection", "Content-Length", "Content-Type", "Date", "Server", "x-amz-crc32", "x-amzn-RequestId",
    "x-amz-request-id", "x-amz-id-2", "ETag", "Last-Modified", "Accept-Ranges",
)}
# SQS and SNS send this one in lower case (recorded executions show "connection" for them only).
_LOWER_CASE_CONNECTION = frozenset({"sqs", "sns"})


@dataclass(frozen=True)
class HttpAnswer:
    """The HTTP side of a service's answer: `headers` as boto3 reports them (lower-case names)."""

    status_code: int
    request_id: str
    headers: Mapping[str, str] = field(default_factory=dict)
    host_id: str = ""  # S3's extended request id


@dataclass(frozen=True)
class ServiceResponse:
    """A successful call: the response document as boto3 parses it, without ResponseMetadata (streamed
    payloads read into StreamedPayload)."""

    body: Mapping[str, Any]
    http: HttpAnswer


@dataclass(frozen=True)
class ServiceFailure:
    """A failed call: `code` and `message` as the service sent them; `modeled` is the error's name in the
    service's model (the SDK's exception class), None when the model does not name it; `http` is None when
    no answer came at all."""

    code: str
    message: str
    modeled: str | None = None
    http: HttpAnswer | None = None


def call_outcome(call: ServiceCall, answer: ServiceResponse | ServiceFailure, service_id: str,
                 output_shape: ApiShape | None = None) -> TaskOutcome:
    """The task's outcome for the API's answer to `call`; `service_id` is the service model's serviceId."""
    if call.optimized is not None:
        if isinstance(answer, ServiceFailure):
            return optimized_failure(call.optimized, answer)
        return optimized_outcome(call, call.optimized, answer)
    if isinstance(answer, ServiceFailure):
        return sdk_failure(service_id, answer)
    return TaskReturned(sdk_result(answer.body, output_shape))


def sdk_result(body: Mapping[str, Any], output_shape: ApiShape | None) -> Any:
    """An aws-sdk call's result: the response as Step Functions shows it."""
    return _sdk_value(dict(body), output_shape)


def sdk_failure(service_id: str, failure: ServiceFailure) -> TaskThrew:
    """An aws-sdk call's error, named and worded as the Java SDK v2 inside Step Functions reports it."""
    service = sdk_service_name(service_id)
    if failure.http is None:
        return TaskThrew(f"{service}.{NO_ANSWER_EXCEPTION}", failure.message)
    details = [f"Service: {service}", f"Status Code: {failure.http.status_code}",
               f"Request ID: {failure.http.request_id}"]
    if failure.http.host_id:
        details.append(f"Extended Request ID: {failure.http.host_id}")
    return TaskThrew(f"{service}.{exception_name(failure.modeled or service)}",
                     f"{failure.message} ({', '.join(details)})")


def optimized_failure(service: OptimizedService, failure: ServiceFailure) -> TaskThrew:
    """An optimized integration's error, named and worded as the Java SDK v1 inside Step Functions reports it."""
    if failure.http is None:
        return TaskThrew(f"{service.error_prefix}.{NO_ANSWER_EXCEPTION}", failure.message)
    name = exception_name(failure.modeled) if failure.modeled else service.base_exception
    return TaskThrew(f"{service.error_prefix}.{name}", (
        f"{failure.message} (Service: {service.sdk_v1_service}; Status Code: {failure.http.status_code}; "
        f"Error Code: {failure.code}; Request ID: {failure.http.request_id}; Proxy: null)"))


def optimized_outcome(call: ServiceCall, service: OptimizedService, response: ServiceResponse) -> TaskOutcome:
    """An optimized integration's result (or EventBridge.FailedEntry, with the response as the cause)."""
    shaped = {name: _plain(value) for name, value in response.body.items()}
    if call.service == "events" and shaped.get("FailedEntryCount"):
        return TaskThrew(FAILED_ENTRY_ERROR, to_json_text(dict(sorted(shaped.items()))))
    if service.http_metadata:
        shaped.update(http_metadata(call.service, response.http))
    return TaskReturned(dict(sorted(shaped.items())))


def http_metadata(service: str, http: HttpAnswer) -> dict[str, Any]:
    """SdkHttpMetadata and SdkResponseMetadata, as the Java SDK v1 reports the HTTP answer."""
    headers = {_header_name(service, name): value for name, value in http.headers.items()}
    ordered = dict(sorted(headers.items(), key=lambda item: item[0].lower()))
    return {
        "SdkHttpMetadata": {"AllHttpHeaders": {name: [value] for name, value in ordered.items()},
                            "HttpHeaders": ordered, "HttpStatusCode": http.status_code},
        "SdkResponseMetadata": {"RequestId": http.request_id},
    }


def instant_text(moment: datetime) -> str:
    """A timestamp as Java's Instant prints it: UTC, "Z", fractions only when there are any."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond // 1000:03d}" if utc.microsecond % 1000 == 0 else f".{utc.microsecond:06d}"
    return text + "Z"


def _sdk_value(value: Any, shape: ApiShape | None) -> Any:
    if isinstance(value, Mapping):
        if shape is not None and shape.kind == "structure":
            return _sdk_structure(value, shape)
        element = shape.element() if shape is not None else None
        return {key: _sdk_value(item, element) for key, item in value.items()}
    if isinstance(value, list):
        element = shape.element() if shape is not None else None
        return [_sdk_value(item, element) for item in value]
    return _plain(value)


def _sdk_structure(value: Mapping[str, Any], shape: ApiShape) -> dict[str, Any]:
    members = shape.members()
    shaped: list[tuple[bool, str, Any]] = []
    for name, item in value.items():
        member = members.get(name)
        # The Java SDK serialises a streamed payload after the document's members.
        shaped.append((member is not None and member.streaming, sdk_member_name(name) if member else name,
                       _sdk_value(item, member)))
    return {name: item for _, name, item in sorted(shaped, key=lambda entry: (entry[0], entry[1]))}


def _plain(value: Any) -> Any:
    """Values JSON has no type for, as Step Functions writes them."""
    if isinstance(value, StreamedPayload):
        return value.data.decode("utf-8", errors="replace")
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _header_name(service: str, name: str) -> str:
    if name.lower() == "connection" and service in _LOWER_CASE_CONNECTION:
        return "connection"
    return _HEADER_NAMES.get(name.lower(), name)
