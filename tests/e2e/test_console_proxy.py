"""`cloudflow console`: the signing proxy between a browser and a deployed stack's API.

The chain is real: proxy -> an upstream standing in for API Gateway with IAM authorization (it recomputes
each request's SigV4 signature with botocore from the test credentials and what it received, answers 403
when they differ, and strips the `/v1` stage) -> the local stack over a local runtime on moto.
"""

from __future__ import annotations

import hmac
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cloudflow.cli_api.client import sigv4_signer
from cloudflow.cli_api.connection import Target
from cloudflow.cli_api.console_proxy import ConsoleProxyServer, Upstream, canonical_target, proxy_in_background

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

REPO = Path(__file__).resolve().parents[2]
CREDENTIALS = Credentials("AKIDCONSOLETEST", "console-test-secret", "console-test-session-token")
REGION, SERVICE, STAGE = "us-east-1", "execute-api", "/v1"
CHROMIUM = "/usr/bin/chromium"
HELLO_FLOW = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"said": "hello"}, "End": True}}}
_AUTHORIZATION = re.compile(r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<day>\d{8})/(?P<region>[^/]+)/"
                            r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<names>[a-z0-9;-]+), "
                            r"Signature=(?P<signature>[0-9a-f]{64})")


def signature_problem(method: str, target: str, headers: Any, body: bytes) -> str | None:
    """Why API Gateway would refuse this request's signature, or None when it is valid for CREDENTIALS."""
    found = _AUTHORIZATION.fullmatch(headers.get("Authorization") or "")
    if found is None:
        return "no SigV4 Authorization header"
    if (found["key"], found["region"], found["service"]) != (CREDENTIALS.access_key, REGION, SERVICE):
        return "signed for another key, region or service"
    names = found["names"].split(";")
    if not {"host", "x-amz-date", "x-amz-security-token"} <= set(names) or any(headers.get(n) is None for n in names):
        return f"host, x-amz-date and the session token must be signed, and sent: {names}"
    stamp = headers["X-Amz-Date"]
    age = abs(datetime.now(UTC) - datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC))
    if not stamp.startswith(found["day"]) or age.total_seconds() > 300:
        return "X-Amz-Date is not today's or not within 5 minutes"
    request = AWSRequest(method=method, url=f"http://{headers['Host']}{target}", data=body,
                         headers={name: headers[name] for name in names})
    request.context["timestamp"] = stamp
    auth = SigV4Auth(CREDENTIALS, SERVICE, REGION)
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return None if hmac.compare_digest(expected, found["signature"]) else "the signature does not match"


@dataclass
class VerifyingUpstream:
    """API Gateway's part: SigV4 checked on every request, then the stage's requests passed to `backend`."""

    backend: tuple[str, int]
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    url: str = ""

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        problem = signature_problem(request.command, request.path, request.headers, body)
        if problem is not None:
            self.refused.append(f"{request.command} {request.path}: {problem}")
            _reply(request, 403, [("Content-Type", "application/json"),
                                  ("x-amzn-ErrorType", "InvalidSignatureException")],
                   json.dumps({"message": problem}).encode())
            return
        self.accepted.append(f"{request.command} {request.path}")
        if not request.path.startswith(STAGE + "/"):
            _reply(request, 403, [("Content-Type", "application/json")], b'{"message":"Missing Authentication Token"}')
            return
        connection = http.client.HTTPConnection(*self.backend, timeout=30)
        try:
            passed = {n: request.headers[n] for n in ("Accept", "Content-Type", "If-None-Match") if request.headers[n]}
            connection.request(request.command, request.path[len(STAGE):], body=body or None, headers=passed)
            answer = connection.getresponse()
            headers = [(n, v) for n, v in answer.getheaders() if n.lower() not in ("content-length", "connection")]
            _reply(request, answer.status, headers, answer.read())
        finally:
            connection.close()


def _reply(request: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    request.send_response(status)
    for name, value in headers:
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def _serve_upstream(upstream: VerifyingUpstream) -> tuple[ThreadingHTTPServer, Callable[[], None]]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            upstream.handle(self)

        do_POST = do_PUT = do_DELETE = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    upstream.url = f"http://127.0.0.1:{server.server_address[1]}{STAGE}"

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return server, stop


@dataclass
class Chain:
    """The proxy in front of the verifying upstream in front of the local stack."""

    proxy: ConsoleProxyServer
    upstream: VerifyingUpstream
    stack: tuple[str, int]
    logged: list[str]

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                port: int | None = None) -> tuple[int, dict[str, str], bytes]:
        """Send `path` as written to the proxy (or to another server on 127.0.0.1 by `port`)."""
        data = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json"} if data is not None else {}
        connection = http.client.HTTPConnection("127.0.0.1", port or self.proxy.port, timeout=30)
        try:
            connection.request(method, path, body=data, headers={**sent, **(headers or {})})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, body: Any = None, **options: Any) -> tuple[int, Any]:
        status, _, text = self.request(method, path, body, **options)
        return status, json.loads(text or b"null")


@pytest.fixture
def chain(local_runtime: Callable[..., Any]) -> Iterator[Chain]:
    from cloudflow.adapters.local_stack import LocalStack, serve_in_background

    stack_server, stop_stack = serve_in_background(LocalStack(local_runtime(), fast_forward=True), "127.0.0.1", 0)
    stack = ("127.0.0.1", int(stack_server.server_address[1]))
    upstream = VerifyingUpstream(stack)
    _, stop_upstream = _serve_upstream(upstream)
    logged: list[str] = []
    proxy, stop_proxy = proxy_in_background(Upstream(upstream.url, sigv4_signer(CREDENTIALS, REGION)),
                                            log=logged.append)
    try:
        yield Chain(proxy, upstream, stack, logged)
    finally:
        stop_proxy()
        stop_upstream()
        stop_stack()


def test_the_console_and_the_api_are_served_through_the_signing_proxy(chain: Chain) -> None:
    status, headers, page = chain.request("GET", "/console")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8"), page[:300]
    assert b"<title>CloudFlow console</title>" in page and "script-src 'self'" in headers["content-security-policy"]
    status, headers, script = chain.request("GET", "/console/static/console.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8") and script
    assert chain.request("GET", "/console/static/console.js", headers={"If-None-Match": headers["etag"]})[0] == 304
    status, headers, _ = chain.request("GET", "/console/")  # the API's redirect reaches the browser, unfollowed
    assert (status, headers["location"]) == (302, "../console")
    assert chain.request("GET", "/")[1]["location"] == "/console"

    assert chain.json("POST", "/flows", {"name": "hello", "definition": HELLO_FLOW})[0] == 201
    status, listed = chain.json("GET", "/flows")
    assert status == 200 and [flow["name"] for flow in listed["flows"]] == ["hello"]
    status, started = chain.json("POST", "/executions", {"flow": "hello", "name": "first-run", "input": {"n": 1}})
    assert status == 200, started
    arn = started["executionArn"]
    described: dict[str, Any] = {}
    deadline = time.monotonic() + 10
    while described.get("status") != "SUCCEEDED" and time.monotonic() < deadline:
        status, described = chain.json("GET", f"/executions/{quote(arn, safe='')}")  # the ARN's ':' encoded
        assert status == 200, described
    assert json.loads(described["output"]) == {"said": "hello"}, described
    # A query as the console's URLSearchParams writes it.
    status, found = chain.json("GET", "/executions?flow=hello&status=SUCCEEDED&maxResults=10")
    assert status == 200 and [e["name"] for e in found["executions"]] == ["first-run"], found
    status, missing = chain.json("GET", f"/executions/{quote(arn + 'x', safe='')}")  # the API's refusals pass as is
    assert (status, missing["error"]) == (404, "ExecutionDoesNotExist")

    assert chain.upstream.refused == [] and chain.logged == []
    assert f"GET {STAGE}/console" in chain.upstream.accepted
    assert f"GET {STAGE}/executions/{quote(arn, safe='')}" in chain.upstream.accepted


def test_the_upstream_refuses_what_is_not_signed_right(chain: Chain) -> None:
    upstream_port = int(chain.upstream.url.split(":")[2].split("/")[0])
    status, headers, refused = chain.request("GET", f"{STAGE}/flows", port=upstream_port)  # no proxy, no signature
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException"), refused

    host = f"127.0.0.1:{upstream_port}"
    right = sigv4_signer(CREDENTIALS, REGION)
    wrong = sigv4_signer(Credentials(CREDENTIALS.access_key, "not-the-secret", CREDENTIALS.token), REGION)
    body = json.dumps({"name": "hello", "definition": HELLO_FLOW}).encode()
    for signer, sent_body, expected in [(wrong, body, 403), (right, body + b" ", 403), (right, body, 201)]:
        headers = signer("POST", f"http://{host}{STAGE}/flows", {"Content-Type": "application/json"}, body)
        connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
        connection.request("POST", f"{STAGE}/flows", body=sent_body, headers=headers)
        assert connection.getresponse().status == expected
        connection.close()
    assert len(chain.upstream.refused) == 3 and len(chain.upstream.accepted) == 1


def test_a_stack_named_by_name_is_found_in_its_outputs_and_signed_for(chain: Chain, aws: Any) -> None:
    import botocore.session

    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"ManagementApiUrl": {"Value": chain.upstream.url + "/"}}}
    aws.client("cloudformation", region_name=REGION).create_stack(StackName="cloudflow-prod",
                                                                  TemplateBody=json.dumps(template))
    session = botocore.session.Session()
    session.set_credentials(CREDENTIALS.access_key, CREDENTIALS.secret_key, CREDENTIALS.token)
    upstream = Upstream.from_target(Target.chosen(None, "cloudflow-prod", REGION, use_environment=False), session)
    assert upstream.endpoint == chain.upstream.url and upstream.signer is not None
    proxy, stop = proxy_in_background(upstream)
    try:
        status, listed = chain.json("GET", "/flows", port=proxy.port)
    finally:
        stop()
    assert (status, listed["flows"]) == (200, []) and chain.upstream.accepted == [f"GET {STAGE}/flows"]


def test_the_region_may_come_from_aws_region_alone(chain: Chain, aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"ManagementApiUrl": {"Value": chain.upstream.url + "/"}}}
    aws.client("cloudformation", region_name=REGION).create_stack(StackName="cloudflow-env",
                                                                  TemplateBody=json.dumps(template))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)  # what the AWS CLI v2 and the SDKs read; botocore does not
    session = botocore.session.Session()
    session.set_credentials(CREDENTIALS.access_key, CREDENTIALS.secret_key, CREDENTIALS.token)
    upstream = Upstream.from_target(Target.chosen(None, "cloudflow-env", None, use_environment=False), session)
    assert upstream.endpoint == chain.upstream.url


def test_an_unreachable_api_is_a_clear_error_document() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logged: list[str] = []
    proxy, stop = proxy_in_background(Upstream(f"http://127.0.0.1:{port}/v1", sigv4_signer(CREDENTIALS, REGION)),
                                      log=logged.append)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
        connection.request("GET", "/flows")
        answer = connection.getresponse()
        status, content_type, document = answer.status, answer.getheader("Content-Type"), json.loads(answer.read())
        connection.close()
    finally:
        stop()
    assert (status, content_type, document["error"]) == (502, "application/json", "UpstreamUnreachable")
    assert f"cannot reach http://127.0.0.1:{port}/v1" in document["message"]
    assert len(logged) == 1 and "502" in logged[0]


def test_requests_from_other_sites_or_host_names_are_refused(chain: Chain) -> None:
    own = f"http://127.0.0.1:{chain.proxy.port}"
    for headers, error in [({"Origin": "https://evil.example"}, "ForbiddenOrigin"),
                           ({"Origin": own, "Sec-Fetch-Site": "cross-site"}, "ForbiddenOrigin"),
                           ({"Host": f"evil.example:{chain.proxy.port}"}, "ForbiddenHost")]:
        status, refused = chain.json("POST", "/flows", {"name": "evil", "definition": HELLO_FLOW}, headers=headers)
        assert (status, refused["error"]) == (403, error), headers
    assert chain.upstream.accepted == []
    # The page's own requests carry its origin.
    assert chain.json("POST", "/flows", {"name": "mine", "definition": HELLO_FLOW},
                      headers={"Origin": own, "Sec-Fetch-Site": "same-origin"})[0] == 201
    assert chain.json("GET", "/flows", headers={"Host": f"localhost:{chain.proxy.port}"})[0] == 200


def test_the_path_and_query_are_encoded_as_sigv4_encodes_them() -> None:
    assert canonical_target("/executions/arn%3Aaws%3Astates%3Ax?flow=a+b&x=*&status=") == \
        "/executions/arn%3Aaws%3Astates%3Ax?flow=a%20b&x=%2A&status="
    assert canonical_target("/flows/caf%C3%A9(1)") == "/flows/caf%C3%A9%281%29"
    assert canonical_target("/console/static/%2e%2e/x") == "/console/static/%2E%2E/x"


def test_the_cli_command_serves_the_console_and_stops_on_ctrl_c(chain: Chain) -> None:
    # Unsigned here (a local stack's URL, as `--endpoint` takes it): signing is the chain's tests' part.
    process = subprocess.Popen([sys.executable, "-m", "cloudflow.cli", "console", "--port", "0",
                                "--endpoint", f"http://{chain.stack[0]}:{chain.stack[1]}"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/console", line)
        assert found, line + (process.stderr.read() if process.poll() is not None and process.stderr else "")
        status, _, page = chain.request("GET", "/console", port=int(found[1]))
        assert status == 200 and b"<title>CloudFlow console</title>" in page
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_the_console_lists_flows_in_a_browser_through_the_proxy(chain: Chain) -> None:
    from playwright import sync_api

    assert chain.json("POST", "/flows", {"name": "hello", "definition": HELLO_FLOW})[0] == 201
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.goto(f"{chain.proxy.console_url}#/flows")
            page.locator("[data-testid=flow-row][data-flow=hello]").wait_for(timeout=10_000)
        finally:
            browser.close()
    assert problems == [] and chain.upstream.refused == []
    assert any(line.startswith(f"GET {STAGE}/flows") for line in chain.upstream.accepted)
