"""Calling the management API of a local runtime over one of two transports, with the same requests.

`ApiClient(lr)` (transport `handler`) builds each request from the sample events/api_get_openapi.json (a real
REST proxy event: stage v1, IAM identity) with another method, path, query and body, invokes the `api` handler
of the local runtime `lr`, and reads the proxy response. `HttpApiClient(lr, base)` (transport `http`) sends the
same request as real HTTP to a local stack serving `lr` on 127.0.0.1 (`served_over_http`), where
`cloudflow.api.wsgi` turns it back into a proxy event. Both answer `Answer(status, body)` and log what they
sent (method, path, status) in a `SentLog`, so a test can check every documented route was exercised over each.
"""

from __future__ import annotations

import base64
import copy
import http.client
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
ACCOUNT = "123456789012"

PASS_FLOW = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"hello": "world"},
                                                       "ResultPath": "$.greeting", "End": True}}}
# Waits for a task token; no TimeoutSeconds, so `lr.pump()` leaves it waiting.
CALLBACK_FLOW = {"StartAt": "Approve", "States": {"Approve": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/approvals",
                   "MessageBody": {"token.$": "$$.Task.Token"}},
    "ResultPath": "$.approval", "End": True}}}
WAIT_FLOW = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
                                          "Done": {"Type": "Succeed"}}}

# The HTTP transport runs a representative subset of the contract tests, not all of them: each test builds its own
# runtime on moto (about a second), so doubling every one would add a minute to the suite. Over HTTP go the tests of
# what HTTP could change (bodies and their types, query strings and page tokens, encoded ARNs in paths, status
# codes, the samples, a synchronous start) and, for every route, a success and a refusal, which
# test_api_route_coverage.py checks. The tests marked with this run through the handler alone.
HTTP_COVERED_ELSEWHERE = pytest.mark.handler_only(
    reason="time: its routes' success and refusal go over HTTP in other tests (see HTTP_COVERED_ELSEWHERE)")


def sample(name: str) -> Any:
    """A fresh copy of the sample event events/<name>."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def execution_arn(flow: str, name: str) -> str:
    return f"arn:aws:states:us-east-1:{ACCOUNT}:execution:{flow}:{name}"


def arn_path(arn: str) -> str:
    """An ARN as a path segment, percent-encoded as a careful client sends it."""
    return quote(arn, safe="")


def rest_event(method: str, path: str, body: Any = None, query: dict[str, str] | None = None,
               raw_body: str | None = None) -> dict[str, Any]:
    """An API Gateway REST proxy event (the `{proxy+}` resource) for one request."""
    event: dict[str, Any] = sample("api_get_openapi.json")
    event.update(path=path, httpMethod=method, pathParameters={"proxy": path.lstrip("/")},
                 queryStringParameters=query or None,
                 multiValueQueryStringParameters={key: [value] for key, value in query.items()} if query else None)
    event["requestContext"].update(httpMethod=method, path=f"/v1{path}")
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    event["body"] = text
    if text is not None:
        event["headers"]["Content-Type"] = "application/json"
        event["multiValueHeaders"]["Content-Type"] = ["application/json"]
    return event


@dataclass
class Answer:
    """An API answer: its status and JSON document."""

    status: int
    body: Any

    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None

    def fields(self) -> list[str]:
        return [item["field"] for item in self.body.get("fields", [])] if isinstance(self.body, dict) else []


def proxy_answer(answer: dict[str, Any]) -> Answer:
    """The status and document of a proxy response (checked to be what API Gateway accepts)."""
    json.dumps(answer)  # Lambda returns it as JSON
    headers = {name: values[-1] for name, values in (answer.get("multiValueHeaders") or {}).items()}
    headers.update(answer.get("headers") or {})
    assert headers.get("Content-Type") == "application/json", answer
    assert isinstance(answer["statusCode"], int) and isinstance(answer["body"], str), answer
    return Answer(answer["statusCode"], json.loads(answer["body"]))


@dataclass
class SentLog:
    """What a client sent, per transport: (method, path as sent, status) of every answered request."""

    sent: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)

    def record(self, transport: str, method: str, path: str, answer: Answer) -> None:
        if answer.error() != "UnknownOperation":  # a request no route took exercised no route
            self.sent.setdefault(transport, []).append((method.upper(), path, answer.status))


class ApiClient:
    """The api handler of a local runtime, called with REST proxy events."""

    transport = "handler"

    def __init__(self, lr: Any, log: SentLog | None = None) -> None:
        self.lr = lr
        self.log = log

    def handler_module(self) -> Any:
        """The api function's module the local runtime loaded (it registers it as a real import would)."""
        return sys.modules["cloudflow_function_api"]

    def send(self, event: dict[str, Any]) -> Answer:
        """The answer to one REST proxy event (over HTTP: to the request the event describes)."""
        answer = self._answer(event)
        if self.log is not None:
            self.log.record(self.transport, str(event["httpMethod"]), str(event["path"]), answer)
        return answer

    def _answer(self, event: dict[str, Any]) -> Answer:
        return proxy_answer(self.lr.invoke("api", copy.deepcopy(event)))

    def call(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None,
             raw_body: str | None = None) -> Answer:
        return self.send(rest_event(method, path, body, query, raw_body))

    def get(self, path: str, **query: str) -> Answer:
        return self.call("GET", path, query=query or None)

    def post(self, path: str, body: Any = None) -> Answer:
        return self.call("POST", path, body)

    def put(self, path: str, body: Any = None) -> Answer:
        return self.call("PUT", path, body)

    def delete(self, path: str) -> Answer:
        return self.call("DELETE", path)

    # --- shortcuts ------------------------------------------------------------------------------------

    def create_flow(self, name: str, definition: Any = None) -> Answer:
        answer = self.post("/flows", {"name": name, "definition": definition or PASS_FLOW})
        assert answer.status == 201, answer
        return answer

    def start(self, flow: str, name: str, input: Any = None, **options: Any) -> Answer:
        answer = self.post("/executions", {"flow": flow, "name": name, "input": input or {}, **options})
        assert answer.status == 200, answer
        return answer


# Headers the HTTP connection sets itself (and the sample's API Gateway host, which is not this server).
_CONNECTION_HEADERS = {"host", "content-length", "connection"}


class HttpApiClient(ApiClient):
    """The same requests as real HTTP to a local stack on 127.0.0.1 serving the same local runtime."""

    transport = "http"

    def __init__(self, lr: Any, base: str, log: SentLog | None = None) -> None:
        super().__init__(lr, log)
        self.base = urlsplit(base)

    def _answer(self, event: dict[str, Any]) -> Answer:
        """The HTTP request a REST proxy event stands for: its method, path, query, headers and body. A body
        the event carries base64-encoded goes as its raw bytes (API Gateway is what encodes binary bodies)."""
        path = quote(str(event["path"]), safe="/%:@!$&'()*+,;=~")  # spaces and the like are escaped on the wire
        query = event.get("multiValueQueryStringParameters") or {}
        if query:
            path += "?" + urlencode(query, doseq=True)
        headers = {name: str(value) for name, value in (event.get("headers") or {}).items()
                   if name.lower() not in _CONNECTION_HEADERS}
        text = event.get("body")
        data: bytes | None = None
        if text is not None:
            data = base64.b64decode(text) if event.get("isBase64Encoded") else str(text).encode("utf-8")
        connection = http.client.HTTPConnection(self.base.hostname or "127.0.0.1", self.base.port, timeout=30)
        try:
            connection.request(str(event["httpMethod"]), path, body=data, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            content_type = response.getheader("Content-Type")
        finally:
            connection.close()
        assert content_type == "application/json", (response.status, content_type, payload[:200])
        return Answer(response.status, json.loads(payload))


@contextmanager
def served_over_http(lr: Any) -> Iterator[str]:
    """The local stack's HTTP server over `lr` on 127.0.0.1, without its background pump; yields its base URL.

    The test drives the runtime itself (`lr.pump()`, `lr.clock`) between requests, as it does with the handler
    transport: a background pump would run executions on its own and race the test's assertions. Requests still
    take the stack's lock (`LocalStack.invoke_api`), and the server answers one request at a time here because
    the test waits for each answer."""
    from cloudflow.adapters.local_stack import LocalStack

    api_module = lr.handler_module("api")
    sleep = api_module.services.sleep
    stack = LocalStack(lr)
    # LocalStack makes a synchronous start's pause release its lock for the background pump; with no pump
    # that would only wait. Keep the pause the handler had, so a test's own (pumping) pause works alike.
    api_module.services.sleep = sleep
    server = stack.server("127.0.0.1", 0)
    # A short poll: shutting down waits for the serving loop to look up (0.5 s by default, at every test's end).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="cloudflow-test-http",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{int(server.server_address[1])}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
