"""Searching executions by an input field the flow declares searchable, through the api Lambda handler
and over HTTP through the local stack (local runtime on moto): declare, start, find by value (exact, newest
first, status filter, pages)."""

from __future__ import annotations

from typing import Any

from tests.e2e.api_client import CALLBACK_FLOW, HTTP_COVERED_ELSEWHERE, PASS_FLOW, ApiClient, arn_path, execution_arn

FIELDS = {"fields": [{"name": "customer", "path": "$.customer.id"}, {"name": "region", "path": "$.region"},
                     {"name": "amount", "path": "$.amount"}]}


def _start(api: ApiClient, flow: str, name: str, input: Any) -> None:
    api.lr.clock.advance_to(api.lr.clock.now_ms() + 1000)  # distinct start times: newest first is well defined
    api.start(flow, name, input)


def _names(api: ApiClient, **query: str) -> list[str]:
    answer = api.get("/executions/search", **query)
    assert answer.status == 200, answer
    return [e["name"] for e in answer.body["executions"]]


def test_declare_start_and_search(api: ApiClient) -> None:
    api.create_flow("orders", CALLBACK_FLOW)
    _start(api, "orders", "before", {"customer": {"id": "c-42"}})  # before the declaration: not indexed
    assert api.get("/flows/orders/search-fields").body == {"flow": "orders", "fields": [], "tags": []}
    declared = api.put("/flows/orders/search-fields", FIELDS)  # no tags: a request as written before tags
    assert declared.status == 200 and declared.body == {"flow": "orders", **FIELDS, "tags": []}, declared
    assert api.get("/flows/orders/search-fields").body == {"flow": "orders", **FIELDS, "tags": []}

    _start(api, "orders", "o1", {"customer": {"id": "c-42"}, "region": "eu", "amount": 10})
    _start(api, "orders", "o2", {"customer": {"id": "c-7"}, "region": "eu"})
    _start(api, "orders", "o3", {"region": "us"})  # no customer
    _start(api, "orders", "o4", {"customer": {"id": "c-42"}, "amount": 10.0})
    _start(api, "orders", "o5", {"customer": {"id": "c-420"}, "amount": "10"})
    _start(api, "orders", "o6", {"customer": "c-42"})  # customer is not an object: no customer.id
    api.lr.pump()

    assert _names(api, flow="orders", field="customer", value="c-42") == ["o4", "o1"]  # exact, newest first
    assert _names(api, flow="orders", field="region", value="eu") == ["o2", "o1"]
    assert _names(api, flow="orders", field="amount", value="10") == ["o4", "o1"]  # the number 10
    assert _names(api, flow="orders", field="amount", value='"10"') == ["o5"]  # the string "10"
    assert _names(api, flow="orders", field="customer", value="c-4") == []

    # the current status: stop o1, filter by status
    assert api.post(f"/executions/{arn_path(execution_arn('orders', 'o1'))}/stop", {}).status == 200
    api.lr.pump()
    found = api.get("/executions/search", flow="orders", field="customer", value="c-42").body["executions"]
    assert [(e["name"], e["status"]) for e in found] == [("o4", "RUNNING"), ("o1", "ABORTED")]
    assert found[1]["executionArn"] == execution_arn("orders", "o1") and "stopDate" in found[1]
    assert _names(api, flow="orders", field="customer", value="c-42", status="ABORTED") == ["o1"]
    assert _names(api, flow="orders", field="customer", value="c-42", status="SUCCEEDED") == []


@HTTP_COVERED_ELSEWHERE
def test_pages_and_repeat_starts(api: ApiClient) -> None:
    api.create_flow("shop", PASS_FLOW)
    assert api.put("/flows/shop/search-fields", {"fields": [{"name": "customer", "path": "$.c"}]}).status == 200
    for index in range(5):
        _start(api, "shop", f"s{index}", {"c": "same"})
    api.start("shop", "s2", {"c": "same"})  # a repeat of the same start: the same index item, once
    api.lr.pump()
    seen: list[str] = []
    query = {"flow": "shop", "field": "customer", "value": "same", "maxResults": "2"}
    for _ in range(5):
        answer = api.get("/executions/search", **query)
        assert answer.status == 200, answer
        assert len(answer.body["executions"]) <= 2
        assert all(e["status"] == "SUCCEEDED" for e in answer.body["executions"])
        seen.extend(e["name"] for e in answer.body["executions"])
        if "nextToken" not in answer.body:
            break
        query["nextToken"] = answer.body["nextToken"]
    assert seen == ["s4", "s3", "s2", "s1", "s0"]
    other = api.get("/executions/search", flow="shop", field="customer", value="other", nextToken=query["nextToken"])
    assert (other.status, other.error()) == (400, "InvalidToken"), other


def test_refusals(api: ApiClient) -> None:
    api.create_flow("orders")
    api.put("/flows/orders/search-fields", {"fields": [{"name": "customer", "path": "$.customer.id"}]})

    undeclared = api.get("/executions/search", flow="orders", field="region", value="eu")
    assert (undeclared.status, undeclared.error(), undeclared.fields()) == (400, "InvalidRequest", ["field"])
    assert "customer" in undeclared.body["message"]

    unknown = api.get("/executions/search", flow="nope", field="customer", value="x")
    assert (unknown.status, unknown.error()) == (404, "StateMachineDoesNotExist"), unknown
    for path in ("/flows/nope/search-fields",):
        assert api.get(path).status == 404
        assert api.put(path, FIELDS).error() == "StateMachineDoesNotExist"

    bad_path = api.put("/flows/orders/search-fields", {"fields": [{"name": "customer", "path": "$.items[0].id"}]})
    assert (bad_path.status, bad_path.error(), bad_path.fields()) == (400, "InvalidRequest", ["fields.0.path"])
    assert "'customer'" in bad_path.body["message"]
    too_many = api.put("/flows/orders/search-fields",
                       {"fields": [{"name": f"f{i}", "path": f"$.f{i}"} for i in range(11)]})
    assert too_many.status == 400 and too_many.fields() == ["fields"], too_many
    bad_name = api.put("/flows/orders/search-fields", {"fields": [{"name": "a" * 65, "path": "$.a"}]})
    assert bad_name.status == 400 and bad_name.fields() == ["fields.0.name"], bad_name
    # the declaration is unchanged by refused requests; an empty list stops indexing
    assert api.get("/flows/orders/search-fields").body["fields"] == [{"name": "customer", "path": "$.customer.id"}]
    assert api.put("/flows/orders/search-fields", {"fields": []}).body == {"flow": "orders", "fields": [], "tags": []}
