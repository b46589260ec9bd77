"""A small HTTP client of the management API: JSON in and out over urllib, optionally signed with SigV4.

Every answer is kept as received (`ApiAnswer.text`) so `--json` can print it exactly; every refusal,
and every failure to reach the API at all, becomes an `ApiError` naming what went wrong.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

Signer = Callable[[str, str, Mapping[str, str], bytes], dict[str, str]]
"""(method, url, headers, body) -> the headers to send, signature included."""

DEFAULT_TIMEOUT_SECONDS = 60.0
"""Above the API's longest answer: a synchronous start waits at most 25 s (API Gateway ends at 29 s)."""


@dataclass(frozen=True)
class ApiAnswer:
    """A successful answer: its HTTP status, its JSON document (an object) and the text it came as."""

    status: int
    document: dict[str, Any]
    text: str


class ApiError(Exception):
    """A refused request (`status` 4xx/5xx with the API's error document), or no answer at all (`status` None)."""

    def __init__(self, status: int | None, name: str, message: str, document: Any = None, text: str = "") -> None:
        super().__init__(f"{name}: {message}")
        self.status = status
        self.name = name
        self.message = message
        self.document = document
        self.text = text

    @property
    def exit_status(self) -> int:
        """2 when the request was at fault (4xx), 1 for anything else (server side, network)."""
        return 2 if self.status is not None and 400 <= self.status < 500 else 1


def execution_path(arn: str, *rest: str) -> str:
    """`/executions/<arn>[/rest...]`, the ARN percent-encoded: its ':' must survive any proxy."""
    return "/".join(["/executions", quote(arn, safe=""), *rest])


def flow_path(name: str, *rest: str) -> str:
    """`/flows/<name>[/rest...]`."""
    return "/".join(["/flows", quote(name, safe=""), *(quote(part, safe="") for part in rest)])


class ApiClient:
    """Calls the API at `endpoint` (its base URL, stage included), signing each request when given a signer."""

    def __init__(self, endpoint: str, signer: Signer | None = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.signer = signer
        self.timeout = timeout

    def call(self, method: str, path: str, query: Mapping[str, str | int | bool | None] | None = None,
             body: Any = None) -> ApiAnswer:
        """Send one request; the answer when it is a 2xx.

        Raises:
            ApiError: the API refused the request, failed, or could not be reached.
        """
        url = self.endpoint + path
        kept = {key: _query_text(value) for key, value in (query or {}).items() if value is not None}
        if kept:
            url += "?" + urlencode(kept)
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Accept": "application/json"}
        if body is not None or method in ("POST", "PUT", "PATCH"):
            # Even without a body: some servers (wsgiref) take a missing type for text/plain, which the API refuses.
            headers["Content-Type"] = "application/json"
        if self.signer is not None:
            headers = self.signer(method, url, headers, data)
        request = urllib.request.Request(url, data=data if body is not None else None, headers=headers,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, text = response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as refused:
            text = refused.read().decode("utf-8", errors="replace")
            raise _refusal(refused.code, refused.reason, refused.headers.get("x-amzn-ErrorType"), text) from None
        except (urllib.error.URLError, OSError) as unreachable:
            reason = getattr(unreachable, "reason", unreachable)
            raise ApiError(None, "ConnectionError", f"cannot reach {self.endpoint}: {reason}") from None
        document = _json_or_none(text)
        if not isinstance(document, dict):  # every route answers an object: this is not the CloudFlow API
            raise ApiError(status, "UnexpectedAnswer", f"{method} {url} answered {text[:80]!r}, not a JSON object: "
                                                       "is this the CloudFlow API's URL?", text=text)
        return ApiAnswer(status, document, text)

    def get(self, path: str, **query: str | int | bool | None) -> ApiAnswer:
        return self.call("GET", path, query=query)

    def post(self, path: str, body: Any = None) -> ApiAnswer:
        return self.call("POST", path, body=body)

    def put(self, path: str, body: Any = None) -> ApiAnswer:
        return self.call("PUT", path, body=body)

    def delete(self, path: str) -> ApiAnswer:
        return self.call("DELETE", path)


def _query_text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def _refusal(status: int, reason: str, amazon_type: str | None, text: str) -> ApiError:
    """The API answers `{"error", "message"}`; API Gateway itself (a bad signature, a throttle) answers
    `{"message"}` and names the error in the x-amzn-ErrorType header (`Name:http://...`)."""
    document = _json_or_none(text)
    fields = document if isinstance(document, dict) else {}
    name = fields.get("error") or (amazon_type or "").split(":")[0] or f"HTTP{status}"
    message = fields.get("message") or fields.get("Message") or reason or text.strip() or f"HTTP {status}"
    return ApiError(status, str(name), str(message), document, text)


def sigv4_signer(credentials: Any, region: str, service: str = "execute-api") -> Signer:
    """A signer adding AWS Signature Version 4 headers for `service` in `region` with `credentials` (botocore
    credentials: refreshable ones are refreshed as botocore refreshes them)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    def sign(method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        SigV4Auth(credentials, service, region).add_auth(request)
        return {str(name): str(value) for name, value in request.headers.items()}

    return sign
