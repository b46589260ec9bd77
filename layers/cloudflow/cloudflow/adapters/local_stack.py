"""`cloudflow local`: the API (and its console) on 127.0.0.1, over the runtime on in-process moto.

HTTP requests become API Gateway proxy events for the `api` handler, as API Gateway would make them. A
background pump delivers the queues and fires timers; the clock follows the wall clock, so callbacks and
task timeouts keep their real pace, and with `fast_forward` an idle stack jumps to its next wake-up (a
30-day Wait ends at once). One lock serialises handler invocations and pump rounds: the local runtime is
one process's worth of Lambda, not a concurrent service.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cloudflow.activities.dispatch import ActivityTaskResolver
from cloudflow.adapters.aws_sdk_invoker import AwsSdkTaskResolver
from cloudflow.adapters.dynamodb_activities import ambient_activities
from cloudflow.adapters.http_invoker import HttpTaskResolver
from cloudflow.adapters.local_pump import LocalRuntime, PumpReport
from cloudflow.adapters.system import SystemClock, SystemSecrets
from cloudflow.local.resolver_chain import FirstAnswer
from cloudflow.local.task_outcome import TaskResolver
from cloudflow.local.virtual_clock import PacedClock

_IDLE_SECONDS = 0.05
_MAX_BODY = 32 * 1024 * 1024


class LocalStack:
    """A local runtime served over HTTP, with its pump running in the background."""

    def __init__(self, runtime: LocalRuntime, fast_forward: bool = False) -> None:
        self.runtime = runtime
        self.fast_forward = fast_forward
        self.lock = threading.Lock()
        self.report = PumpReport()
        self._work = threading.Event()
        self._requests = 0

    def invoke_api(self, event: dict[str, Any]) -> dict[str, Any]:
        """The `api` handler's answer to an API Gateway proxy event (a 500 document if it raises)."""
        with self.lock:
            try:
                answer: dict[str, Any] = self.runtime.invoke("api", event)
            except Exception as error:  # never a trace to the caller; the server's log has it
                answer = {"statusCode": 500, "headers": {"Content-Type": "application/json"},
                          "body": json.dumps({"error": "InternalError", "message": type(error).__name__})}
        self._work.set()
        return answer

    def pump_forever(self, stop: threading.Event) -> None:
        """Deliver and fire whatever is ready, again and again, until `stop` is set."""
        while not stop.is_set():
            with self.lock:
                busy = self.runtime.deliver_ready(self.report)
                if not busy and self.fast_forward:
                    upcoming = self.runtime.next_due()
                    if upcoming is not None and upcoming > self.runtime.clock.now_ms():
                        self.runtime.clock.advance_to(upcoming)
                        busy = True
            if not busy:
                self._work.wait(_IDLE_SECONDS)
                self._work.clear()

    def server(self, host: str, port: int) -> ThreadingHTTPServer:
        """An HTTP server (not yet serving) that hands every request to the API."""
        return ThreadingHTTPServer((host, port), _handler_for(self))

    def next_request_id(self) -> str:
        with self.lock:
            self._requests += 1
            count = self._requests
        digest = hashlib.sha256(f"local-request:{count}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def proxy_event(method: str, target: str, headers: dict[str, str], body: bytes, request_id: str) -> dict[str, Any]:
    """The API Gateway REST API proxy event (payload format 1.0) for one HTTP request."""
    url = urlsplit(target)
    query = parse_qs(url.query, keep_blank_values=True)
    text: str | None
    encoded = False
    try:
        text = body.decode("utf-8") if body else None
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode(), True
    return {
        "resource": "/{proxy+}", "path": url.path, "httpMethod": method,
        "headers": dict(headers), "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": url.path.lstrip("/")} if url.path != "/" else None, "stageVariables": None,
        "requestContext": {"resourcePath": "/{proxy+}", "httpMethod": method, "path": url.path, "stage": "local",
                           "requestId": request_id, "apiId": "local", "accountId": "123456789012",
                           "identity": {"sourceIp": "127.0.0.1"}},
        "body": text, "isBase64Encoded": encoded,
    }


def _handler_for(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "CloudFlowLocal"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self._reply(413, {"Content-Type": "application/json"},
                            json.dumps({"error": "RequestTooLarge", "message": f"at most {_MAX_BODY} bytes"}))
                return
            body = self.rfile.read(length) if length else b""
            event = proxy_event(self.command, self.path, dict(self.headers.items()), body, stack.next_request_id())
            answer = stack.invoke_api(event)
            payload = answer.get("body") or ""
            if answer.get("isBase64Encoded"):
                self._reply(int(answer.get("statusCode", 200)), answer.get("headers") or {},
                            base64.b64decode(payload))
            else:
                self._reply(int(answer.get("statusCode", 200)), answer.get("headers") or {}, payload)

        def _reply(self, status: int, headers: dict[str, Any], body: str | bytes) -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, str(value))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the CLI prints what matters."""

    return Handler


def serve_in_background(stack: LocalStack, host: str = "127.0.0.1", port: int = 0
                        ) -> tuple[ThreadingHTTPServer, Callable[[], None]]:
    """Start the HTTP server and the pump on threads; returns the server and a function that stops both."""
    server = stack.server(host, port)
    stop = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, name="cloudflow-local-http", daemon=True),
               threading.Thread(target=stack.pump_forever, args=(stop,), name="cloudflow-local-pump", daemon=True)]
    for thread in threads:
        thread.start()

    def shutdown() -> None:
        stop.set()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)

    return server, shutdown


def open_local_stack(session: Any, project: Path | None = None, local_tasks: list[TaskResolver] | None = None,
                     fast_forward: bool = False) -> LocalStack:
    """A local stack on `session` (a boto3 session inside moto), on the wall clock, with fresh secrets.

    Tasks are answered by `local_tasks` first (Python functions, a SAM app's functions), then as deployed:
    HTTP endpoints for real, AWS APIs on the same moto, activities queued for workers."""
    tasks = FirstAnswer([*(local_tasks or []), HttpTaskResolver(session), AwsSdkTaskResolver(session),
                         ActivityTaskResolver(ambient_activities)])
    runtime = LocalRuntime(session, PacedClock(SystemClock().now_ms), SystemSecrets(), project=project, tasks=tasks)
    return LocalStack(runtime, fast_forward)
