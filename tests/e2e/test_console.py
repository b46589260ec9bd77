"""The console in headless Chromium (Playwright, Debian's /usr/bin/chromium), served by the local stack over
a local runtime on moto: the flows list, a flow's graph laid out by ELK (nested Parallel branches and Map
processor, labelled edges), an execution's states coloured by status with their input, output, error and
cause, the history timeline, the status filters, and a RUNNING execution turning SUCCEEDED on screen once
its callback is answered. Screenshots land in tests/artifacts/console/.

The console's own routes (page, static files with their content types, `..` refused) are checked over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.e2e.api_client import ACCOUNT, rest_event

CHROMIUM = os.environ.get("CLOUDFLOW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
TIMEOUT_MS = 10_000

# Every kind of edge and nesting the graph draws: Choice rules and Default, Parallel branches, a Map
# processor, a Fail caught by Catch, and a second Choice deciding how the execution ends.
DEMO_FLOW: dict[str, Any] = {
    "Comment": "console demo",
    "StartAt": "Classify",
    "States": {
        "Classify": {"Type": "Choice", "Choices": [{"Variable": "$.kind", "StringEquals": "big", "Next": "Fan"}],
                     "Default": "Small"},
        "Small": {"Type": "Pass", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Each", "Branches": [
            {"StartAt": "A1", "States": {"A1": {"Type": "Pass", "Result": 1, "End": True}}},
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Result": 2, "Next": "B2"},
                                         "B2": {"Type": "Pass", "End": True}}}]},
        "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "Next": "Try",
                 "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}},
        "Try": {"Type": "Parallel", "Next": "Done",
                "Branches": [{"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "Oops",
                                                                   "Cause": "it broke"}}}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Recover"}]},
        "Recover": {"Type": "Pass", "Next": "Verdict"},
        "Verdict": {"Type": "Choice", "Choices": [{"Variable": "$.strict", "BooleanEquals": True, "Next": "Boom"}],
                    "Default": "Done"},
        "Boom": {"Type": "Fail", "Error": "OrderRejected", "Cause": "strict orders may not recover"},
        "Done": {"Type": "Succeed"},
    },
}
DEMO_STATES = {"Classify", "Small", "Fan", "A1", "B1", "B2", "Each", "Item", "Try", "Bad", "Recover", "Verdict",
               "Boom", "Done"}

# Waits on a task token: RUNNING until the callback is answered.
APPROVAL_FLOW: dict[str, Any] = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Next": "Approve"},
    "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/approvals",
                               "MessageBody": {"token.$": "$$.Task.Token"}},
                "ResultPath": "$.approval", "Next": "Ship"},
    "Ship": {"Type": "Pass", "End": True}}}


# --- the stack and the browser ------------------------------------------------------------------------


@dataclass
class Served:
    """The local stack on 127.0.0.1: its base URL, and JSON calls to its API."""

    base: str
    host: str
    port: int
    runtime: Any  # the LocalRuntime behind it

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path.lstrip("/"), data=data, method=method,
                                         headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, document = self.call(method, path, body)
        assert 200 <= status < 300, (method, path, status, document)
        return document

    def raw(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """A GET with `path` sent exactly as written (no normalisation of `..`)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()


@pytest.fixture
def served(local_runtime: Callable[..., Any], request: pytest.FixtureRequest) -> Iterator[Served]:
    from cloudflow.adapters.local_stack import LocalStack, serve_in_background

    # Its api handler serves the console (build_app registers it). A test may set how many children a
    # fan-out runs in-process (indirect parametrisation): 0 runs every one as units of their own.
    runtime = local_runtime(**({"inline_fan_out": request.param} if hasattr(request, "param") else {}))
    server, stop = serve_in_background(LocalStack(runtime, fast_forward=True), "127.0.0.1", 0)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    try:
        yield Served(base=f"http://{host}:{port}/", host=host, port=port, runtime=runtime)
    finally:
        stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright import sync_api  # a dev extra: its absence is a broken setup, not a reason to skip
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (make browser)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Console:
    """A page on the console, recording what the page reported as wrong (script errors, CSP refusals...)."""

    page: Any
    served: Served
    problems: list[str] = field(default_factory=list)

    def open(self, route: str) -> None:
        self.page.goto(f"{self.served.base}console#{route}")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def state(self, name: str) -> Any:
        return self.page.locator(f"[data-testid=state-node][data-state='{name}']")

    def statuses(self) -> dict[str, str]:
        found: list[list[str]] = self.page.eval_on_selector_all(
            "[data-testid=state-node]", "nodes => nodes.map(n => [n.dataset.state, n.dataset.status])")
        return dict((name, status) for name, status in found)

    def click_state(self, name: str) -> None:
        """Click a state's box: a plain state in its middle, a Parallel or Map on its header."""
        node = self.state(name)
        compound = "cf-compound" in (node.get_attribute("class") or "")
        node.locator("rect").first.click(position={"x": 40, "y": 10} if compound else None)


@pytest.fixture
def console(browser: Any, served: Served) -> Iterator[Console]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    opened = Console(page=page, served=served)
    page.on("pageerror", lambda error: opened.problems.append(f"page error: {error}"))
    page.on("console", lambda message: opened.problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" else None)
    try:
        yield opened
    finally:
        page.close()
    assert opened.problems == []


def _arn(flow: str, name: str) -> str:
    return f"arn:aws:states:us-east-1:{ACCOUNT}:execution:{flow}:{name}"


def _start(served: Served, flow: str, name: str, input: Any) -> str:
    arn: str = served.ok("POST", "/executions", {"flow": flow, "name": name, "input": input})["executionArn"]
    return arn


def _wait_for_end(served: Served, arn: str) -> dict[str, Any]:
    """The execution once the background pump has run it to its end (or a failed assertion)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        described: dict[str, Any] = served.ok("GET", f"/executions/{quote(arn, safe='')}")
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            assert described["status"] != "RUNNING", described
            return described
        time.sleep(0.05)


# --- the console's routes -----------------------------------------------------------------------------


def _through_the_handler(served: Served, path: str, headers: dict[str, str] | None = None
                         ) -> tuple[int, dict[str, str], str]:
    """GET `path` as API Gateway hands it to the api function: its status, headers (lower-cased) and body."""
    event = rest_event("GET", path)
    for name, value in (headers or {}).items():
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
    answer = served.runtime.invoke("api", event)
    found = {name.lower(): str(value) for name, value in (answer.get("headers") or {}).items()}
    found.update({name.lower(): str(values[-1]) for name, values in (answer.get("multiValueHeaders") or {}).items()})
    assert not answer.get("isBase64Encoded"), path
    return int(answer["statusCode"]), found, str(answer.get("body") or "")


def test_the_console_routes_serve_its_files_and_nothing_else(served: Served) -> None:
    status, headers, body = _through_the_handler(served, "/console")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert "console/static/console.js" in body and "console/static/vendor/elk.bundled.js" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"

    for path, content_type in [("/console/static/console.js", "text/javascript; charset=utf-8"),
                               ("/console/static/console.css", "text/css; charset=utf-8"),
                               ("/console/static/vendor/elk.bundled.js", "text/javascript; charset=utf-8"),
                               ("/console/static/vendor/elkjs-LICENSE.md", "text/plain; charset=utf-8")]:
        status, headers, body = _through_the_handler(served, path)
        assert (status, headers["content-type"]) == (200, content_type), path
        assert body and headers["etag"], path
        again, _, unchanged = _through_the_handler(served, path, {"If-None-Match": headers["etag"]})
        assert (again, unchanged) == (304, ""), path
    assert "Eclipse Public License" in _through_the_handler(served, "/console/static/vendor/elkjs-LICENSE.md")[2]

    status, headers, _ = _through_the_handler(served, "/console/")
    assert (status, headers["location"]) == (302, "../console")

    # Over HTTP, paths sent as written: nothing outside the static folder, nothing but its own file types.
    status, headers, page = served.raw("/console")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert b"<title>CloudFlow console</title>" in page and "script-src 'self'" in headers["content-security-policy"]
    status, headers, script = served.raw("/console/static/vendor/elk.bundled.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8") and b"ELK" in script
    for path in ["/console/static/../routes.py", "/console/static/..%2Froutes.py", "/console/static/%2e%2e/routes.py",
                 "/console/static/vendor/../../routes.py", "/console/static/..", "/console/static/routes.py",
                 "/console/static/__init__.py", "/console/static/", "/console/static/vendor/missing.js",
                 "/console/static/%2e%2e/%2e%2e/api/app.py", "/console/static/.hidden.js",
                 "/console/static/vendor/%2e%2e"]:
        status, _, refused = served.raw(path)
        assert status == 404, (path, status, refused[:200])
        assert json.loads(refused)["error"] == "UnknownOperation", path
        assert _through_the_handler(served, path)[0] == 404, path

    paths = served.ok("GET", "/openapi.json")["paths"]
    assert paths and not [path for path in paths if path.startswith("/console")]


def test_a_yaml_definition_is_converted_for_the_graph(served: Served) -> None:
    text = "StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    End: true\n"
    assert served.ok("POST", "/console/asl", {"definition": text}) == {
        "format": "asl", "definition": {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}}
    status, refused = served.call("POST", "/console/asl", {"definition": "StartAt: [unclosed"})
    assert (status, refused["error"]) == (400, "InvalidDefinition"), refused
    status, refused = served.call("POST", "/console/asl", {"definition": 7})
    assert (status, refused["error"]) == (400, "InvalidRequest"), refused


# --- in the browser -----------------------------------------------------------------------------------


def test_flows_list_and_the_flow_graph(console: Console) -> None:
    served = console.served
    served.ok("POST", "/flows", {"name": "orders", "definition": DEMO_FLOW})
    served.ok("POST", "/flows", {"name": "approvals", "definition": APPROVAL_FLOW})

    console.open("/flows")
    rows = console.page.locator("[data-testid=flow-row]")
    rows.first.wait_for()
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.flow)")) == ["approvals", "orders"]
    console.shot("flows")

    console.page.click("[data-testid=flow-row][data-flow=orders] a >> nth=0")
    console.page.wait_for_selector("[data-testid=graph] [data-testid=state-node]")
    nodes = console.page.locator("[data-testid=state-node]")
    names = nodes.evaluate_all("nodes => nodes.map(n => n.dataset.state)")
    assert sorted(names) == sorted(DEMO_STATES)  # one node per state, nested ones included
    positions = nodes.evaluate_all("nodes => nodes.map(n => [Number(n.dataset.x), Number(n.dataset.y)])")
    assert len({tuple(p) for p in positions}) == len(DEMO_STATES)  # laid out: no two nodes at one place
    assert len({x for x, _ in positions}) > 1 and len({y for _, y in positions}) > 3

    # Parallel branches and the Map processor are drawn inside their state, branch by branch.
    fan = console.state("Fan")
    assert fan.locator("[data-testid=graph-branch]").count() == 2
    assert sorted(fan.locator("[data-testid=state-node]").evaluate_all("ns => ns.map(n => n.dataset.state)")) == \
        ["A1", "B1", "B2"]
    assert console.state("Each").locator("[data-testid=state-node][data-state=Item]").count() == 1
    assert console.state("Try").locator("[data-state=Bad]").count() == 1
    inner, outer = console.state("Item").bounding_box(), console.state("Each").locator("rect").first.bounding_box()
    assert outer["x"] < inner["x"] and inner["x"] + inner["width"] < outer["x"] + outer["width"]
    assert outer["y"] < inner["y"] and inner["y"] + inner["height"] < outer["y"] + outer["height"]

    edges = console.page.locator("[data-testid=graph-edge]").evaluate_all(
        "edges => edges.map(e => [e.dataset.kind, e.dataset.label || ''])")
    assert ["choice", '$.kind == "big"'] in edges and ["default", "Default"] in edges
    assert ["catch", "Catch States.ALL"] in edges and ["choice", "$.strict == true"] in edges
    assert sum(1 for kind, _ in edges if kind == "next") == 6  # from Small, Fan, Each, Try, Recover and B1
    assert console.page.locator("[data-testid=graph-start]").count() == 1
    assert console.page.locator("[data-testid=graph-end]").count() == 1

    console.click_state("Verdict")
    assert "BooleanEquals" in console.page.inner_text("[data-testid=state-definition]")
    console.shot("flow-graph")


def test_an_execution_on_its_graph_with_states_details_and_history(console: Console) -> None:
    served = console.served
    served.ok("POST", "/flows", {"name": "orders", "definition": DEMO_FLOW})
    strict = _start(served, "orders", "strict-7", {"kind": "big", "items": [1, 2], "strict": True})
    easy = _start(served, "orders", "easy-8", {"kind": "small", "items": [3], "strict": False})
    failed, succeeded = _wait_for_end(served, strict), _wait_for_end(served, easy)
    assert (failed["status"], succeeded["status"]) == ("FAILED", "SUCCEEDED")

    # The executions list and its status filters.
    console.open("/executions?flow=orders")
    console.page.wait_for_selector("[data-testid=execution-row]")
    listed = console.page.locator("[data-testid=execution-row]").evaluate_all(
        "rows => rows.map(r => [r.dataset.name, r.dataset.status])")
    assert sorted(listed) == [["easy-8", "SUCCEEDED"], ["strict-7", "FAILED"]]
    filters = console.page.locator("[data-testid=status-filter]").evaluate_all("fs => fs.map(f => f.dataset.status)")
    assert filters == ["ALL", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
    for status, expected in [("FAILED", ["strict-7"]), ("SUCCEEDED", ["easy-8"]), ("RUNNING", [])]:
        console.page.click(f"[data-testid=status-filter][data-status={status}]")
        console.page.wait_for_function(
            "s => document.querySelector(`[data-testid=status-filter][data-status=${s}].cf-active`)", arg=status)
        if expected:
            console.page.wait_for_selector("[data-testid=execution-row]")
        else:
            console.page.wait_for_selector("text=No RUNNING executions.")
        names = console.page.locator("[data-testid=execution-row]").evaluate_all("rs => rs.map(r => r.dataset.name)")
        assert names == expected, status
    console.page.click("[data-testid=status-filter][data-status=FAILED]")
    console.page.wait_for_selector("[data-testid=execution-row][data-name=strict-7]")
    console.shot("executions-failed")

    # The failed execution, drawn.
    console.page.click("[data-testid=execution-row][data-name=strict-7] a")
    console.page.wait_for_selector("[data-testid=state-node][data-state=Boom][data-status=failed]")
    assert console.page.inner_text("[data-testid=execution-status]") == "FAILED"
    assert console.page.inner_text("[data-testid=execution-error-name]") == "OrderRejected"
    assert console.page.inner_text("[data-testid=execution-cause]") == "strict orders may not recover"
    assert console.page.inner_text("[data-testid=transitions]") == str(failed["transitions"])
    statuses = console.statuses()
    assert {name: statuses[name] for name in ("Classify", "Small", "Fan", "Each", "Try", "Recover", "Verdict", "Boom",
                                              "Done")} == {
        "Classify": "exited", "Small": "none", "Fan": "exited", "Each": "exited", "Try": "caught",
        "Recover": "exited", "Verdict": "exited", "Boom": "failed", "Done": "none"}
    assert "cf-status-failed" in (console.state("Boom").get_attribute("class") or "")
    assert "cf-status-caught" in (console.state("Try").get_attribute("class") or "")
    assert "cf-status-exited" in (console.state("Classify").get_attribute("class") or "")

    # A click on a state shows its input and output; on the Fail state, its error and cause.
    console.click_state("Recover")
    assert console.page.inner_text("[data-testid=state-name]") == "Recover"
    recovered_input = json.loads(console.page.inner_text("[data-testid=state-input]"))
    assert recovered_input["err"] == {"Error": "Oops", "Cause": "it broke"} and recovered_input["strict"] is True
    assert json.loads(console.page.inner_text("[data-testid=state-output]")) == recovered_input
    console.click_state("Boom")
    assert console.page.inner_text("[data-testid=state-status]") == "failed"
    assert console.page.inner_text("[data-testid=state-error]") == "OrderRejected"
    assert console.page.inner_text("[data-testid=state-cause]") == "strict orders may not recover"

    # The timeline: every event of the history, in order, each with its state.
    events = served.ok("GET", f"/executions/{quote(strict, safe='')}/history")["events"]
    rows = console.page.locator("[data-testid=history-event]")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.type)") == [event["type"] for event in events]
    assert rows.first.get_attribute("data-type") == "ExecutionStarted"
    assert rows.last.get_attribute("data-type") == "ExecutionFailed"
    assert console.page.locator("[data-testid=history-event][data-type=ParallelStateFailed]").get_attribute(
        "data-state") == "Try"
    assert console.page.locator("[data-testid=refreshing]").count() == 0
    console.shot("execution-failed")

    # The succeeded one took the other paths.
    console.open(f"/executions/{quote(easy, safe='')}")
    console.page.wait_for_selector("[data-testid=execution-status]:has-text('SUCCEEDED')")
    console.page.wait_for_selector("[data-testid=state-node][data-state=Done][data-status=exited]")
    statuses = console.statuses()
    assert (statuses["Small"], statuses["Boom"], statuses["Try"]) == ("exited", "none", "caught")
    assert console.page.locator("[data-testid=execution-error]").count() == 0
    console.shot("execution-succeeded")


def test_a_running_execution_turns_succeeded_on_screen(console: Console) -> None:
    served = console.served
    served.ok("POST", "/flows", {"name": "approvals", "definition": APPROVAL_FLOW})
    arn = _start(served, "approvals", "order-9", {"order": 9})

    console.open(f"/executions/{quote(arn, safe='')}")
    console.page.wait_for_selector("[data-testid=state-node][data-state=Approve][data-status=running]")
    assert console.page.inner_text("[data-testid=execution-status]") == "RUNNING"
    assert console.page.locator("[data-testid=refreshing]").count() == 1
    assert console.statuses() == {"Prepare": "exited", "Approve": "running", "Ship": "none"}
    assert "cf-status-running" in (console.state("Approve").get_attribute("class") or "")
    console.click_state("Approve")
    assert json.loads(console.page.inner_text("[data-testid=state-input]")) == {"order": 9}
    console.shot("execution-running")

    pending = served.ok("GET", f"/executions/{quote(arn, safe='')}/pending-tasks")["pendingTasks"]
    served.ok("POST", "/tasks/success", {"taskToken": pending[0]["taskToken"], "output": {"approved": True}})

    # No reload: the page polls while the execution runs.
    console.page.wait_for_selector("[data-testid=execution-status]:has-text('SUCCEEDED')")
    console.page.wait_for_selector("[data-testid=state-node][data-state=Ship][data-status=exited]")
    assert console.statuses() == {"Prepare": "exited", "Approve": "exited", "Ship": "exited"}
    assert console.page.locator("[data-testid=refreshing]").count() == 0
    assert json.loads(console.page.inner_text("[data-testid=state-output]")) == {"order": 9,
                                                                                 "approval": {"approved": True}}
    described = served.ok("GET", f"/executions/{quote(arn, safe='')}")
    assert console.page.inner_text("[data-testid=transitions]") == str(described["transitions"])
    types = console.page.locator("[data-testid=history-event]").evaluate_all("rs => rs.map(r => r.dataset.type)")
    assert "TaskSucceeded" in types and types[-1] == "ExecutionSucceeded"
    console.shot("execution-running-then-succeeded")


# A Parallel whose second branch fails (the Parallel catches it) and a Map of three items, the second failing
# within ToleratedFailureCount: every nested state runs in a unit of its own, or in-process in the root's.
NESTED_FLOW: dict[str, Any] = {"StartAt": "Fan", "States": {
    "Fan": {"Type": "Parallel", "Next": "Each", "ResultPath": "$.fan",
            "Branches": [{"StartAt": "Fine", "States": {"Fine": {"Type": "Pass", "Result": "fine", "End": True}}},
                         {"StartAt": "Prep", "States": {
                             "Prep": {"Type": "Pass", "Next": "Broke"},
                             "Broke": {"Type": "Fail", "Error": "Oops", "Cause": "it broke"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.fan", "Next": "Each"}]},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "ToleratedFailureCount": 1, "End": True,
             "ItemProcessor": {"StartAt": "Check", "States": {
                 "Check": {"Type": "Choice", "Default": "Double",
                           "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Next": "Reject"},
                                       {"Variable": "$.n", "NumericEquals": 99, "Next": "Never"}]},
                 "Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": True},
                 "Reject": {"Type": "Fail", "Error": "Two", "Cause": "no twos"},
                 "Never": {"Type": "Pass", "End": True}}}}}}


@pytest.mark.parametrize("served", [0, 10], ids=["units", "in-process"], indirect=True)
def test_nested_states_are_coloured_from_their_units(console: Console) -> None:
    served = console.served
    served.ok("POST", "/flows", {"name": "nested", "definition": NESTED_FLOW})
    arn = _start(served, "nested", "n-1", {"items": [{"n": 1}, {"n": 2}, {"n": 3}]})
    assert _wait_for_end(served, arn)["status"] == "SUCCEEDED"

    console.open(f"/executions/{quote(arn, safe='')}")
    console.page.wait_for_selector("[data-testid=state-node][data-state=Double][data-status=exited]")
    assert console.statuses() == {"Fan": "caught", "Fine": "exited", "Prep": "exited", "Broke": "failed",
                                  "Each": "exited", "Check": "exited", "Double": "exited", "Reject": "failed",
                                  "Never": "none"}
    assert "cf-status-failed" in (console.state("Broke").get_attribute("class") or "")
    assert console.page.locator("[data-testid=map-counts]").text_content() == "2 \u2713 / 1 \u2717"

    # A nested state's details come from its unit's history: a branch's, a Map's first failed iteration
    # (else its last one).
    console.click_state("Fine")
    assert console.page.inner_text("[data-testid=state-unit]") == "Branch 1 of Fan"
    assert json.loads(console.page.inner_text("[data-testid=state-input]"))["items"][0] == {"n": 1}
    assert json.loads(console.page.inner_text("[data-testid=state-output]")) == "fine"
    console.click_state("Broke")
    assert console.page.inner_text("[data-testid=state-status]") == "failed"
    assert console.page.inner_text("[data-testid=state-error]") == "Oops"
    assert console.page.inner_text("[data-testid=state-cause]") == "it broke"
    console.click_state("Check")
    assert console.page.inner_text("[data-testid=state-unit]") == "Iteration 1 of 3 (the first failed)"
    assert json.loads(console.page.inner_text("[data-testid=state-input]")) == {"n": 2}
    console.click_state("Double")  # not in the failed iteration: from the last one that entered it
    assert console.page.inner_text("[data-testid=state-unit]") == "Iteration 2 of 3"
    assert json.loads(console.page.inner_text("[data-testid=state-input]")) == {"n": 3}
    assert json.loads(console.page.inner_text("[data-testid=state-output]")) == {"twice": 6}
    console.click_state("Never")
    assert console.page.inner_text("[data-testid=state-status]") == "none"
    assert console.page.inner_text("[data-testid=state-not-entered]") == \
        "Not entered in any branch or iteration (yet)."
    console.shot("execution-nested")
