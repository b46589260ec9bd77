"""Every refused request as a JSON error document named as Step Functions names it, never a stack trace.

    400 InvalidRequest            a body, query or path parameter that does not fit (each field named)
    400 InvalidExecutionInput     `input` is not JSON (text)
    400 InvalidDefinition         the definition has problems (all of them, with JSON pointers)
    400 InvalidArn / InvalidName  a malformed execution ARN / flow, execution or alias name
    400 InvalidToken              a malformed task token, or a nextToken this listing did not issue
    400 TaskTimedOut              the task behind the token no longer waits (answered, timed out, ended)
    404 ExecutionDoesNotExist, StateMachineDoesNotExist (flow or version), ResourceNotFound (alias),
        TaskDoesNotExist (a token no execution issued), UnknownOperation (no such route)
    409 ExecutionAlreadyExists, StateMachineAlreadyExists, ConflictException (a concurrent write won)
    415 UnsupportedMediaType      a body that is not JSON by its Content-Type
    500 InternalFailure           anything unexpected (logged with its trace; the answer has none)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.exceptions import ServiceError as HttpError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
    ResponseValidationError,
)
from pydantic import ValidationError

from cloudflow.api.models import DiagnosticModel, ErrorDocument, FieldProblem
from cloudflow.errors import ConflictError, InvalidDefinitionError, InvalidInputError, ServiceError
from cloudflow.runtime.requests import error_answer

logger = Logger(child=True)


class StateMachineAlreadyExistsError(ServiceError):
    """A flow with this name exists already (create it once, then update it)."""

    code = "StateMachineAlreadyExists"
    status = 409


class ResourceNotFoundError(ServiceError):
    """No such alias (or other named sub-resource of a flow)."""

    code = "ResourceNotFound"
    status = 404


# InvalidInputError fields Step Functions refuses under their own names.
_FIELD_CODES = {"input": "InvalidExecutionInput", "executionArn": "InvalidArn", "stateMachineArn": "InvalidArn"}
_NAME_FIELDS = ("name", "flow", "alias")
# Where the API takes the fields the runtime names (`alias` is a path parameter or a body field), by the
# first part of the name (`tags.2.key` is in the body).
_LOCATIONS = {"executionArn": "path", "from": "query", "to": "query", "startedAfter": "query",
              "startedBefore": "query", "input": "body", "name": "body", "flow": "body", "version": "body",
              "stateMachineArn": "body", "maxTransitions": "body", "tags": "body", "field": "query", "tag": "query"}
_PLACES = ("body", "query", "path", "header", "cookie")
# pydantic names the member of a union that refused a value: `str`, `int`, `function-after[...]`...
_UNION_TAG = re.compile(r"^(str|int|float|bool|none|[a-z_-]+\[.*\])$")


_MEDIA_TYPE_DOCUMENT = {
    "error": "UnsupportedMediaType", "message": "Send the request body as JSON (Content-Type: application/json).",
    "fields": [{"field": "Content-Type", "location": "header", "message": "must be application/json"}],
}


def unsupported_media_type() -> dict[str, Any]:
    """The proxy response refusing a body that is not JSON by its Content-Type."""
    return {"statusCode": 415, "isBase64Encoded": False,
            "multiValueHeaders": {"Content-Type": [content_types.APPLICATION_JSON]},
            "body": json.dumps(_MEDIA_TYPE_DOCUMENT, separators=(",", ":"))}


def refused_body(problem: str) -> dict[str, Any]:
    """The proxy response refusing a body that cannot even be read."""
    document = {"error": "InvalidRequest", "message": f"Malformed request: body: {problem}",
                "fields": [{"field": "body", "location": "body", "message": problem}]}
    return {"statusCode": 400, "isBase64Encoded": False,
            "multiValueHeaders": {"Content-Type": [content_types.APPLICATION_JSON]},
            "body": json.dumps(document, separators=(",", ":"))}


def document_response(status: int, document: dict[str, Any]) -> Response[Any]:
    """An error (or any) document as a JSON response."""
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps(document, separators=(",", ":")))


def _problem_field(location: Sequence[Any]) -> tuple[str, str | None]:
    place = str(location[0]) if location and location[0] in _PLACES else None
    parts = [str(part) for part in (location[1:] if place else location) if not _UNION_TAG.match(str(part))]
    return ".".join(parts) or f"({place or 'request'})", place


def _problem_message(problem: dict[str, Any]) -> str:
    kind, message = problem.get("type", ""), str(problem.get("msg", "")).removeprefix("Value error, ")
    if kind == "json_invalid":
        position = problem.get("loc", ("body", 0))[-1]
        return f"is not valid JSON ({problem.get('ctx', {}).get('error', 'syntax error')} at character {position})"
    if kind == "missing" and tuple(problem.get("loc", ())) == ("body",):
        return "a JSON object body is required"
    if kind in ("model_attributes_type", "model_type", "dict_type") and len(problem.get("loc", ())) == 1:
        return "the body must be a JSON object"
    if kind == "extra_forbidden":
        return "unknown field"
    return message


def validation_document(problems: Sequence[Any]) -> dict[str, Any]:
    """A request that does not fit its route: each wrong field once, with what is wrong."""
    merged: dict[tuple[str, str | None], list[str]] = {}
    for problem in problems:
        if not isinstance(problem, dict):
            continue
        key = _problem_field(tuple(problem.get("loc", ())))
        if problem.get("type") == "json_invalid":
            key = ("body", "body")
        message = _problem_message(problem)
        if message not in merged.setdefault(key, []):
            merged[key].append(message)
    fields = [FieldProblem(field=field, location=place, message=" or ".join(messages))
              for (field, place), messages in merged.items()]
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields) or "the request does not fit this operation"
    only_input = [(f.field, f.location) for f in fields] == [("input", "body")]
    return ErrorDocument(error="InvalidExecutionInput" if only_input else "InvalidRequest",
                         message=f"Malformed request: {summary}", fields=fields).model_dump(by_alias=True)


def refusal_document(error: Exception) -> tuple[int, dict[str, Any]]:
    """The status and document of a request the runtime refused."""
    if isinstance(error, InvalidDefinitionError):
        diagnostics = [DiagnosticModel(**d.to_dict()) for d in error.diagnostics]
        summary = "; ".join(str(d) for d in error.diagnostics[:5])
        more = f" (and {len(error.diagnostics) - 5} more)" if len(error.diagnostics) > 5 else ""
        return 400, ErrorDocument(
            error="InvalidDefinition", diagnostics=diagnostics,
            message=f"Invalid definition ({len(diagnostics)} problem(s)): {summary}{more}").model_dump(by_alias=True)
    status, document = error_answer(error)
    if isinstance(error, InvalidInputError):
        bad_name = error.field in _NAME_FIELDS and "not a valid name" in error.message  # check_name's refusal
        document["error"] = "InvalidName" if bad_name else _FIELD_CODES.get(error.field, "InvalidRequest")
        problem = {"field": error.field, "message": error.message}
        location = _LOCATIONS.get(error.field.split(".")[0])
        if location is not None:
            problem["location"] = location
        document["fields"] = [problem]
    return status, document


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    """Install the mapping on `app`."""

    def _refused(error: Exception) -> Response[Any]:
        return document_response(*refusal_document(error))

    def _malformed(error: RequestValidationError) -> Response[Any]:
        return document_response(400, validation_document(error.errors()))

    def _media_type(error: RequestUnsupportedContentType) -> Response[Any]:
        return document_response(415, _MEDIA_TYPE_DOCUMENT)

    def _conflict(error: ConflictError) -> Response[Any]:
        return document_response(409, {"error": "ConflictException",
                                       "message": "A concurrent request changed this resource first; try again."})

    def _http_error(error: HttpError) -> Response[Any]:  # raised by Powertools itself (e.g. a body too large)
        code = "InvalidRequest" if 400 <= error.status_code < 500 else "InternalFailure"
        return document_response(error.status_code, {"error": code, "message": str(error.msg)})

    @app.not_found
    def _no_route(error: NotFoundError) -> Response[Any]:
        event = app.current_event
        return document_response(404, {"error": "UnknownOperation",
                                       "message": f"No operation {event.http_method} {event.path}."})

    def _internal(error: Exception) -> Response[Any]:
        logger.exception("the management API failed on a request", extra={"error_type": type(error).__name__})
        request_id = getattr(getattr(app, "lambda_context", None), "aws_request_id", None)
        where = f" (request {request_id})" if request_id else ""
        return document_response(500, {"error": "InternalFailure",
                                       "message": f"CloudFlow could not complete the request{where}."})

    app.exception_handler([ServiceError, InvalidDefinitionError, InvalidInputError, ValidationError])(_refused)
    app.exception_handler(RequestValidationError)(_malformed)
    app.exception_handler(RequestUnsupportedContentType)(_media_type)
    app.exception_handler(ConflictError)(_conflict)
    app.exception_handler(HttpError)(_http_error)
    app.exception_handler([ResponseValidationError, Exception])(_internal)
