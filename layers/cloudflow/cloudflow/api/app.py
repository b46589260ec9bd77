"""The management REST API as one Powertools resolver: flows, executions, tasks, usage, validation.

`build_app(services)` makes the resolver; the `api` Lambda function resolves API Gateway (REST) proxy
events with it, and `cloudflow.api.wsgi` serves the same resolver over plain HTTP. Requests and answers
are the pydantic models of `cloudflow.api.models`; `GET /openapi.json` is generated from them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn

from cloudflow.api import executions, flows, search, tasks, triggers, usage, validate
from cloudflow.api.errors import refused_body, register_error_handlers, unsupported_media_type
from cloudflow.api.services import ApiServices
from cloudflow.console.routes import register_console

_BODY_METHODS = ("POST", "PUT", "PATCH")
TITLE = "CloudFlow management API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Manage flows (versions, aliases), start, stop and inspect executions, answer callback tasks and read "
    "usage. Errors are JSON documents `{\"error\", \"message\"}` named as AWS Step Functions names them, "
    "with `fields` naming each wrong field of a refused request. Behind API Gateway, requests are signed "
    "with AWS Signature Version 4 (IAM authorization)."
)


def _tidy(document: dict[str, Any]) -> dict[str, Any]:
    """Powertools documents its own answers to validation errors (422) and to answers that do not fit their
    model (500); this API answers 400 and 500 with its error document."""
    failure = {"description": "InternalFailure: CloudFlow could not complete the request.",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDocument"}}}}
    media = {"description": "UnsupportedMediaType: the body is not JSON by its Content-Type.",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDocument"}}}}
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if isinstance(operation, dict):
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                responses["500"] = failure
                if method.upper() in _BODY_METHODS:
                    responses["415"] = media
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    return document


def _json_body(text: str) -> Any:
    """A request body's JSON; nesting too deep for the parser is malformed JSON like any other."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


class ManagementResolver(APIGatewayRestResolver):
    """The API's resolver: request bodies are JSON, so any other declared body type is refused up front
    (Powertools would try to parse form or multipart bodies, and fail on malformed ones)."""

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        if isinstance(event, Mapping) and str(event.get("httpMethod", "")).upper() in _BODY_METHODS:
            headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
            media = str(headers.get("content-type") or "").split(";")[0].strip().lower()
            if media and media != content_types.APPLICATION_JSON:
                return unsupported_media_type()
            if event.get("body") and event.get("isBase64Encoded"):
                try:
                    text = base64.b64decode(str(event["body"]), validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    return refused_body("is not UTF-8 text")
                event = {**event, "body": text, "isBase64Encoded": False}
        return super().resolve(event, context)


def build_app(services: ApiServices) -> ManagementResolver:
    """A resolver with every route, its error mapping and its OpenAPI document."""
    app = ManagementResolver(enable_validation=True, response_validation_error_http_code=500,
                             json_body_deserializer=_json_body)
    register_error_handlers(app)
    for group in (validate, flows, executions, tasks, usage, triggers, search):
        group.register(app, services)
    register_console(app)  # the web console, served by the same function (not part of the OpenAPI document)

    @cache
    def openapi_text() -> str:
        generated = app.get_openapi_json_schema(
            title=TITLE, version=VERSION, description=DESCRIPTION,
            tags=["flows", "executions", "tasks", "usage", "triggers", "search"],
            security_schemes={"sigv4": APIKey(name="Authorization", in_=APIKeyIn.header,
                                              description="AWS Signature Version 4 (API Gateway IAM authorization)",
                                              openapi_extensions={"x-amazon-apigateway-authtype": "awsSigv4"})},
            security=[{"sigv4": []}],
        )
        return json.dumps(_tidy(json.loads(generated)), separators=(",", ":"))

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response[Any]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_text())

    return app
