"""Calling the management API's Lambda handler (functions/api) with API Gateway REST proxy events.

`ApiClient(lr)` builds each request from the sample events/api_get_openapi.json (a real REST proxy event:
stage v1, IAM identity) with another method, path, query and body, invokes the `api` handler of the local
runtime `lr`, and reads the proxy response.
"""

from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

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


class ApiClient:
    """The api handler of a local runtime, called with REST proxy events."""

    def __init__(self, lr: Any) -> None:
        self.lr = lr

    def handler_module(self) -> Any:
        """The api function's module the local runtime loaded (it registers it as a real import would)."""
        return sys.modules["cloudflow_function_api"]

    def send(self, event: dict[str, Any]) -> Answer:
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
