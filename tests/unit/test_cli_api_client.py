"""The CLI's API client against a local HTTP server that records each request: SigV4 signing with fixed
credentials (checked by re-signing what the server received), plain requests to a local stack, and refusals
(the API's error documents, API Gateway's own) as named errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cloudflow.cli_api.client import ApiClient, ApiError, execution_path, sigv4_signer
from cloudflow.cli_api.connection import ConnectionProblem, Target

CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
ARN = "arn:aws:states:eu-west-1:123456789012:execution:orders:order-7"


@dataclass
class Recorded:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    """Answers every request with `answer` (status, headers, body) and records it."""

    base: str
    requests: list[Recorded] = field(default_factory=list)
    answer: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "application/json"}, b'{"ok":true}')


@pytest.fixture
def server() -> Iterator[Server]:
    holder: list[Server] = []

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            holder[0].requests.append(Recorded(self.command, self.path, dict(self.headers.items()),
                                               self.rfile.read(length)))
            status, headers, body = holder[0].answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(Server(f"http://127.0.0.1:{httpd.server_address[1]}/v1"))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        httpd.shutdown()
        httpd.server_close()


def expected_signature(recorded: Recorded, host_base: str, region: str) -> str:
    """The signature of the request as received, computed anew (as API Gateway checks it)."""
    headers = {name: value for name, value in recorded.headers.items()
               if name.lower() in ("accept", "content-type", "x-amz-date", "x-amz-security-token")}
    request = AWSRequest(method=recorded.method, url=host_base + recorded.path, data=recorded.body, headers=headers)
    request.context["timestamp"] = recorded.headers["X-Amz-Date"]
    auth = SigV4Auth(CREDENTIALS, "execute-api", region)
    return str(auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request))


def test_the_client_signs_each_request_with_sigv4_for_execute_api(server: Server) -> None:
    client = ApiClient(server.base + "/", sigv4_signer(CREDENTIALS, "eu-west-1"))
    client.post("/executions", {"flow": "orders", "input": "{}"})
    client.get(execution_path(ARN, "history"), reverseOrder=True)

    started, history = server.requests
    authorization = started.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request, SignedHeaders=" in authorization
    assert "content-type;host;x-amz-date;x-amz-security-token" in authorization
    assert started.headers["X-Amz-Security-Token"] == "session-token"
    assert json.loads(started.body) == {"flow": "orders", "input": "{}"}

    # The ARN's ':' travel percent-encoded, and the signature covers the path and query as received.
    assert history.path == "/v1/executions/arn%3Aaws%3Astates%3Aeu-west-1%3A123456789012%3Aexecution%3Aorders" \
                           "%3Aorder-7/history?reverseOrder=true"
    host = server.base.removesuffix("/v1")
    for recorded in (started, history):
        assert recorded.headers["Authorization"].endswith(
            f"Signature={expected_signature(recorded, host, 'eu-west-1')}")


def test_a_local_stack_is_called_without_signature(server: Server) -> None:
    answer = ApiClient(server.base).get("/flows", maxResults=5, nextToken=None)
    assert (answer.status, answer.document, answer.text) == (200, {"ok": True}, '{"ok":true}')
    (recorded,) = server.requests
    assert recorded.path == "/v1/flows?maxResults=5" and "Authorization" not in recorded.headers


def test_the_api_error_document_names_the_error(server: Server) -> None:
    document = {"error": "InvalidDefinition", "message": "Invalid definition (1 problem(s))",
                "diagnostics": [{"code": "X", "message": "m", "pointer": "/StartAt"}]}
    server.answer = (400, {"Content-Type": "application/json"}, json.dumps(document).encode())
    with pytest.raises(ApiError) as refused:
        ApiClient(server.base).post("/flows", {"name": "x", "definition": "{}"})
    assert (refused.value.name, refused.value.status, refused.value.exit_status) == ("InvalidDefinition", 400, 2)
    assert refused.value.document == document


def test_api_gateway_refusals_are_named_by_their_error_type_header(server: Server) -> None:
    server.answer = (403, {"Content-Type": "application/json", "x-amzn-ErrorType": "InvalidSignatureException:http://"},
                     b'{"message":"The request signature we calculated does not match"}')
    with pytest.raises(ApiError) as refused:
        ApiClient(server.base).get("/flows")
    assert (refused.value.name, refused.value.message) == ("InvalidSignatureException",
                                                           "The request signature we calculated does not match")
    server.answer = (502, {}, b"Bad Gateway")
    with pytest.raises(ApiError) as failed:
        ApiClient(server.base).get("/flows")
    assert (failed.value.name, failed.value.exit_status) == ("HTTP502", 1)


def test_an_answer_that_is_no_json_object_is_not_this_api(server: Server) -> None:
    server.answer = (200, {"Content-Type": "text/html"}, b"<html>hello</html>")
    with pytest.raises(ApiError) as wrong:
        ApiClient(server.base).get("/flows")
    assert wrong.value.name == "UnexpectedAnswer" and wrong.value.exit_status == 1


def test_an_option_names_the_api_before_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLOW_ENDPOINT", "http://127.0.0.1:1")
    monkeypatch.setenv("CLOUDFLOW_STACK", "from-env")
    assert Target.chosen(None, "prod").stack_name == "prod"
    assert Target.chosen(None, None).endpoint == "http://127.0.0.1:1"
    monkeypatch.delenv("CLOUDFLOW_ENDPOINT")
    assert Target.chosen(None, None).stack_name == "from-env"
    with pytest.raises(ConnectionProblem, match="not both"):
        Target.chosen("http://x", "prod")
    with pytest.raises(ConnectionProblem) as none:
        Target.chosen(None, None, use_environment=False)
    assert none.value.name == "NoEndpoint" and none.value.exit_status == 2


def test_an_execute_api_endpoint_is_signed_for_its_own_region(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.session

    from cloudflow.cli_api.connection import connect

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    session = botocore.session.Session()
    deployed = connect(Target("https://abc123.execute-api.ap-south-1.amazonaws.com/v1/", region="us-east-1"), session)
    assert deployed.signer is not None
    headers = deployed.signer("GET", deployed.endpoint + "/flows", {}, b"")
    assert "/ap-south-1/execute-api/aws4_request" in headers["Authorization"]
    assert connect(Target("http://127.0.0.1:8765"), session).signer is None
