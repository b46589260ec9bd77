"""The management API as a WSGI application: each HTTP request becomes an API Gateway (REST) proxy event.

`ProxyWsgiApp(handle)` passes the event to `handle` (the api Lambda handler, or a resolver's `resolve`)
and turns the proxy response back into HTTP. It serves the API on a plain HTTP server, e.g.

    from wsgiref.simple_server import make_server
    make_server("127.0.0.1", 8080, ProxyWsgiApp(lambda event: app.resolve(event, context))).serve_forever()

and lets WSGI test clients (schemathesis) call it in process.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

ProxyHandler = Callable[[dict[str, Any]], dict[str, Any]]

_requests = itertools.count(1)


def _text(raw: str) -> str:
    """PEP 3333 hands paths over as latin-1 text of the raw bytes; they are UTF-8."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def proxy_event(environ: dict[str, Any], stage: str = "local") -> dict[str, Any]:
    """The API Gateway REST proxy event (payload 1.0) of a WSGI request."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    path = _text(str(environ.get("PATH_INFO", "") or "/"))
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.setdefault(key[5:].replace("_", "-").title(), []).append(str(value))
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers.setdefault(name, []).append(str(environ[key]))
    query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        body, encoded = (raw.decode("utf-8") if raw else None), False
    except UnicodeDecodeError:
        body, encoded = base64.b64encode(raw).decode(), True
    request_id = f"local-{next(_requests)}"
    return {
        "resource": "/{proxy+}", "path": path, "httpMethod": method,
        "headers": {name: values[-1] for name, values in headers.items()} or None,
        "multiValueHeaders": headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/{stage}{path}", "stage": stage,
            "requestId": request_id, "protocol": str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")),
            "identity": {"sourceIp": str(environ.get("REMOTE_ADDR", "127.0.0.1"))},
        },
        "body": body, "isBase64Encoded": encoded,
    }


class ProxyWsgiApp:
    """A WSGI application answering through an API Gateway proxy handler."""

    def __init__(self, handle: ProxyHandler, stage: str = "local") -> None:
        self._handle = handle
        self._stage = stage

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self._handle(proxy_event(environ, self._stage))
        status = int(answer.get("statusCode", 200))
        headers: list[tuple[str, str]] = [(str(k), str(v)) for k, v in (answer.get("headers") or {}).items()]
        for name, values in (answer.get("multiValueHeaders") or {}).items():
            headers.extend((str(name), str(value)) for value in values if (str(name), str(value)) not in headers)
        body = answer.get("body") or ""
        data = base64.b64decode(body) if answer.get("isBase64Encoded") else str(body).encode("utf-8")
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        start_response(f"{status} {phrase}", [*headers, ("Content-Length", str(len(data)))])
        return [data]
