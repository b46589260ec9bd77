"""The management API's flow routes (local runtime on moto), each test once through the api Lambda handler
(API Gateway REST proxy events) and once over HTTP through the local stack (the `api` fixture's transports,
tests/e2e/conftest.py): create / describe / update / list / delete, published versions, aliases,
validation, the OpenAPI document, and how refused requests are answered."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cloudflow.core.timestamps import iso_from_ms
from cloudflow.runtime.flows import publish_flow
from tests.e2e.api_client import (
    CALLBACK_FLOW,
    HTTP_COVERED_ELSEWHERE,
    PASS_FLOW,
    WAIT_FLOW,
    ApiClient,
    rest_event,
    sample,
)
from tests.e2e.conftest import START_MS

SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine"


# --- create, describe, update, delete ---------------------------------------------------------------


def test_create_flow_sample_then_describe_it(api: ApiClient) -> None:
    event = sample("api_create_flow.json")
    created = api.send(event)
    assert created.status == 201, created
    definition = json.loads(event["body"])["definition"]
    assert created.body == {"name": "orders", "stateMachineArn": f"{SM_ARN}:orders",
                            "version": created.body["version"], "creationDate": iso_from_ms(START_MS)}

    described = api.get("/flows/orders")
    assert described.status == 200, described
    assert described.body["version"] == created.body["version"]
    assert json.loads(described.body["definition"]) == definition
    assert described.body["aliases"] == {"LATEST": created.body["version"]}
    assert described.body["creationDate"] == described.body["updateDate"] == iso_from_ms(START_MS)

    again = api.send(event)
    assert (again.status, again.error()) == (409, "StateMachineAlreadyExists"), again


@HTTP_COVERED_ELSEWHERE
def test_create_flow_reports_every_problem_of_the_definition(api: ApiClient) -> None:
    broken = {"StartAt": "Missing", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}, "B": {"Type": "Bogus"}}}
    answer = api.post("/flows", {"name": "broken", "definition": broken})
    assert (answer.status, answer.error()) == (400, "InvalidDefinition"), answer
    pointers = {item["pointer"] for item in answer.body["diagnostics"]}
    assert len(answer.body["diagnostics"]) >= 3, answer
    assert {"/StartAt", "/States/A/Next", "/States/B/Type"} <= pointers, pointers
    assert api.get("/flows/broken").status == 404  # nothing was stored


@HTTP_COVERED_ELSEWHERE
def test_create_flow_takes_yaml_text(api: ApiClient) -> None:
    text = "StartAt: Hello\nStates:\n  Hello:\n    Type: Pass\n    End: true\n"
    assert api.post("/flows", {"name": "yaml-flow", "definition": text}).status == 201
    assert api.get("/flows/yaml-flow").body["definition"] == text


@HTTP_COVERED_ELSEWHERE
@pytest.mark.parametrize(("body", "fields"), [
    ({"definition": PASS_FLOW}, ["name"]),
    ({"name": "has space", "definition": PASS_FLOW}, ["name"]),
    ({"name": "ok"}, ["definition"]),
    ({"name": "ok", "definition": 42}, ["definition"]),
    ({"name": "ok", "definition": PASS_FLOW, "extra": 1}, ["extra"]),
    ({"Name": "ok", "definition": PASS_FLOW}, ["name", "Name"]),
])
def test_create_flow_names_each_wrong_field(api: ApiClient, body: dict[str, Any], fields: list[str]) -> None:
    answer = api.post("/flows", body)
    assert (answer.status, answer.error()) == (400, "InvalidRequest"), answer
    assert answer.fields() == fields, answer
    assert "Traceback" not in json.dumps(answer.body)


def test_a_body_that_is_not_json_or_not_an_object_is_refused(api: ApiClient) -> None:
    answer = api.call("POST", "/flows", raw_body="{not json")
    assert (answer.status, answer.error(), answer.fields()) == (400, "InvalidRequest", ["body"]), answer
    answer = api.call("POST", "/flows", raw_body="[1, 2]")
    assert (answer.status, answer.fields()) == (400, ["(body)"]), answer
    answer = api.call("POST", "/flows")
    assert (answer.status, answer.fields()) == (400, ["(body)"]), answer


def test_bodies_the_api_cannot_read_are_4xx(api: ApiClient) -> None:
    form = rest_event("POST", "/flows", raw_body="name=x&definition=y")
    form["headers"]["Content-Type"] = "multipart/form-data"  # and no boundary
    answer = api.send(form)
    assert (answer.status, answer.error(), answer.fields()) == (415, "UnsupportedMediaType", ["Content-Type"])
    binary = rest_event("POST", "/flows", raw_body=base64.b64encode(b"\x99\xffname").decode())
    binary["isBase64Encoded"] = True
    answer = api.send(binary)
    assert (answer.status, answer.fields()) == (400, ["body"]), answer
    encoded = rest_event("POST", "/validate", raw_body=base64.b64encode(json.dumps(
        {"definition": PASS_FLOW}).encode()).decode())
    encoded["isBase64Encoded"] = True
    assert api.send(encoded).body == {"result": "OK", "diagnostics": []}
    deep = api.call("POST", "/validate", raw_body='{"definition": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert (deep.status, deep.fields()) == (400, ["body"]), deep


def test_update_moves_latest_and_keeps_old_versions_startable(api: ApiClient) -> None:
    first = api.create_flow("greeter").body["version"]
    updated = api.put("/flows/greeter", {"definition": WAIT_FLOW})
    assert updated.status == 200, updated
    second = updated.body["version"]
    assert second != first and updated.body["updateDate"] == iso_from_ms(START_MS)
    assert api.get("/flows/greeter").body["version"] == second
    # the first version is still there: a start may pin it by its content id
    assert api.start("greeter", "old", version=first).body["version"] == first

    missing = api.put("/flows/nobody", {"definition": PASS_FLOW})
    assert (missing.status, missing.error()) == (404, "StateMachineDoesNotExist"), missing
    invalid = api.put("/flows/greeter", {"definition": {"StartAt": "X"}})
    assert (invalid.status, invalid.error()) == (400, "InvalidDefinition"), invalid
    assert api.get("/flows/greeter").body["version"] == second


@HTTP_COVERED_ELSEWHERE
def test_a_flow_published_outside_the_api_is_listed_and_updatable(api: ApiClient) -> None:
    publish_flow(api.lr.runtime, "legacy", PASS_FLOW)  # e.g. a start with an inline definition
    assert api.get("/flows/legacy").status == 200
    assert [f["name"] for f in api.get("/flows").body["flows"]] == ["legacy"]
    assert api.post("/flows", {"name": "legacy", "definition": PASS_FLOW}).status == 409
    assert api.put("/flows/legacy", {"definition": WAIT_FLOW}).status == 200
    assert [f["name"] for f in api.get("/flows").body["flows"]] == ["legacy"]


def test_delete_flow(api: ApiClient) -> None:
    api.create_flow("doomed")
    api.post("/flows/doomed/versions", {})
    api.put("/flows/doomed/aliases/prod", {"version": 1})
    deleted = api.delete("/flows/doomed")
    assert (deleted.status, deleted.body) == (200, {}), deleted
    for path in ("/flows/doomed", "/flows/doomed/versions", "/flows/doomed/aliases/prod"):
        gone = api.get(path)
        assert (gone.status, gone.error()) == (404, "StateMachineDoesNotExist"), (path, gone)
    assert api.get("/flows").body == {"flows": []}
    refused = api.post("/executions", {"flow": "doomed", "name": "late"})
    assert (refused.status, refused.error()) == (404, "StateMachineDoesNotExist"), refused
    again = api.delete("/flows/doomed")
    assert (again.status, again.error()) == (404, "StateMachineDoesNotExist"), again
    assert api.post("/flows", {"name": "doomed", "definition": PASS_FLOW}).status == 201  # the name is free


def test_missing_flows_are_404_with_their_name(api: ApiClient) -> None:
    for method, path in (("GET", "/flows/ghost"), ("DELETE", "/flows/ghost"), ("POST", "/flows/ghost/versions"),
                         ("GET", "/flows/ghost/versions"), ("GET", "/flows/ghost/aliases/prod")):
        answer = api.call(method, path)
        assert (answer.status, answer.error()) == (404, "StateMachineDoesNotExist"), (method, path, answer)
        assert "'ghost'" in answer.body["message"]
    bad_name = api.get("/flows/not%20a%20name")
    assert (bad_name.status, bad_name.fields()) == (400, ["name"]), bad_name


def test_list_flows_paginates(api: ApiClient) -> None:
    names = [f"flow-{index:02d}" for index in range(7)]
    for name in reversed(names):
        api.create_flow(name)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        query = {"maxResults": "3", **({"nextToken": token} if token else {})}
        page = api.get("/flows", **query)
        assert page.status == 200, page
        assert len(page.body["flows"]) <= 3
        seen.extend(flow["name"] for flow in page.body["flows"])
        pages += 1
        token = page.body.get("nextToken")
        if token is None:
            break
    assert (seen, pages) == (names, 3)
    summary = api.get("/flows", maxResults="1").body["flows"][0]
    assert summary == {"name": "flow-00", "stateMachineArn": f"{SM_ARN}:flow-00",
                       "creationDate": iso_from_ms(START_MS), "updateDate": iso_from_ms(START_MS)}


@pytest.mark.parametrize(("query", "field", "error"), [
    pytest.param({"maxResults": "0"}, "maxResults", "InvalidRequest", marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"maxResults": "1001"}, "maxResults", "InvalidRequest", marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"maxResults": "many"}, "maxResults", "InvalidRequest", marks=HTTP_COVERED_ELSEWHERE),
    ({"nextToken": "garbage!"}, None, "InvalidToken"),
])
def test_list_flows_refuses_bad_paging(api: ApiClient, query: dict[str, str], field: str | None, error: str) -> None:
    answer = api.get("/flows", **query)
    assert (answer.status, answer.error()) == (400, error), answer
    if field:
        assert answer.body["fields"] == [{"field": field, "location": "query", "message": answer.body["fields"][0][
            "message"]}]


@HTTP_COVERED_ELSEWHERE
def test_a_token_of_another_listing_is_refused(api: ApiClient) -> None:
    api.create_flow("a")
    api.create_flow("b")
    token = api.get("/flows", maxResults="1").body["nextToken"]
    answer = api.get("/flows/a/versions", nextToken=token)
    assert (answer.status, answer.error()) == (400, "InvalidToken"), answer


# --- versions and aliases ---------------------------------------------------------------------------


def test_publish_versions_list_them_and_start_them(api: ApiClient) -> None:
    content_1 = api.create_flow("versioned").body["version"]
    first = api.post("/flows/versioned/versions", {"description": "first cut"})
    assert first.status == 201, first
    assert first.body == {"name": "versioned", "version": content_1, "versionNumber": 1,
                          "stateMachineVersionArn": f"{SM_ARN}:versioned:1", "creationDate": iso_from_ms(START_MS),
                          "description": "first cut"}
    # nothing changed: publishing again answers the same version, as Step Functions does
    assert api.post("/flows/versioned/versions").body["versionNumber"] == 1
    content_2 = api.put("/flows/versioned", {"definition": WAIT_FLOW}).body["version"]
    assert api.post("/flows/versioned/versions").body["versionNumber"] == 2
    content_3 = api.put("/flows/versioned", {"definition": CALLBACK_FLOW}).body["version"]
    assert api.post("/flows/versioned/versions").body["versionNumber"] == 3

    page = api.get("/flows/versioned/versions", maxResults="2")
    assert [v["versionNumber"] for v in page.body["versions"]] == [3, 2]
    rest = api.get("/flows/versioned/versions", maxResults="2", nextToken=page.body["nextToken"])
    assert [v["versionNumber"] for v in rest.body["versions"]] == [1] and "nextToken" not in rest.body

    assert api.start("versioned", "by-number", version=1).body["version"] == content_1
    assert api.start("versioned", "by-number-text", version="2").body["version"] == content_2
    by_arn = api.post("/executions", {"stateMachineArn": f"{SM_ARN}:versioned:2", "name": "by-arn"})
    assert by_arn.body["version"] == content_2, by_arn
    assert api.start("versioned", "latest").body["version"] == content_3
    missing = api.post("/executions", {"flow": "versioned", "name": "nine", "version": 9})
    assert (missing.status, missing.error()) == (404, "StateMachineDoesNotExist"), missing
    malformed = api.post("/executions", {"flow": "versioned", "name": "x", "version": "v1"})
    assert (malformed.status, malformed.fields()) == (400, ["version"]), malformed


def test_aliases_point_at_versions(api: ApiClient) -> None:
    content_1 = api.create_flow("aliased").body["version"]
    api.post("/flows/aliased/versions")
    content_2 = api.put("/flows/aliased", {"definition": WAIT_FLOW}).body["version"]

    put = api.put("/flows/aliased/aliases/prod", {"version": 1})
    assert put.status == 200, put
    assert put.body == {"name": "aliased", "alias": "prod", "version": content_1,
                        "stateMachineAliasArn": f"{SM_ARN}:aliased:prod"}
    assert api.get("/flows/aliased/aliases/prod").body == put.body
    assert api.start("aliased", "via-alias", alias="prod").body["version"] == content_1
    by_arn = api.post("/executions", {"stateMachineArn": f"{SM_ARN}:aliased:prod", "name": "via-alias-arn"})
    assert by_arn.body["version"] == content_1, by_arn

    assert api.put("/flows/aliased/aliases/prod", {"version": content_2}).body["version"] == content_2
    assert api.get("/flows/aliased").body["aliases"] == {"LATEST": content_2, "prod": content_2}

    missing = api.get("/flows/aliased/aliases/staging")
    assert (missing.status, missing.error()) == (404, "ResourceNotFound"), missing
    assert api.put("/flows/aliased/aliases/prod", {"version": 7}).status == 404
    latest = api.put("/flows/aliased/aliases/LATEST", {"version": 1})
    assert (latest.status, latest.fields()) == (400, ["alias"]), latest
    no_version = api.put("/flows/aliased/aliases/prod", {})
    assert (no_version.status, no_version.fields()) == (400, ["version"]), no_version
    both = api.post("/executions", {"flow": "aliased", "name": "both", "version": 1, "alias": "prod"})
    assert (both.status, both.fields()) == (400, ["alias"]), both
    unknown = api.post("/executions", {"flow": "aliased", "name": "nope", "alias": "staging"})
    assert (unknown.status, unknown.error()) == (404, "StateMachineDoesNotExist"), unknown


# --- validate, OpenAPI, unknown routes --------------------------------------------------------------


def test_validate(api: ApiClient) -> None:
    assert api.post("/validate", {"definition": PASS_FLOW}).body == {"result": "OK", "diagnostics": []}
    failed = api.post("/validate", {"definition": {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}})
    assert failed.status == 200 and failed.body["result"] == "FAIL", failed
    assert all(set(d) == {"code", "message", "pointer"} for d in failed.body["diagnostics"])
    assert "/States/A" in {d["pointer"] for d in failed.body["diagnostics"]}
    text = api.post("/validate", {"definition": '{"StartAt": "A", '})
    assert text.body["result"] == "FAIL" and "line 1" in text.body["diagnostics"][0]["message"], text
    wrong_type = api.post("/validate", {"definition": [1]})
    assert (wrong_type.status, wrong_type.fields()) == (400, ["definition"]), wrong_type


def test_openapi_document_sample(api: ApiClient) -> None:
    answer = api.send(sample("api_get_openapi.json"))
    assert answer.status == 200
    document = answer.body
    assert document["openapi"].startswith("3.") and document["info"]["title"] == "CloudFlow management API"
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert {("POST", "/flows"), ("GET", "/flows"), ("GET", "/flows/{name}"), ("PUT", "/flows/{name}"),
            ("DELETE", "/flows/{name}"), ("POST", "/flows/{name}/versions"), ("GET", "/flows/{name}/versions"),
            ("PUT", "/flows/{name}/aliases/{alias}"), ("GET", "/flows/{name}/aliases/{alias}"),
            ("POST", "/executions"), ("POST", "/executions/sync"), ("GET", "/executions"),
            ("GET", "/executions/{arn}"), ("POST", "/executions/{arn}/stop"), ("POST", "/executions/{arn}/redrive"),
            ("GET", "/executions/{arn}/history"),
            ("GET", "/executions/{arn}/units"),
            ("GET", "/executions/{arn}/pending-tasks"), ("GET", "/executions/{arn}/usage"),
            ("POST", "/tasks/success"), ("POST", "/tasks/failure"), ("POST", "/tasks/heartbeat"),
            ("GET", "/usage"), ("POST", "/validate"),
            # triggers (tests/e2e/test_api_triggers.py)
            ("PUT", "/flows/{name}/rule"), ("GET", "/flows/{name}/rule"), ("DELETE", "/flows/{name}/rule"),
            ("GET", "/flows/{name}/schedules"), ("PUT", "/flows/{name}/schedules/{schedule}"),
            ("GET", "/flows/{name}/schedules/{schedule}"),
            ("DELETE", "/flows/{name}/schedules/{schedule}"),
            # search (tests/e2e/test_api_search.py)
            ("PUT", "/flows/{name}/search-fields"), ("GET", "/flows/{name}/search-fields"),
            ("GET", "/executions/search")} == operations
    start = document["components"]["schemas"]["StartRequest"]
    assert {"flow", "stateMachineArn", "name", "input", "version", "alias", "maxTransitions", "testCase",
            "mockConfig", "tags"} == set(start["properties"])
    assert "422" not in json.dumps(document["paths"])  # refused requests are 400s, documented as such
    assert document["paths"]["/executions"]["post"]["responses"]["409"]["content"]["application/json"]


def test_unknown_routes_and_methods_are_404(api: ApiClient) -> None:
    for method, path in (("GET", "/nothing"), ("PATCH", "/flows"), ("GET", "/")):
        answer = api.call(method, path)
        assert (answer.status, answer.error()) == (404, "UnknownOperation"), (method, path, answer)


# A direct invocation is an event that is not an API Gateway request at all: it has no HTTP form.
@pytest.mark.handler_only(reason="invokes the api function with a non-API Gateway event")
def test_a_direct_invocation_is_refused_without_a_trace(api: ApiClient) -> None:
    answer = api.lr.invoke("api", {"flow": "x"})
    assert answer["error"] == "InvalidRequest" and "API Gateway" in answer["message"]
