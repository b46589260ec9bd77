"""The HTTP request an `arn:aws:states:::http:invoke` Task asks for, built as Step Functions builds it.

Parameters (Step Functions' HTTP Task): `ApiEndpoint` and `Method` (GET, POST, PUT, DELETE, PATCH, OPTIONS,
HEAD) are required; `Headers`, `QueryParameters`, `RequestBody` and `Transform` (`RequestBodyEncoding` NONE or
URL_ENCODED, `RequestEncodingOptions.ArrayFormat` INDICES, REPEAT, COMMAS or BRACKETS) are optional; the
connection is named by `Authentication.ConnectionArn` or `InvocationConfig.ConnectionArn`.

What Step Functions does, and so what this does:
- The connection's header, query-string and body parameters are merged into the task's; on a clash the
  connection wins. A string RequestBody cannot be merged with connection body parameters (States.Runtime).
- The connection's credentials become headers: API_KEY sends `<ApiKeyName>: <ApiKeyValue>`, BASIC sends
  `Authorization: Basic base64(username:password)`.
- Step Functions sets `User-Agent: Amazon|StepFunctions|HttpInvoke|<region>` and `Range: bytes=0-262144`
  (and `Host`); a body without a content-type header is sent as `application/json; charset=UTF-8`.
- Headers Step Functions reserves (Authorization, Host, Connection, x-amz-*, ... see _FORBIDDEN_HEADERS) fail
  the task with States.Runtime when the definition sets them.
- URL_ENCODED bodies are encoded as the `qs` convention Step Functions' options are named after: nested
  objects as `a[b]=c`, arrays per ArrayFormat (INDICES `a[0]=x`, REPEAT `a=x&a=y`, BRACKETS `a[]=x`,
  COMMAS `a=x,y`), every reserved character percent-encoded (space as %20, brackets as %5B/%5D).

CloudFlow's choices where Step Functions says nothing, or cannot be followed here:
- Connections. Step Functions reads an EventBridge connection (whose credentials EventBridge keeps in a
  Secrets Manager secret). CloudFlow accepts either an EventBridge connection ARN (the adapter reads its
  SecretArn with DescribeConnection, then the secret) or a Secrets Manager secret ARN holding the same
  document, so a flow can run where EventBridge connections are not at hand. The document is EventBridge's:
  `{"api_key_name", "api_key_value"}` or `{"username", "password"}`, optionally with
  `"invocation_http_parameters": {"header_parameters" | "query_string_parameters" | "body_parameters":
  [{"key", "value"}]}`; CamelCase names (`ApiKeyName`, `BasicAuthParameters: {...}`) are accepted too. The
  kind is the connection's AuthorizationType, else the secret's `authorization_type`, else read off the
  fields present. OAUTH_CLIENT_CREDENTIALS connections are refused with a clear States.Runtime cause: CloudFlow
  does not fetch OAuth tokens (yet).
- Only https endpoints, as in Step Functions, except plain http to a loopback address (127.0.0.1 or [::1]) so
  programs on the developer's machine can be called locally.
- A string RequestBody is sent as it is (not JSON-quoted), URL_ENCODED or not; QueryParameters may be an
  object (arrays repeat the key, nested objects use brackets) or a query string; headers given as arrays are
  joined with ", ".
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text

HTTP_INVOKE = "arn:aws:states:::http:invoke"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")
BODY_ENCODINGS = ("NONE", "URL_ENCODED")
ARRAY_FORMATS = ("INDICES", "REPEAT", "COMMAS", "BRACKETS")
AUTHORIZATION_TYPES = ("API_KEY", "BASIC", "OAUTH_CLIENT_CREDENTIALS")
SUPPORTED_AUTHORIZATION_TYPES = ("API_KEY", "BASIC")
USER_AGENT_PREFIX = "Amazon|StepFunctions|HttpInvoke|"
RANGE = "bytes=0-262144"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"

_HTTP_INVOKE = re.compile(r"^arn:aws[a-z-]*:states:::http:invoke(?P<suffix>\.sync(?::2)?|\.waitForTaskToken)?$")
_PARAMETERS = frozenset({"ApiEndpoint", "Method", "Authentication", "InvocationConfig", "Headers",
                         "QueryParameters", "RequestBody", "Transform"})
_CONNECTION_ARN = re.compile(
    r"^arn:aws[a-z-]*:events:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):connection/(?P<name>[^/]+)(?:/.+)?$")
_SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):secret:(?P<name>.+)$")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1"})
# The headers Step Functions does not let a definition set (call-https-apis, "Headers").
_FORBIDDEN_HEADERS = frozenset({
    "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization", "cache-control", "connection",
    "content-encoding", "content-md5", "date", "expect", "forwarded", "from", "host", "http2-settings", "if-match",
    "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "origin", "pragma",
    "proxy-authorization", "referer", "server", "te", "trailer", "transfer-encoding", "upgrade", "via", "warning",
})
_FORBIDDEN_HEADER_PREFIXES = ("x-forwarded-", "x-amz-", "x-amzn-")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token: nothing to smuggle a line in

Pairs = tuple[tuple[str, str], ...]


class HttpRequestError(ValueError):
    """The task cannot make its request (States.Runtime); the message names the field and why."""


@dataclass(frozen=True)
class ConnectionReference:
    """Where a task's connection credentials live: an EventBridge connection (`kind` "events", `name` its
    name) or a Secrets Manager secret (`kind` "secret")."""

    arn: str
    kind: str
    region: str
    name: str


@dataclass(frozen=True)
class HttpCall:
    """An HTTP Task's parameters, checked. `body` is meaningful only when `has_body`."""

    endpoint: str
    method: str
    connection: ConnectionReference
    headers: Pairs = ()
    query: Pairs = ()
    body: Any = None
    has_body: bool = False
    body_encoding: str = "NONE"
    array_format: str = "INDICES"


@dataclass(frozen=True)
class ConnectionCredentials:
    """What a connection adds to every request: its authorization and its invocation HTTP parameters."""

    authorization_type: str
    api_key_name: str = ""
    api_key_value: str = ""
    username: str = ""
    password: str = ""
    headers: Pairs = ()
    query: Pairs = ()
    body: Pairs = field(default=())


@dataclass(frozen=True)
class HttpRequest:
    """The request on the wire: `url` with its encoded query, `body` as bytes (None: no body)."""

    method: str
    url: str
    headers: Pairs
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        """The value of header `name` (any case), None when absent."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def is_http_invoke(resource: str) -> bool:
    """Whether a Task's Resource is the HTTP Task, in any pattern (only request-response is valid)."""
    return _HTTP_INVOKE.match(resource) is not None


def http_call(invocation: InvokeTask) -> HttpCall | None:
    """The checked parameters of an HTTP Task, None for any other resource; HttpRequestError when invalid."""
    found = _HTTP_INVOKE.match(invocation.resource)
    if found is None:
        return None
    if found.group("suffix") or invocation.pattern != "request-response":
        raise HttpRequestError(f"The resource {invocation.resource} is not supported: Step Functions' HTTP Task "
                               f"has only the request-response pattern ({HTTP_INVOKE}), no .sync or "
                               ".waitForTaskToken.")
    parameters = invocation.parameters
    if not isinstance(parameters, dict):
        raise HttpRequestError(f"The parameters of http:invoke must be an object, not {_json_type(parameters)}.")
    unknown = sorted(set(parameters) - _PARAMETERS)
    if unknown:
        raise HttpRequestError(f"The field {unknown[0]!r} is not supported by http:invoke; it takes "
                               f"{', '.join(sorted(_PARAMETERS))}.")
    encoding, array_format = _transform(parameters.get("Transform"))
    return HttpCall(
        endpoint=_endpoint(parameters.get("ApiEndpoint")),
        method=_method(parameters.get("Method")),
        connection=_connection(parameters),
        headers=_definition_headers(parameters.get("Headers")),
        query=_query(parameters.get("QueryParameters")),
        body=parameters.get("RequestBody"),
        has_body="RequestBody" in parameters,
        body_encoding=encoding,
        array_format=array_format,
    )


def connection_reference(arn: Any) -> ConnectionReference:
    """The connection an ARN names: an EventBridge connection or a Secrets Manager secret."""
    if isinstance(arn, str):
        for kind, pattern in (("events", _CONNECTION_ARN), ("secret", _SECRET_ARN)):
            found = pattern.match(arn)
            if found:
                return ConnectionReference(arn, kind, found.group("region"), found.group("name"))
    raise HttpRequestError(f"ConnectionArn must be an EventBridge connection ARN (arn:aws:events:REGION:ACCOUNT:"
                           f"connection/NAME/ID) or a Secrets Manager secret ARN, not {to_json_text(arn)}.")


def connection_credentials(secret: str, authorization_type: str | None = None) -> ConnectionCredentials:
    """The credentials in a connection's secret (EventBridge's document), of the given or inferred kind."""
    try:
        document = json.loads(secret)
    except ValueError:
        raise HttpRequestError("The connection's secret is not a JSON object.") from None
    if not isinstance(document, dict):
        raise HttpRequestError("The connection's secret is not a JSON object.")
    fields = _flattened(_snake_keys(document))
    kind = authorization_type or fields.get("authorization_type") or _inferred_kind(fields)
    if kind not in AUTHORIZATION_TYPES:
        raise HttpRequestError(f"The connection's authorization type must be one of {', '.join(AUTHORIZATION_TYPES)}"
                               f", not {to_json_text(kind)}.")
    if kind not in SUPPORTED_AUTHORIZATION_TYPES:
        raise HttpRequestError(f"The connection uses {kind}, which CloudFlow's HTTP tasks do not support: they do "
                               f"not fetch OAuth tokens. Use an API_KEY or BASIC connection.")
    parameters = fields.get("invocation_http_parameters") or {}
    if not isinstance(parameters, dict):
        raise HttpRequestError("The connection's invocation_http_parameters must be an object.")
    needed = ("api_key_name", "api_key_value") if kind == "API_KEY" else ("username", "password")
    for name in needed:
        if not isinstance(fields.get(name), str):
            raise HttpRequestError(f"The {kind} connection's secret has no {name}.")
    if kind == "API_KEY":
        _check_header(fields["api_key_name"], fields["api_key_value"])
    return ConnectionCredentials(
        authorization_type=kind,
        api_key_name=fields.get("api_key_name", "") if kind == "API_KEY" else "",
        api_key_value=fields.get("api_key_value", "") if kind == "API_KEY" else "",
        username=fields.get("username", "") if kind == "BASIC" else "",
        password=fields.get("password", "") if kind == "BASIC" else "",
        headers=_key_values(parameters, "header_parameters"),
        query=_key_values(parameters, "query_string_parameters"),
        body=_key_values(parameters, "body_parameters"),
    )


def http_request(call: HttpCall, credentials: ConnectionCredentials) -> HttpRequest:
    """The request Step Functions sends for `call` with the connection's `credentials` merged in."""
    body = _body(call, credentials)
    headers = _merged(call.headers, credentials.headers)
    if credentials.authorization_type == "API_KEY":
        headers = _merged(headers, ((credentials.api_key_name, credentials.api_key_value),))
    elif credentials.authorization_type == "BASIC":
        token = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode("ascii")
        headers = _merged(headers, (("Authorization", f"Basic {token}"),))
    region = call.connection.region
    headers = _merged(headers, (("User-Agent", USER_AGENT_PREFIX + region), ("Range", RANGE)))
    if body is not None and not any(name.lower() == "content-type" for name, _ in headers):
        headers = (*headers, ("Content-Type", JSON_CONTENT_TYPE))
    return HttpRequest(call.method, _url(call.endpoint, _merged(call.query, credentials.query)), headers, body)


def form_encoded(value: Mapping[str, Any], array_format: str = "INDICES") -> str:
    """`value` as `application/x-www-form-urlencoded` text, arrays written per `array_format`."""
    return _encoded_pairs(_flatten_object(value, array_format))


# --- parameters ------------------------------------------------------------------------------------

def _endpoint(value: Any) -> str:
    if value is None:
        raise HttpRequestError("http:invoke needs ApiEndpoint, the URL to call.")
    if not isinstance(value, str) or not value:
        raise HttpRequestError(f"ApiEndpoint must be a non-empty string, not {to_json_text(value)}.")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - reading it checks the port is a number
    except ValueError:
        raise HttpRequestError(f"ApiEndpoint {value!r} is not a valid URL.") from None
    if parts.scheme not in ("https", "http") or not host:
        raise HttpRequestError(f"ApiEndpoint must be an https URL with a host, not {value!r}.")
    if parts.scheme == "http" and host not in _LOOPBACK_HOSTS:
        raise HttpRequestError(f"ApiEndpoint must use https, as Step Functions requires, not {value!r}; CloudFlow "
                               "allows plain http only to a loopback address (127.0.0.1, [::1]).")
    if parts.username is not None or parts.password is not None:
        raise HttpRequestError("ApiEndpoint must not carry credentials; put them in the connection.")
    return value


def _method(value: Any) -> str:
    if value is None:
        raise HttpRequestError(f"http:invoke needs Method, one of {', '.join(METHODS)}.")
    if value not in METHODS:
        raise HttpRequestError(f"Method must be one of {', '.join(METHODS)}, not {to_json_text(value)}.")
    return str(value)


def _connection(parameters: dict[str, Any]) -> ConnectionReference:
    given = [name for name in ("Authentication", "InvocationConfig") if name in parameters]
    if not given:
        raise HttpRequestError("http:invoke needs Authentication.ConnectionArn (or InvocationConfig.ConnectionArn), "
                               "the connection that holds the API's credentials.")
    if len(given) > 1:
        raise HttpRequestError("Give either Authentication or InvocationConfig, not both.")
    holder = parameters[given[0]]
    if not isinstance(holder, dict) or "ConnectionArn" not in holder:
        raise HttpRequestError(f"{given[0]} must be an object with a ConnectionArn.")
    return connection_reference(holder["ConnectionArn"])


def _definition_headers(value: Any) -> Pairs:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise HttpRequestError(f"Headers must be an object, not {_json_type(value)}.")
    headers = []
    for name, given in value.items():
        if name.lower() in _FORBIDDEN_HEADERS or name.lower().startswith(_FORBIDDEN_HEADER_PREFIXES):
            raise HttpRequestError(f"The header {name!r} cannot be set in an HTTP Task's Headers (Step Functions "
                                   "sets or forbids it); credentials belong in the connection.")
        items = given if isinstance(given, list) else [given]
        if not items or any(isinstance(item, dict | list) or item is None for item in items):
            raise HttpRequestError(f"The header {name!r} must be a string or an array of strings, not "
                                   f"{to_json_text(given)}.")
        text = ", ".join(_scalar(item) for item in items)
        _check_header(name, text)
        headers.append((name, text))
    return tuple(headers)


def _check_header(name: str, value: str) -> None:
    if not _HEADER_NAME.match(name):
        raise HttpRequestError(f"{name!r} is not a valid header name.")
    if "\r" in value or "\n" in value:
        raise HttpRequestError(f"The value of the header {name!r} must not contain line breaks.")


def _query(value: Any) -> Pairs:
    if value is None:
        return ()
    if isinstance(value, dict):
        # Arrays in the query repeat the key (ArrayFormat is documented for URL-encoded bodies only).
        return _flatten_object(value, "REPEAT")
    if isinstance(value, str):
        return tuple(parse_qsl(value.lstrip("?"), keep_blank_values=True))
    raise HttpRequestError(f"QueryParameters must be an object or a query string, not {_json_type(value)}.")


def _transform(value: Any) -> tuple[str, str]:
    if value is None:
        return "NONE", "INDICES"
    if not isinstance(value, dict):
        raise HttpRequestError(f"Transform must be an object, not {_json_type(value)}.")
    unknown = sorted(set(value) - {"RequestBodyEncoding", "RequestEncodingOptions"})
    if unknown:
        raise HttpRequestError(f"The field {unknown[0]!r} is not supported in Transform; it takes "
                               "RequestBodyEncoding and RequestEncodingOptions.")
    encoding = value.get("RequestBodyEncoding", "NONE")
    if encoding not in BODY_ENCODINGS:
        raise HttpRequestError(f"Transform.RequestBodyEncoding must be one of {', '.join(BODY_ENCODINGS)}, not "
                               f"{to_json_text(encoding)}.")
    options = value.get("RequestEncodingOptions", {})
    if not isinstance(options, dict) or set(options) - {"ArrayFormat"}:
        raise HttpRequestError("Transform.RequestEncodingOptions must be an object with only ArrayFormat.")
    array_format = options.get("ArrayFormat", "INDICES")
    if array_format not in ARRAY_FORMATS:
        raise HttpRequestError(f"Transform.RequestEncodingOptions.ArrayFormat must be one of "
                               f"{', '.join(ARRAY_FORMATS)}, not {to_json_text(array_format)}.")
    return str(encoding), str(array_format)


# --- the request -----------------------------------------------------------------------------------

def _body(call: HttpCall, credentials: ConnectionCredentials) -> bytes | None:
    body, has_body = call.body, call.has_body
    if credentials.body:
        if has_body and not isinstance(body, dict):
            raise HttpRequestError(f"The connection has body parameters, which cannot be merged into a RequestBody "
                                   f"that is {_json_type(body)}; give RequestBody as an object.")
        body, has_body = {**(body if has_body else {}), **dict(credentials.body)}, True
    if not has_body:
        return None
    if isinstance(body, str):
        return body.encode()  # already the text to send (JSON, XML or form data)
    if call.body_encoding == "URL_ENCODED":
        if not isinstance(body, dict):
            raise HttpRequestError(f"RequestBodyEncoding URL_ENCODED needs RequestBody to be an object (or a string),"
                                   f" not {_json_type(body)}.")
        return form_encoded(body, call.array_format).encode()
    return to_json_text(body).encode()


def _merged(base: Pairs, overrides: Pairs) -> Pairs:
    """`base` without the names `overrides` sets (any case), then `overrides`: the later source wins."""
    replaced = {name.lower() for name, _ in overrides}
    return (*((name, value) for name, value in base if name.lower() not in replaced), *overrides)


def _url(endpoint: str, query: Pairs) -> str:
    parts = urlsplit(endpoint)
    encoded = _encoded_pairs(query)
    joined = "&".join(text for text in (parts.query, encoded) if text)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", joined, ""))


def _flatten_object(value: Mapping[str, Any], array_format: str) -> Pairs:
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        _flatten(str(key), item, array_format, pairs)
    return tuple(pairs)


def _flatten(key: str, value: Any, array_format: str, pairs: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _flatten(f"{key}[{name}]", item, array_format, pairs)
    elif isinstance(value, list):
        if array_format == "COMMAS" and not any(isinstance(item, dict | list) for item in value):
            if value:
                pairs.append((key, ",".join(_scalar(item) for item in value)))
            return
        for index, item in enumerate(value):
            child = {"INDICES": f"{key}[{index}]", "BRACKETS": f"{key}[]"}.get(array_format, key)
            _flatten(child, item, array_format, pairs)
    else:
        pairs.append((key, _scalar(value)))


def _encoded_pairs(pairs: Pairs) -> str:
    # Every reserved character is escaped (RFC 3986 unreserved ones stay), spaces as %20.
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return to_json_text(value)  # numbers as JSON writes them, booleans as true/false


# --- connection secrets ----------------------------------------------------------------------------

_NESTED_AUTH = ("api_key_auth_parameters", "basic_auth_parameters", "o_auth_parameters", "oauth_parameters")


def _snake_keys(value: Any) -> Any:
    """EventBridge's secret uses snake_case; its API (and hand-written secrets) CamelCase. One shape."""
    if isinstance(value, dict):
        return {_snake(str(key)): _snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_snake_keys(item) for item in value]
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _flattened(fields: dict[str, Any]) -> dict[str, Any]:
    """The CreateConnection shape (`BasicAuthParameters: {...}`) lifted to the secret's flat shape."""
    flat = {key: value for key, value in fields.items() if key not in _NESTED_AUTH}
    for key in _NESTED_AUTH:
        nested = fields.get(key)
        if isinstance(nested, dict):
            flat = {**nested, **flat}
    return flat


def _inferred_kind(fields: dict[str, Any]) -> str:
    if "api_key_name" in fields:
        return "API_KEY"
    if "username" in fields:
        return "BASIC"
    if {"client_parameters", "client_id", "authorization_endpoint"} & set(fields):
        return "OAUTH_CLIENT_CREDENTIALS"
    raise HttpRequestError("The connection's secret holds no credentials this engine recognises: expected "
                           "api_key_name/api_key_value (API_KEY) or username/password (BASIC).")


def _key_values(parameters: dict[str, Any], name: str) -> Pairs:
    items = parameters.get(name) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) and "key" in item for item in items):
        raise HttpRequestError(f"The connection's {name} must be an array of {{key, value}} objects.")
    return tuple((str(item["key"]), _scalar(item.get("value"))) for item in items)


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")
