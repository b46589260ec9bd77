"""HTTP Tasks end to end: a small real HTTP program on 127.0.0.1 (what a VM or a container would run), called
through `arn:aws:states:::http:invoke` by the pure local runner and by the durable runtime on moto, with the
connection's credentials in moto's Secrets Manager (directly, or behind an EventBridge connection)."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cloudflow.adapters.http_invoker import HttpTaskResolver
from cloudflow.asl.loader import load_state_machine
from cloudflow.local.runner import execution_info, run_to_end
from tests.e2e.conftest import START_MS
from tests.e2e.test_runtime_examples import run_on_pure_engine, run_on_runtime

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

INVOKE = "arn:aws:states:::http:invoke"
API_KEY = "k-123"
BASIC = ("alice", "s3cret")
SHORT_TIMEOUT = 0.3  # seconds: the socket timeout of the "never answers" test (60 by default)


# --- the program being called -------------------------------------------------------------------------

@dataclass
class Seen:
    """One request the endpoint received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Endpoint:
    """An HTTP program on 127.0.0.1 with a few routes; it records every request."""

    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    flaky_failures: int = 2  # /flaky answers 500 this many times, then 200
    release: threading.Event = field(default_factory=threading.Event)  # lets /hang return at teardown

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, seen: Seen) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request."""
        if seen.path == "/echo":
            return 200, "application/json", json.dumps({
                "method": seen.method, "query": seen.query, "body": seen.body.decode(),
                "contentType": seen.headers.get("content-type")}).encode()
        if seen.path == "/orders":
            if seen.headers.get("x-api-key") != API_KEY:
                return 401, "application/json", b'{"message":"bad key"}'
            return 200, "application/json", b'{"orders":[{"id":"o-1"}]}'
        if seen.path == "/basic":
            expected = "Basic " + base64.b64encode(":".join(BASIC).encode()).decode()
            if seen.headers.get("authorization") != expected:
                return 401, "text/plain", b"who are you?"
            return 200, "text/plain; charset=utf-8", b"welcome alice"
        if seen.path == "/flaky":
            if self.flaky_failures > 0:
                self.flaky_failures -= 1
                return 500, "text/plain", b"try again"
            return 200, "application/json", b'{"ok":true}'
        if seen.path == "/hang":
            self.release.wait(10)
            return 200, "text/plain", b"too late"
        return 404, "application/json", b'{"message":"no such route"}'


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    """The program, serving on an ephemeral port for one test."""
    program = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def handle_one(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            seen = Seen(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                        {name.lower(): value for name, value in self.headers.items()}, self.rfile.read(length))
            program.seen.append(seen)
            status, content_type, body = program.answer(seen)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                # A client that timed out on purpose (the socket-timeout tests) has gone: nothing to tell it.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = handle_one

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    program.port = server.server_address[1]
    # A short poll: shutdown() waits for the serving loop to look (0.5 s by default, per test).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield program
    program.release.set()
    server.shutdown()
    server.server_close()


# --- connections (moto) -------------------------------------------------------------------------------

@pytest.fixture
def basic_secret(aws: Any) -> str:
    """A Secrets Manager secret holding BASIC credentials, in EventBridge's secret shape."""
    secret = aws.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="orders-basic", SecretString=json.dumps({"username": BASIC[0], "password": BASIC[1]}))
    return str(secret["ARN"])


@pytest.fixture
def api_key_connection(aws: Any) -> str:
    """An EventBridge API_KEY connection (EventBridge keeps its credentials in a secret) with invocation
    parameters, as Step Functions' HTTP Task expects."""
    def parameter(key: str, value: str) -> dict[str, Any]:
        return {"Key": key, "Value": value, "IsValueSecret": False}

    connection = aws.client("events", region_name="us-east-1").create_connection(
        Name="orders-api", AuthorizationType="API_KEY", AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "X-Api-Key", "ApiKeyValue": API_KEY},
            "InvocationHttpParameters": {"HeaderParameters": [parameter("X-Tenant", "t-1")],
                                         "QueryStringParameters": [parameter("region", "eu")],
                                         "BodyParameters": [parameter("source", "cloudflow")]}})
    return str(connection["ConnectionArn"])


# --- running flows --------------------------------------------------------------------------------------

@dataclass
class Ended:
    """How a run ended, whichever engine ran it."""

    status: str
    output: Any
    error: str | None
    cause: str | None
    history: list[dict[str, Any]]


def _flow(state: dict[str, Any], **more: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": INVOKE, "End": True, **state},
                                         **more}}


def _call(endpoint: str, method: str, connection: str, **parameters: Any) -> dict[str, Any]:
    return {"Parameters": {"ApiEndpoint": endpoint, "Method": method, "Authentication": {"ConnectionArn": connection},
                           **parameters}}


def _run(engine: str, aws: Any, local_runtime: Any, flow: dict[str, Any], execution_input: Any = None,
         timeout_seconds: float = 60.0) -> Ended:
    resolver = HttpTaskResolver(aws, timeout_seconds=timeout_seconds)
    if engine == "durable":
        run = run_on_runtime(local_runtime(tasks=resolver), flow, execution_input or {})
        described = run.described
        return Ended(run.status, run.output, described.get("error"), described.get("cause"), run.history())
    result = run_to_end(load_state_machine(json.dumps(flow)),
                        execution_info("http-flow", "e-1", execution_input or {}, START_MS), resolver)
    return Ended(result.status, result.output, result.error, result.cause, result.history)


ENGINES = pytest.mark.parametrize("engine", ["local-runner", "durable"])


# --- tests ----------------------------------------------------------------------------------------------

@ENGINES
def test_get_with_query_parameters_and_an_api_key_from_an_eventbridge_connection(
        engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint, api_key_connection: str) -> None:
    flow = _flow(_call(endpoint.url("/orders?page=2"), "GET", api_key_connection,
                       QueryParameters={"status.$": "$.status", "tag": ["a b", "c"]},
                       Headers={"X-Request-Id": "r-9"}))
    ended = _run(engine, aws, local_runtime, flow, {"status": "open"})
    assert ended.status == "SUCCEEDED", ended.cause
    output = ended.output
    assert (output["StatusCode"], output["StatusText"], output["ResponseBody"]) == (
        200, "OK", {"orders": [{"id": "o-1"}]})
    assert output["Headers"]["content-type"] == ["application/json"]
    assert list(output) == ["Headers", "ResponseBody", "StatusCode", "StatusText"]
    seen = endpoint.seen[-1]
    assert seen.query == {"page": ["2"], "status": ["open"], "tag": ["a b", "c"], "region": ["eu"]}
    assert (seen.headers["x-api-key"], seen.headers["x-tenant"], seen.headers["x-request-id"]) == (
        API_KEY, "t-1", "r-9")
    assert seen.headers["user-agent"] == "Amazon|StepFunctions|HttpInvoke|us-east-1"
    assert seen.headers["range"] == "bytes=0-262144"


@ENGINES
def test_post_a_json_body_merged_with_the_connections_body_parameters(
        engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint, api_key_connection: str) -> None:
    flow = _flow({**_call(endpoint.url("/echo"), "POST", api_key_connection,
                          RequestBody={"order": {"id.$": "$.id", "lines": [1, 2]}, "source": "definition"}),
                  "ResultSelector": {"sent.$": "$.ResponseBody"}})
    ended = _run(engine, aws, local_runtime, flow, {"id": "o-7"})
    assert ended.status == "SUCCEEDED", ended.cause
    sent = ended.output["sent"]
    assert sent["method"] == "POST" and sent["contentType"] == "application/json; charset=UTF-8"
    assert json.loads(sent["body"]) == {"order": {"id": "o-7", "lines": [1, 2]}, "source": "cloudflow"}


@pytest.mark.parametrize(("array_format", "fields"), [
    ("INDICES", {"sku[0]": ["a"], "sku[1]": ["b"], "note": ["x y"]}),
    ("REPEAT", {"sku": ["a", "b"], "note": ["x y"]}),
    ("COMMAS", {"sku": ["a,b"], "note": ["x y"]}),
    ("BRACKETS", {"sku[]": ["a", "b"], "note": ["x y"]}),
])
def test_url_encoded_bodies_with_each_array_format(aws: Any, local_runtime: Any, endpoint: Endpoint,
                                                   basic_secret: str, array_format: str,
                                                   fields: dict[str, list[str]]) -> None:
    flow = _flow(_call(endpoint.url("/echo"), "PUT", basic_secret,
                       Headers={"Content-Type": "application/x-www-form-urlencoded"},
                       RequestBody={"sku": ["a", "b"], "note": "x y"},
                       Transform={"RequestBodyEncoding": "URL_ENCODED",
                                  "RequestEncodingOptions": {"ArrayFormat": array_format}}))
    ended = _run("local-runner", aws, local_runtime, flow)
    assert ended.status == "SUCCEEDED", ended.cause
    seen = endpoint.seen[-1]
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(seen.body.decode()) == fields


@ENGINES
def test_basic_auth_from_a_secrets_manager_secret_and_a_text_answer(
        engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint, basic_secret: str) -> None:
    ended = _run(engine, aws, local_runtime, _flow(_call(endpoint.url("/basic"), "GET", basic_secret)))
    assert ended.status == "SUCCEEDED", ended.cause
    assert (ended.output["ResponseBody"], ended.output["StatusCode"]) == ("welcome alice", 200)


@ENGINES
def test_a_404_is_caught_by_its_status_code_error(engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint,
                                                  basic_secret: str) -> None:
    flow = _flow({**_call(endpoint.url("/nowhere"), "DELETE", basic_secret), "End": False, "Next": "Found",
                  "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "ResultPath": "$.error", "Next": "Gone"}]},
                 Found={"Type": "Succeed"}, Gone={"Type": "Pass", "End": True})
    ended = _run(engine, aws, local_runtime, flow, {"id": "o-1"})
    assert ended.status == "SUCCEEDED", ended.cause
    assert ended.output == {"id": "o-1", "error": {"Error": "States.Http.StatusCode.404", "Cause": "Not Found"}}


@ENGINES
def test_a_500_is_retried_until_the_endpoint_answers(engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint,
                                                     basic_secret: str) -> None:
    flow = _flow({**_call(endpoint.url("/flaky"), "POST", basic_secret, RequestBody={"n": 1}),
                  "Retry": [{"ErrorEquals": ["States.Http.StatusCode.500"], "IntervalSeconds": 1, "MaxAttempts": 3}]})
    ended = _run(engine, aws, local_runtime, flow)
    assert ended.status == "SUCCEEDED", ended.cause
    assert ended.output["ResponseBody"] == {"ok": True}
    assert [seen.path for seen in endpoint.seen] == ["/flaky"] * 3
    failed = [event for event in ended.history if event["type"] == "TaskFailed"]
    assert [event["taskFailedEventDetails"]["error"] for event in failed] == ["States.Http.StatusCode.500"] * 2


@ENGINES
def test_a_500_that_persists_fails_the_execution(engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint,
                                                 basic_secret: str) -> None:
    endpoint.flaky_failures = 5
    ended = _run(engine, aws, local_runtime, _flow(_call(endpoint.url("/flaky"), "GET", basic_secret)))
    assert (ended.status, ended.error, ended.cause) == ("FAILED", "States.Http.StatusCode.500",
                                                        "Internal Server Error")


@ENGINES
def test_an_endpoint_that_never_answers_is_a_socket_error_after_the_timeout(
        engine: str, aws: Any, local_runtime: Any, endpoint: Endpoint, basic_secret: str) -> None:
    flow = _flow({**_call(endpoint.url("/hang"), "GET", basic_secret),
                  "Catch": [{"ErrorEquals": ["States.Http.Socket"], "Next": "Unreachable"}]},
                 Unreachable={"Type": "Pass", "End": True})
    began = time.monotonic()
    ended = _run(engine, aws, local_runtime, flow, timeout_seconds=SHORT_TIMEOUT)
    assert time.monotonic() - began < 5
    assert ended.status == "SUCCEEDED", ended.cause
    assert ended.output["Error"] == "States.Http.Socket"
    assert ended.output["Cause"] == f"The HTTP request to {endpoint.url('/hang')} timed out after 0.3 seconds."


def test_a_refused_connection_is_a_socket_error(aws: Any, local_runtime: Any, basic_secret: str) -> None:
    ended = _run("local-runner", aws, local_runtime, _flow(_call("http://127.0.0.1:9/closed", "GET", basic_secret)))
    assert (ended.status, ended.error) == ("FAILED", "States.Http.Socket")
    assert (ended.cause or "").startswith("The HTTP request to http://127.0.0.1:9/closed failed: ")


@pytest.mark.parametrize(("parameters", "says"), [
    ({"Method": None}, "http:invoke needs Method, one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD."),
    ({"ApiEndpoint": "http://orders.internal/run"}, "ApiEndpoint must use https, as Step Functions requires"),
    ({"Headers": {"Authorization": "Bearer t"}}, "The header 'Authorization' cannot be set"),
])
def test_invalid_parameters_fail_the_execution_with_a_runtime_error_no_catch_handles(
        aws: Any, local_runtime: Any, endpoint: Endpoint, basic_secret: str, parameters: dict[str, Any],
        says: str) -> None:
    call = _call(endpoint.url("/echo"), "GET", basic_secret)
    call["Parameters"] = {k: v for k, v in {**call["Parameters"], **parameters}.items() if v is not None}
    flow = _flow({**call, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}]},
                 Handled={"Type": "Pass", "End": True})
    ended = _run("local-runner", aws, local_runtime, flow)
    assert (ended.status, ended.error) == ("FAILED", "States.Runtime")
    assert (ended.cause or "").startswith("An error occurred while executing the state 'Call'. ")
    assert says in (ended.cause or "")
    assert endpoint.seen == []


def test_connection_problems_are_events_connection_resource_errors(aws: Any, local_runtime: Any,
                                                                   endpoint: Endpoint) -> None:
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nobody-AbCdEf"
    ended = _run("local-runner", aws, local_runtime, _flow(_call(endpoint.url("/echo"), "GET", missing)))
    assert (ended.status, ended.error) == ("FAILED", "Events.ConnectionResource.ResourceNotFound")
    oauth = aws.client("events", region_name="us-east-1").create_connection(
        Name="oauth", AuthorizationType="OAUTH_CLIENT_CREDENTIALS", AuthParameters={"OAuthParameters": {
            "ClientParameters": {"ClientID": "c", "ClientSecret": "s"},
            "AuthorizationEndpoint": "https://auth.example/token", "HttpMethod": "POST"}})["ConnectionArn"]
    ended = _run("local-runner", aws, local_runtime, _flow(_call(endpoint.url("/echo"), "GET", oauth)))
    assert (ended.status, ended.error) == ("FAILED", "States.Runtime")
    assert "uses OAUTH_CLIENT_CREDENTIALS, which CloudFlow's HTTP tasks do not support" in (ended.cause or "")
    assert endpoint.seen == []


def test_wait_for_task_token_is_refused_clearly(aws: Any, local_runtime: Any, endpoint: Endpoint,
                                               basic_secret: str) -> None:
    flow = _flow({**_call(endpoint.url("/echo"), "GET", basic_secret), "Resource": f"{INVOKE}.waitForTaskToken"})
    ended = _run("local-runner", aws, local_runtime, flow)
    assert (ended.status, ended.error) == ("FAILED", "States.Runtime")
    assert "has only the request-response pattern" in (ended.cause or "")


def test_the_durable_runtime_ends_as_the_pure_engine_does(aws: Any, local_runtime: Any, endpoint: Endpoint,
                                                          basic_secret: str) -> None:
    flow = _flow({**_call(endpoint.url("/basic"), "HEAD", basic_secret), "End": False, "Next": "Missing",
                  "ResultPath": "$.head"},
                 Missing={**_flow(_call(endpoint.url("/missing"), "GET", basic_secret))["States"]["Call"],
                          "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}],
                          "End": False, "Next": "Done"},
                 Done={"Type": "Pass", "End": True})
    resolver = HttpTaskResolver(aws)
    run = run_on_runtime(local_runtime(tasks=resolver), flow, {})
    pure = run_on_pure_engine(flow, {}, resolver, run.start_ms)
    assert run.outcome()[:1] + run.outcome()[2:] == (pure.status, pure.error, pure.cause, pure.transitions)
    assert _without_dates(run.output) == _without_dates(pure.output)
    assert run.output["head"]["ResponseBody"] == "" and run.output["error"]["Error"] == "States.Http.StatusCode.404"


def _without_dates(output: dict[str, Any]) -> dict[str, Any]:
    headers = {name: value for name, value in output["head"]["Headers"].items() if name != "date"}
    return {**output, "head": {**output["head"], "Headers": headers}}
