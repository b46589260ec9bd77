"""An HTTPS endpoint's answer to an HTTP Task, shaped into the task's outcome as Step Functions shapes it.

- A 2xx answer is the task's result: `{"Headers", "ResponseBody", "StatusCode", "StatusText"}`, keys in that
  order. Header names are lower case and each maps to the list of its values (`"content-type":
  ["application/json"]`); a JSON body (`application/json`, `*+json`) is parsed, any other body stays text.
- Any other status fails the task with `States.Http.StatusCode.<code>`; the cause is the status text alone
  (e.g. "Not Found"): Step Functions keeps neither the body nor the headers of a failed call.
- No answer at all (refused, reset, timed out; Step Functions waits 60 seconds) fails it with
  `States.Http.Socket`.
- A body Step Functions cannot read as text (content-type application/octet-stream, image/*, audio/*,
  video/*, or bytes that are not text in their charset) fails it with States.Runtime; a body over 256 KiB
  (what the request's `Range: bytes=0-262144` asks for) with States.DataLimitExceeded.

CloudFlow's choices where Step Functions' behaviour is not documented: an empty body is `"ResponseBody": ""`;
JSON sent with another content-type stays text; the socket failure's cause is CloudFlow's own sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from cloudflow.core.error_names import StatesError
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew

SOCKET_ERROR = "States.Http.Socket"
STATUS_CODE_ERROR_PREFIX = "States.Http.StatusCode."
RESPONSE_SIZE_LIMIT = 262_144  # bytes: the Range Step Functions asks for, and its payload quota
_UNREADABLE_PREFIXES = ("image/", "audio/", "video/")


@dataclass(frozen=True)
class HttpResponse:
    """What the endpoint answered: `headers` in the order received (repeats kept), `body` as received (the
    sender reads at most RESPONSE_SIZE_LIMIT + 1 bytes, enough to tell the body is too large)."""

    status_code: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class HttpSocketFailure:
    """No HTTP answer: the connection failed or timed out. `message` says which, for the cause."""

    message: str


def status_code_error(status_code: int) -> str:
    """The error name of a non-2xx answer, e.g. `States.Http.StatusCode.404`."""
    return f"{STATUS_CODE_ERROR_PREFIX}{status_code}"


def http_outcome(answer: HttpResponse | HttpSocketFailure) -> TaskOutcome:
    """The task's outcome for the endpoint's answer."""
    if isinstance(answer, HttpSocketFailure):
        return TaskThrew(SOCKET_ERROR, answer.message)
    status_text = answer.reason or _standard_phrase(answer.status_code)
    if not 200 <= answer.status_code < 300:
        return TaskThrew(status_code_error(answer.status_code), status_text)
    media_type, charset = _content_type(answer.headers)
    if media_type == "application/octet-stream" or media_type.startswith(_UNREADABLE_PREFIXES):
        return TaskThrew(StatesError.RUNTIME.value, f"The HTTP response has the content-type {media_type!r}, "
                                                    "which an HTTP Task cannot read as text.")
    if len(answer.body) > RESPONSE_SIZE_LIMIT:
        return TaskThrew(StatesError.DATA_LIMIT_EXCEEDED.value,
                         f"The HTTP response body is larger than {RESPONSE_SIZE_LIMIT} bytes.")
    try:
        text = answer.body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return TaskThrew(StatesError.RUNTIME.value, f"The HTTP response body is not valid {charset} text.")
    return TaskReturned({
        "Headers": response_headers(answer.headers),
        "ResponseBody": _parsed(text, media_type),
        "StatusCode": answer.status_code,
        "StatusText": status_text,
    })


def response_headers(headers: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """Headers as the task's result shows them: lower-case names, each with the list of its values."""
    shaped: dict[str, list[str]] = {}
    for name, value in headers:
        shaped.setdefault(name.lower(), []).append(value)
    return shaped


def _content_type(headers: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    value = next((value for name, value in headers if name.lower() == "content-type"), "")
    media_type, *parameters = (part.strip() for part in value.split(";"))
    charset = next((p.split("=", 1)[1].strip('"') for p in parameters if p.lower().startswith("charset=")), "")
    return media_type.lower(), charset or "utf-8"


def _parsed(text: str, media_type: str) -> Any:
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _standard_phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""
