"""`cloudflow local`: the management API over HTTP on 127.0.0.1, with the runtime pumped in the background."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cloudflow.adapters.local_stack import LocalStack, serve_in_background

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

REPO = Path(__file__).resolve().parents[2]
CALLBACK_FLOW = {"StartAt": "Approve", "States": {"Approve": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters": {"FunctionName": "nobody", "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}}
DAY_WAIT_FLOW = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 86400, "End": True}}}


class Http:
    """A tiny JSON client for the local stack's base URL."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def wait_for(self, arn: str, status: str, seconds: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            _, described = self.call("GET", f"/executions/{quote(arn, safe='')}")
            if described.get("status") == status or time.monotonic() > deadline:
                return dict(described)
            time.sleep(0.05)


def _serve(stack: LocalStack) -> Iterator[Http]:
    server, stop = serve_in_background(stack, "127.0.0.1", 0)
    try:
        yield Http(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        stop()


@pytest.fixture
def fast(local_runtime: Any) -> Iterator[Http]:
    yield from _serve(LocalStack(local_runtime(), fast_forward=True))


@pytest.fixture
def paced(local_runtime: Any) -> Iterator[Http]:
    yield from _serve(LocalStack(local_runtime(), fast_forward=False))


def test_the_api_answers_over_http_and_the_pump_runs_executions(fast: Http) -> None:
    status, spec = fast.call("GET", "/openapi.json")
    assert status == 200 and spec["info"]["title"] == "CloudFlow management API"
    assert fast.call("POST", "/flows", {"name": "napper", "definition": DAY_WAIT_FLOW})[0] == 201
    status, started = fast.call("POST", "/executions", {"flow": "napper", "name": "n1", "input": {"a": 1}})
    assert status == 200, started
    # fast-forward: the day-long Wait ends as soon as the stack is idle
    described = fast.wait_for(started["executionArn"], "SUCCEEDED")
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"a": 1})


def test_a_synchronous_start_sees_its_execution_end(fast: Http) -> None:
    assert fast.call("POST", "/flows", {"name": "napper", "definition": DAY_WAIT_FLOW})[0] == 201
    status, ended = fast.call("POST", "/executions/sync", {"flow": "napper", "name": "s1", "waitSeconds": 5})
    assert (status, ended["status"]) == (200, "SUCCEEDED"), ended


def test_bad_requests_are_answered_with_step_functions_errors(fast: Http) -> None:
    unknown = quote("arn:aws:states:us-east-1:123456789012:execution:a:b", safe="")
    status, refused = fast.call("GET", f"/executions/{unknown}")
    assert (status, refused["error"]) == (404, "ExecutionDoesNotExist")
    status, refused = fast.call("POST", "/flows", {"name": "broken", "definition": {"StartAt": "X", "States": {}}})
    assert (status, refused["error"]) == (400, "InvalidDefinition")


def test_without_fast_forward_waits_keep_their_pace_and_callbacks_are_answered(paced: Http) -> None:
    assert paced.call("POST", "/flows", {"name": "napper", "definition": DAY_WAIT_FLOW})[0] == 201
    _, napping = paced.call("POST", "/executions", {"flow": "napper", "name": "n1"})
    assert paced.call("POST", "/flows", {"name": "approve", "definition": CALLBACK_FLOW})[0] == 201
    _, waiting = paced.call("POST", "/executions", {"flow": "approve", "name": "a1"})
    arn = waiting["executionArn"]
    deadline = time.monotonic() + 10
    pending: list[dict[str, Any]] = []
    while not pending and time.monotonic() < deadline:
        pending = paced.call("GET", f"/executions/{quote(arn, safe='')}/pending-tasks")[1].get("pendingTasks", [])
        time.sleep(0.05)
    (task,) = pending
    assert paced.call("POST", "/tasks/success", {"taskToken": task["taskToken"], "output": {"ok": True}})[0] == 200
    assert json.loads(paced.wait_for(arn, "SUCCEEDED")["output"]) == {"ok": True}
    assert paced.wait_for(napping["executionArn"], "SUCCEEDED", seconds=0.5)["status"] == "RUNNING"


def test_the_cloudflow_local_command_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "cloudflow.cli", "local", "--port", "0", "--fast-forward"],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("CloudFlow local stack on http://127.0.0.1:"), line
        base = line.split()[4]
        http = Http(base)
        assert http.call("POST", "/flows", {"name": "napper", "definition": DAY_WAIT_FLOW})[0] == 201
        _, started = http.call("POST", "/executions", {"flow": "napper", "name": "n1"})
        assert http.wait_for(started["executionArn"], "SUCCEEDED")["status"] == "SUCCEEDED"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0


def test_the_demo_runs_the_order_example_through_the_stack_and_points_at_the_console() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "cloudflow.cli", "demo", "--port", "0"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]
        report = dict(line.split(None, 1) for line in lines[1:] if line.strip())
        assert report["Status"].startswith("SUCCEEDED"), lines
        assert json.loads(report["Output"])["confirmation"]["messageId"]
        console = report["Console"].strip()
        base, fragment = console.split("/console#/executions/")
        with urllib.request.urlopen(f"{base}/console", timeout=10) as page:
            assert page.status == 200 and "text/html" in page.headers["Content-Type"]
        described = Http(base).call("GET", f"/executions/{fragment}")[1]
        assert (described["status"], described["executionArn"]) == ("SUCCEEDED", report["Execution"].strip())
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
