"""Answering `arn:aws:states:::http:invoke` tasks: read the connection's credentials, call the endpoint.

The request is sent with the standard library (`http.client`: no dependency, and full control of the
headers Step Functions sets). TLS certificates are verified; redirects are not followed (a 3xx fails the task
with its status code) so connection credentials never reach another host. The socket timeout, 60 seconds as
Step Functions' HTTP Task has, applies to connecting and to each read; tests shorten it.

Credentials come from the connection named in the task (see cloudflow.integrations.http_request): for an
EventBridge connection, DescribeConnection gives its state, AuthorizationType and SecretArn, then
GetSecretValue reads the secret; a Secrets Manager secret ARN is read directly. Failures to read them become
Step Functions' `Events.ConnectionResource.*` errors (ResourceNotFound, AccessDenied, InvalidConnectionState,
InternalError).
"""

from __future__ import annotations

import http.client
import ssl
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from cloudflow.core.commands import InvokeTask
from cloudflow.core.error_names import StatesError
from cloudflow.integrations.http_outcome import RESPONSE_SIZE_LIMIT, HttpResponse, HttpSocketFailure, http_outcome
from cloudflow.integrations.http_request import (
    ConnectionCredentials,
    ConnectionReference,
    HttpRequest,
    HttpRequestError,
    connection_credentials,
    http_call,
    http_request,
)
from cloudflow.local.task_outcome import TaskOutcome, TaskThrew

DEFAULT_TIMEOUT_SECONDS = 60.0
CONNECTION_ERROR_PREFIX = "Events.ConnectionResource."
_CONNECTION_ERRORS = {
    "ResourceNotFoundException": "ResourceNotFound",
    "AccessDeniedException": "AccessDenied",
    "ConcurrentModificationException": "ConcurrentModification",
}


class _ConnectionFailure(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(cause)
        self.error, self.cause = error, cause


class HttpTaskResolver:
    """A TaskResolver for HTTP Tasks. `session`: a boto3 session for EventBridge and Secrets Manager (the
    default session when None); `timeout_seconds`: the socket timeout, after which the task fails with
    States.Http.Socket."""

    def __init__(self, session: Any = None, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._session = session
        self._timeout = timeout_seconds

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        try:
            call = http_call(invocation)
            if call is None:
                return None
            request = http_request(call, self._credentials(call.connection))
        except HttpRequestError as problem:
            return TaskThrew(StatesError.RUNTIME.value, f"An error occurred while executing the state "
                                                        f"{invocation.state_name!r}. {problem}")
        except _ConnectionFailure as failure:
            return TaskThrew(failure.error, failure.cause)
        return http_outcome(send(request, self._timeout))

    def _credentials(self, connection: ConnectionReference) -> ConnectionCredentials:
        session = self._boto3_session()
        secret_arn, authorization_type = connection.arn, None
        try:
            if connection.kind == "events":
                described = session.client("events", region_name=connection.region).describe_connection(
                    Name=connection.name)
                if described.get("ConnectionState") != "AUTHORIZED":
                    raise _ConnectionFailure(CONNECTION_ERROR_PREFIX + "InvalidConnectionState",
                                             f"The connection {connection.arn} is "
                                             f"{described.get('ConnectionState')}, not AUTHORIZED.")
                secret_arn, authorization_type = described["SecretArn"], described.get("AuthorizationType")
            secret = session.client("secretsmanager", region_name=connection.region).get_secret_value(
                SecretId=secret_arn)
        except ClientError as failure:
            error = failure.response.get("Error", {})
            code = str(error.get("Code") or "")
            raise _ConnectionFailure(CONNECTION_ERROR_PREFIX + _CONNECTION_ERRORS.get(code, "InternalError"),
                                     f"Reading the connection {connection.arn} failed: {code}: "
                                     f"{error.get('Message') or ''}") from None
        except BotoCoreError as failure:
            raise _ConnectionFailure(CONNECTION_ERROR_PREFIX + "InternalError",
                                     f"Reading the connection {connection.arn} failed: {failure}") from None
        if "SecretString" not in secret:
            raise HttpRequestError(f"The connection's secret {secret_arn} holds binary data, not a JSON text.")
        return connection_credentials(secret["SecretString"], authorization_type)

    def _boto3_session(self) -> Any:
        if self._session is None:
            import boto3

            self._session = boto3.session.Session()
        return self._session


def send(request: HttpRequest, timeout_seconds: float) -> HttpResponse | HttpSocketFailure:
    """Send `request` and read the answer (at most RESPONSE_SIZE_LIMIT + 1 bytes of body)."""
    parts = urlsplit(request.url)
    host, port = parts.hostname or "", parts.port
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout_seconds,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout_seconds)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        # putrequest, not request(): no Accept-Encoding of our own; the headers are exactly the task's.
        connection.putrequest(request.method, target, skip_accept_encoding=True)
        for name, value in request.headers:
            if name.lower() != "content-length":  # the length of the body actually sent, below
                connection.putheader(name, value)
        if request.body is not None:
            connection.putheader("Content-Length", str(len(request.body)))
        elif request.method in ("POST", "PUT", "PATCH"):
            connection.putheader("Content-Length", "0")
        connection.endheaders(request.body)
        answer = connection.getresponse()
        body = answer.read(RESPONSE_SIZE_LIMIT + 1)
        return HttpResponse(answer.status, answer.reason, tuple(answer.getheaders()), body)
    except TimeoutError:
        return HttpSocketFailure(f"The HTTP request to {_origin(request.url)} timed out after "
                                 f"{timeout_seconds:g} seconds.")
    except (OSError, http.client.HTTPException) as failure:
        return HttpSocketFailure(f"The HTTP request to {_origin(request.url)} failed: "
                                 f"{type(failure).__name__}: {failure}")
    finally:
        connection.close()


def _origin(url: str) -> str:
    """The URL without its query: the query may carry a connection's secret parameters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
