"""`cloudflow local`: the API (and its console) on 127.0.0.1, over the runtime on in-process moto.

HTTP requests become API Gateway proxy events for the `api` handler, as API Gateway would make them. A
background pump delivers the queues and fires timers and trigger schedules; the clock follows the wall
clock, so callbacks and task timeouts keep their real pace, and with `fast_forward` an idle stack jumps to
its next wake-up (a 30-day Wait ends at once; so does the wait for a schedule's next fire, so a recurring
schedule fires as fast as the stack runs). With triggers, `POST /local/events` puts events on the stack's
default bus (see `cloudflow.local.event_routes`). One lock serialises handler invocations and pump rounds:
the local runtime is one process's worth of Lambda, not a concurrent service.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cloudflow.activities.dispatch import ActivityTaskResolver
from cloudflow.adapters.aws_sdk_invoker import AwsSdkTaskResolver
from cloudflow.adapters.dynamodb_activities import ambient_activities
from cloudflow.adapters.http_invoker import HttpTaskResolver
from cloudflow.adapters.local_aws import prepare_local_environment
from cloudflow.adapters.local_pump import LocalLambdaContext, LocalRuntime, PumpReport
from cloudflow.adapters.system import SystemClock, SystemSecrets
from cloudflow.adapters.waiting import wall_sleep
from cloudflow.api.wsgi import ProxyWsgiApp
from cloudflow.local.event_routes import LOCAL_ROUTES, build_local_routes
from cloudflow.local.resolver_chain import FirstAnswer
from cloudflow.local.task_outcome import TaskResolver
from cloudflow.local.virtual_clock import PacedClock

_IDLE_SECONDS = 0.05


class LocalStack:
    """A local runtime served over HTTP, with its pump running in the background."""

    def __init__(self, runtime: LocalRuntime, fast_forward: bool = False) -> None:
        self.runtime = runtime
        self.fast_forward = fast_forward
        self.lock = threading.Lock()
        self.report = PumpReport()
        self._work = threading.Event()
        # A synchronous start waits for its execution; it must let the pump run meanwhile.
        runtime.handler_module("api").services.sleep = self._sleep_unlocked
        self._local_routes = build_local_routes(runtime.triggers.bus) if runtime.triggers is not None else None

    def _sleep_unlocked(self, seconds: float) -> None:
        """Sleep inside an API call (which holds the lock) with the lock released, so the pump can run."""
        self.lock.release()
        try:
            self._work.set()
            wall_sleep(seconds)
        finally:
            self.lock.acquire()

    def invoke_api(self, event: dict[str, Any]) -> dict[str, Any]:
        """The `api` handler's answer to an API Gateway proxy event (a 500 document if it raises); the local
        stack's own routes (`/local/...`) answer theirs."""
        local_routes = self._local_routes if str(event.get("path", "")).startswith(LOCAL_ROUTES) else None
        with self.lock:
            try:
                if local_routes is not None:
                    answer: dict[str, Any] = local_routes.resolve(event, LocalLambdaContext("cloudflow-local"))
                else:
                    answer = self.runtime.invoke("api", event)
            except Exception as error:  # never a trace to the caller; the server's log has it
                answer = {"statusCode": 500, "headers": {"Content-Type": "application/json"},
                          "body": json.dumps({"error": "InternalFailure", "message": type(error).__name__})}
        self._work.set()
        return answer

    def pump_forever(self, stop: threading.Event) -> None:
        """Deliver and fire whatever is ready, again and again, until `stop` is set."""
        while not stop.is_set():
            with self.lock:
                try:
                    busy = self._round()
                except Exception as error:  # a dead-lettered message, a failing handler: say so, keep serving
                    print(f"cloudflow local: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                    busy = False
            if not busy:
                self._work.wait(_IDLE_SECONDS)
                self._work.clear()

    def _round(self) -> bool:
        busy = self.runtime.deliver_ready(self.report)
        if not busy and self.fast_forward:
            upcoming = self.runtime.next_due()
            if upcoming is not None and upcoming > self.runtime.clock.now_ms():
                self.runtime.clock.advance_to(upcoming)
                busy = True
        return busy

    def server(self, host: str, port: int) -> WSGIServer:
        """An HTTP server (not yet serving) that hands every request to the API as API Gateway would."""
        return make_server(host, port, ProxyWsgiApp(self.invoke_api), server_class=_ThreadingWsgiServer,
                           handler_class=_QuietHandler)


class _ThreadingWsgiServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        """wsgiref types a request sent without Content-Type as `text/plain`; API Gateway invents no header, and
        the API refuses any body type but JSON (415), so a body-less POST (a stop, a publish) must carry none."""
        environ: dict[str, Any] = super().get_environ()
        if self.headers.get("Content-Type") is None:
            environ.pop("CONTENT_TYPE", None)
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the CLI prints what matters."""


def serve_in_background(stack: LocalStack, host: str = "127.0.0.1", port: int = 0
                        ) -> tuple[WSGIServer, Callable[[], None]]:
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
    runtime = LocalRuntime(session, PacedClock(SystemClock().now_ms), SystemSecrets(), project=project, tasks=tasks,
                           with_triggers=True)
    return LocalStack(runtime, fast_forward)


@contextmanager
def running_local_stack(project: Path | None = None, host: str = "127.0.0.1", port: int = 0,
                        local_tasks: list[TaskResolver] | None = None, fast_forward: bool = False) -> Iterator[str]:
    """A local stack on a fresh in-process moto, served in the background; yields its base URL."""
    import boto3
    from moto import mock_aws

    prepare_local_environment()
    with mock_aws():
        stack = open_local_stack(boto3.session.Session(), project=project, local_tasks=local_tasks,
                                 fast_forward=fast_forward)
        server, stop = serve_in_background(stack, host, port)
        try:
            yield f"http://{server.server_address[0]!s}:{int(server.server_address[1])}"
        finally:
            stop()


def wait_for_interrupt() -> None:
    """Block until Ctrl-C (the local stack serves on its own threads meanwhile)."""
    with suppress(KeyboardInterrupt):
        threading.Event().wait()
