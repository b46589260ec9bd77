"""HTTP Tasks (`arn:aws:states:::http:invoke`): the request a task asks for, and how the endpoint's answer
becomes the task's outcome.

Expected requests are those Step Functions' documentation shows (call-https-apis: the data-merging example,
the invoice example with URL_ENCODED, the ArrayFormat examples); the result shape is TestState's output for
an HTTP Task; the failure cause (the status text alone) is what executions on AWS report.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.integrations.http_outcome import (
    RESPONSE_SIZE_LIMIT,
    HttpResponse,
    HttpSocketFailure,
    http_outcome,
    status_code_error,
)
from cloudflow.integrations.http_request import (
    ConnectionCredentials,
    HttpCall,
    HttpRequestError,
    connection_credentials,
    form_encoded,
    http_call,
    http_request,
    is_http_invoke,
)
from cloudflow.local.task_outcome import TaskReturned, TaskThrew

INVOKE = "arn:aws:states:::http:invoke"
CONNECTION = "arn:aws:events:us-east-2:123456789012:connection/Example/81210c42-8af1-456b-9c4a-6ff02fc664ac"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-api-AbCdEf"
NO_PARAMETERS = ConnectionCredentials("BASIC", username="u", password="p")


def _task(parameters: Any, resource: str = INVOKE, pattern: str = "request-response") -> InvokeTask:
    return InvokeTask("tok", resource, parameters, pattern, "Call", "r", 0, None, None)


def _call(**parameters: Any) -> HttpCall:
    parameters.setdefault("ApiEndpoint", "https://api.example.com/v1/items")
    parameters.setdefault("Method", "GET")
    parameters.setdefault("Authentication", {"ConnectionArn": CONNECTION})
    call = http_call(_task(parameters))
    assert call is not None
    return call


# --- the request ------------------------------------------------------------------------------------

def test_only_http_invoke_resources_are_http_tasks() -> None:
    assert is_http_invoke(INVOKE) and is_http_invoke("arn:aws-us-gov:states:::http:invoke")
    assert is_http_invoke(f"{INVOKE}.waitForTaskToken")  # claimed, to be refused with a clear cause
    assert http_call(_task({}, "arn:aws:states:::lambda:invoke")) is None


def test_step_functions_merges_the_connection_into_the_request_and_the_connection_wins() -> None:
    # The data-merging example of call-https-apis, verbatim (except the method: the doc's request line
    # says POST for a GET task).
    call = _call(Method="POST", ApiEndpoint="https://example.com/path",
                 Headers={"Request-Id": "my_request_id", "Header-Param": "state_machine_header_param"},
                 RequestBody={"Job": "Software Engineer", "Company": "AnyCompany",
                              "BodyParam": "state_machine_body_param"},
                 QueryParameters={"QueryParam": "state_machine_query_param"})
    secret = json.dumps({"api_key_name": "ApiKey", "api_key_value": "key_value", "invocation_http_parameters": {
        "body_parameters": [{"key": "BodyParam", "value": "connection_body_param", "is_value_secret": False}],
        "header_parameters": [{"key": "Header-Param", "value": "connection_header_param"}],
        "query_string_parameters": [{"key": "QueryParam", "value": "connection_query_param"}]}})
    request = http_request(call, connection_credentials(secret, "API_KEY"))
    assert request.url == "https://example.com/path?QueryParam=connection_query_param"
    assert sorted(request.headers) == sorted([
        ("ApiKey", "key_value"), ("Content-Type", "application/json; charset=UTF-8"),
        ("Header-Param", "connection_header_param"), ("Range", "bytes=0-262144"), ("Request-Id", "my_request_id"),
        ("User-Agent", "Amazon|StepFunctions|HttpInvoke|us-east-2")])
    assert request.body == b'{"Job":"Software Engineer","Company":"AnyCompany","BodyParam":"connection_body_param"}'


def test_the_invoice_example_is_url_encoded_with_basic_auth() -> None:
    call = _call(Method="POST", Headers={"Content-Type": "application/x-www-form-urlencoded"},
                 RequestBody={"description": "Monthly subscription",
                              "metadata": {"order_details": "monthly report data"}, "customer": "1234567890"},
                 Transform={"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "INDICES"}})
    request = http_request(call, ConnectionCredentials("BASIC", username="myUsername", password="myPassword"))
    assert request.body == (b"description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data"
                            b"&customer=1234567890")
    assert request.header("content-type") == "application/x-www-form-urlencoded"
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"myUsername:myPassword").decode()


@pytest.mark.parametrize(("array_format", "encoded"), [
    ("INDICES", "array[0]=a&array[1]=b&array[2]=c&array[3]=d"),
    ("REPEAT", "array=a&array=b&array=c&array=d"),
    ("COMMAS", "array=a,b,c,d"),
    ("BRACKETS", "array[]=a&array[]=b&array[]=c&array[]=d"),
])
def test_array_formats_follow_the_documented_examples(array_format: str, encoded: str) -> None:
    escaped = encoded.replace("[", "%5B").replace("]", "%5D").replace(",", "%2C")
    assert form_encoded({"array": ["a", "b", "c", "d"]}, array_format) == escaped


def test_form_values_are_written_as_text() -> None:
    assert form_encoded({"n": 1.5, "ok": True, "none": None, "empty": [], "k y": "a&b=c/é"}, "INDICES") == (
        "n=1.5&ok=true&none=&k%20y=a%26b%3Dc%2F%C3%A9")
    assert form_encoded({"a": [{"b": 1}, {"b": 2}]}, "INDICES") == "a%5B0%5D%5Bb%5D=1&a%5B1%5D%5Bb%5D=2"


def test_query_parameters_are_url_encoded_after_the_endpoints_own_query() -> None:
    request = http_request(_call(ApiEndpoint="https://api.example.com/v1/search?page=2",
                                 QueryParameters={"currency": "usd", "tag": ["a b", "c"], "range": {"min": 1}}),
                           NO_PARAMETERS)
    assert request.url == "https://api.example.com/v1/search?page=2&currency=usd&tag=a%20b&tag=c&range%5Bmin%5D=1"
    assert http_request(_call(QueryParameters="a=1&b=x y"), NO_PARAMETERS).url.endswith("?a=1&b=x%20y")


def test_without_a_body_no_content_type_is_sent_and_array_headers_are_joined() -> None:
    request = http_request(_call(Headers={"Accept": ["application/json", "text/plain"], "X-Count": 3}),
                           NO_PARAMETERS)
    assert request.body is None and request.header("Content-Type") is None
    assert (request.header("accept"), request.header("x-count")) == ("application/json, text/plain", "3")


def test_a_string_body_is_sent_as_it_is() -> None:
    request = http_request(_call(Method="PUT", RequestBody="<order id='7'/>", Headers={"Content-Type": "text/xml"}),
                           NO_PARAMETERS)
    assert (request.body, request.header("content-type")) == (b"<order id='7'/>", "text/xml")


@pytest.mark.parametrize(("parameters", "says"), [
    ({"ApiEndpoint": None}, "http:invoke needs ApiEndpoint"),
    ({"Method": None}, "http:invoke needs Method, one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD"),
    ({"Method": "get"}, "Method must be one of GET, POST"),
    ({"ApiEndpoint": "http://api.example.com/x"}, "ApiEndpoint must use https, as Step Functions requires"),
    ({"ApiEndpoint": "ftp://127.0.0.1/x"}, "ApiEndpoint must be an https URL with a host"),
    ({"ApiEndpoint": "https://user:pw@api.example.com/"}, "must not carry credentials"),
    ({"Authentication": None}, "http:invoke needs Authentication.ConnectionArn"),
    ({"Authentication": {"ConnectionArn": "my-connection"}}, "ConnectionArn must be an EventBridge connection ARN"),
    ({"InvocationConfig": {"ConnectionArn": CONNECTION}}, "either Authentication or InvocationConfig, not both"),
    ({"Headers": {"Authorization": "Bearer x"}}, "The header 'Authorization' cannot be set"),
    ({"Headers": {"X-Amz-Date": "x"}}, "The header 'X-Amz-Date' cannot be set"),
    ({"Headers": {"X-Ok": {"a": 1}}}, "must be a string or an array of strings"),
    ({"Headers": {"X-Ok": "a\r\nInjected: 1"}}, "must not contain line breaks"),
    ({"QueryParameters": [1]}, "QueryParameters must be an object or a query string, not an array"),
    ({"Transform": {"RequestBodyEncoding": "JSON"}}, "RequestBodyEncoding must be one of NONE, URL_ENCODED"),
    ({"Transform": {"RequestEncodingOptions": {"ArrayFormat": "PIPES"}}},
     "ArrayFormat must be one of INDICES, REPEAT, COMMAS, BRACKETS"),
    ({"Body": {}}, "The field 'Body' is not supported by http:invoke"),
])
def test_invalid_parameters_are_named(parameters: dict[str, Any], says: str) -> None:
    task = {"ApiEndpoint": "https://api.example.com/", "Method": "GET", "Authentication": {"ConnectionArn": CONNECTION},
            **parameters}
    with pytest.raises(HttpRequestError, match=_escaped(says)):
        http_call(_task({name: value for name, value in task.items() if value is not None}))


def test_only_the_request_response_pattern_exists() -> None:
    parameters = {"ApiEndpoint": "https://a.example/", "Method": "GET", "Authentication": {"ConnectionArn": SECRET}}
    with pytest.raises(HttpRequestError, match="only the request-response pattern"):
        http_call(_task(parameters, f"{INVOKE}.waitForTaskToken", "callback"))


def test_plain_http_is_allowed_to_loopback_addresses_only() -> None:
    for endpoint in ("http://127.0.0.1:8080/run", "http://[::1]:8080/run"):
        assert _call(ApiEndpoint=endpoint).endpoint == endpoint


def test_a_string_body_cannot_be_merged_with_connection_body_parameters() -> None:
    credentials = ConnectionCredentials("BASIC", username="u", password="p", body=(("mode", "x"),))
    with pytest.raises(HttpRequestError, match="cannot be merged into a RequestBody that is a string"):
        http_request(_call(Method="POST", RequestBody="raw"), credentials)
    assert http_request(_call(Method="POST"), credentials).body == b'{"mode":"x"}'


# --- connection secrets ------------------------------------------------------------------------------

def test_secrets_are_read_in_eventbridges_shape_or_camel_case() -> None:
    eventbridge = connection_credentials('{"username": "u", "password": "p"}')
    camel = connection_credentials(json.dumps({"BasicAuthParameters": {"Username": "u", "Password": "p"}}))
    assert eventbridge == camel == ConnectionCredentials("BASIC", username="u", password="p")
    api_key = connection_credentials(json.dumps({"ApiKeyName": "X-Api-Key", "ApiKeyValue": "k",
                                                 "InvocationHttpParameters": {"HeaderParameters": [
                                                     {"Key": "X-Tenant", "Value": "t1", "IsValueSecret": False}]}}))
    assert api_key == ConnectionCredentials("API_KEY", api_key_name="X-Api-Key", api_key_value="k",
                                            headers=(("X-Tenant", "t1"),))


@pytest.mark.parametrize(("secret", "kind", "says"), [
    ('{"client_parameters": {"client_id": "c"}, "authorization_endpoint": "https://a/t"}', None,
     "uses OAUTH_CLIENT_CREDENTIALS, which CloudFlow's HTTP tasks do not support"),
    ('{"username": "u"}', None, "The BASIC connection's secret has no password"),
    ('{"api_key_name": "X-Key", "api_key_value": "k"}', "DIGEST", "authorization type must be one of"),
    ('{"token": "t"}', None, "holds no credentials this engine recognises"),
    ("not json", None, "not a JSON object"),
])
def test_unusable_secrets_say_why(secret: str, kind: str | None, says: str) -> None:
    with pytest.raises(HttpRequestError, match=_escaped(says)):
        connection_credentials(secret, kind)


# --- the outcome -------------------------------------------------------------------------------------

def test_a_2xx_answer_is_the_result_in_step_functions_shape() -> None:
    headers = (("Date", "Tue, 21 Nov 2023 00:06:17 GMT"), ("Content-Type", "application/json"),
               ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"))
    outcome = http_outcome(HttpResponse(200, "OK", headers, b'{"args": {"q": "1"}}'))
    assert outcome == TaskReturned({
        "Headers": {"date": ["Tue, 21 Nov 2023 00:06:17 GMT"], "content-type": ["application/json"],
                    "set-cookie": ["a=1", "b=2"]},
        "ResponseBody": {"args": {"q": "1"}}, "StatusCode": 200, "StatusText": "OK"})
    assert isinstance(outcome, TaskReturned) and list(outcome.output) == ["Headers", "ResponseBody", "StatusCode",
                                                                          "StatusText"]


@pytest.mark.parametrize(("content_type", "body", "shown"), [
    ("text/plain; charset=utf-8", b"done", "done"),
    ("application/problem+json", b'{"ok":true}', {"ok": True}),
    ("application/json", b"not json", "not json"),
    ("text/plain; charset=iso-8859-1", "café".encode("latin-1"), "café"),
    ("", b"", ""),
])
def test_bodies_are_parsed_when_json_and_kept_as_text_otherwise(content_type: str, body: bytes, shown: Any) -> None:
    outcome = http_outcome(HttpResponse(201, "Created", (("Content-Type", content_type),), body))
    assert isinstance(outcome, TaskReturned) and outcome.output["ResponseBody"] == shown


def test_other_statuses_fail_with_their_code_and_the_status_text() -> None:
    assert http_outcome(HttpResponse(404, "Not Found", (), b'{"message":"gone"}')) == TaskThrew(
        "States.Http.StatusCode.404", "Not Found")
    assert http_outcome(HttpResponse(503, "", (), b"")) == TaskThrew(status_code_error(503), "Service Unavailable")
    assert http_outcome(HttpResponse(302, "Found", (("Location", "https://elsewhere/"),))) == TaskThrew(
        "States.Http.StatusCode.302", "Found")


def test_no_answer_is_a_socket_error() -> None:
    assert http_outcome(HttpSocketFailure("timed out")) == TaskThrew("States.Http.Socket", "timed out")


@pytest.mark.parametrize(("content_type", "body", "error", "says"), [
    ("image/png", b"\x89PNG", "States.Runtime", "content-type 'image/png'"),
    ("application/octet-stream", b"\x00", "States.Runtime", "cannot read as text"),
    ("text/plain", b"\xff\xfe", "States.Runtime", "not valid utf-8 text"),
    ("text/plain", b"x" * (RESPONSE_SIZE_LIMIT + 1), "States.DataLimitExceeded", "larger than 262144 bytes"),
])
def test_unreadable_or_oversized_bodies_fail_the_task(content_type: str, body: bytes, error: str, says: str) -> None:
    outcome = http_outcome(HttpResponse(200, "OK", (("content-type", content_type),), body))
    assert isinstance(outcome, TaskThrew) and outcome.error == error and says in (outcome.cause or "")


def _escaped(text: str) -> str:
    return re.escape(text)
