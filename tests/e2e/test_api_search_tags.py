"""Execution tags and searching executions by a tag key the flow declares searchable, through the api Lambda
handler and over HTTP (the `api` fixture: local runtime on moto), and the start handler: tags at start
(checked as AWS checks tags), in describe, in idempotent repeats; declared tag keys; search by a tag's value
(exact, newest first, status filter, pages)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api_client import CALLBACK_FLOW, PASS_FLOW, ApiClient, arn_path, execution_arn


def _tags(**pairs: str) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in pairs.items()]


def _start(api: ApiClient, flow: str, name: str, tags: list[dict[str, str]], input: Any = None) -> None:
    api.lr.clock.advance_to(api.lr.clock.now_ms() + 1000)  # distinct start times: newest first is well defined
    api.start(flow, name, input, tags=tags)


def _names(api: ApiClient, **query: str) -> list[str]:
    answer = api.get("/executions/search", **query)
    assert answer.status == 200, answer
    return [e["name"] for e in answer.body["executions"]]


def _describe(api: ApiClient, flow: str, name: str) -> dict[str, Any]:
    answer = api.get(f"/executions/{arn_path(execution_arn(flow, name))}")
    assert answer.status == 200, answer
    return dict(answer.body)


def test_describe_shows_the_tags_in_the_order_given(api: ApiClient) -> None:
    api.create_flow("orders", PASS_FLOW)
    tags = [{"key": "region", "value": "eu west"}, {"key": "customer", "value": "c-42"},
            {"key": "note", "value": ""}, {"key": "kind:é/x", "value": "a=b+c@d.e_f-g"}]
    api.start("orders", "tagged", {}, tags=tags)
    api.start("orders", "plain", {})
    api.lr.pump()
    assert _describe(api, "orders", "tagged")["tags"] == tags
    assert "tags" not in _describe(api, "orders", "plain")


def test_declare_tags_then_search_by_a_tags_value(api: ApiClient) -> None:
    api.create_flow("orders", CALLBACK_FLOW)
    _start(api, "orders", "before", _tags(customer="c-42"))  # before the declaration: not indexed
    # A field and a tag may share a name: each has its own index.
    declaration = {"fields": [{"name": "customer", "path": "$.customer"}], "tags": ["customer", "region"]}
    declared = api.put("/flows/orders/search-fields", declaration)
    assert declared.status == 200 and declared.body == {"flow": "orders", **declaration}, declared
    assert api.get("/flows/orders/search-fields").body == {"flow": "orders", **declaration}

    _start(api, "orders", "o1", _tags(customer="c-42", region="eu"))
    _start(api, "orders", "o2", _tags(customer="c-7", region="eu"))
    _start(api, "orders", "o3", _tags(region="us", team="c-42"))  # team is not declared
    _start(api, "orders", "o4", _tags(customer="c-42"))
    _start(api, "orders", "o5", _tags(customer="c-420"))
    _start(api, "orders", "o6", [], {"customer": "c-42"})  # the field, not the tag
    _start(api, "orders", "o7", _tags(customer="42"))
    api.lr.pump()

    assert _names(api, flow="orders", tag="customer", value="c-42") == ["o4", "o1"]  # exact, newest first
    assert _names(api, flow="orders", tag="region", value="eu") == ["o2", "o1"]
    assert _names(api, flow="orders", tag="customer", value="42") == ["o7"]  # tag values are text as written
    assert _names(api, flow="orders", tag="customer", value='"42"') == []
    assert _names(api, flow="orders", tag="customer", value="c-4") == []
    assert _names(api, flow="orders", field="customer", value="c-42") == ["o6"]
    assert _names(api, flow="orders", tag="customer", value="x" * 300) == []  # longer than any tag value

    # the current status: stop o1, filter by status
    assert api.post(f"/executions/{arn_path(execution_arn('orders', 'o1'))}/stop", {}).status == 200
    api.lr.pump()
    found = api.get("/executions/search", flow="orders", tag="customer", value="c-42").body["executions"]
    assert [(e["name"], e["status"]) for e in found] == [("o4", "RUNNING"), ("o1", "ABORTED")]
    assert found[1]["executionArn"] == execution_arn("orders", "o1") and "stopDate" in found[1]
    assert _names(api, flow="orders", tag="customer", value="c-42", status="ABORTED") == ["o1"]

    # Replacing the declaration without tags stops indexing them; what was indexed stays found.
    assert api.put("/flows/orders/search-fields", {"fields": []}).body == {"flow": "orders", "fields": [], "tags": []}
    _start(api, "orders", "o8", _tags(customer="c-42"))
    undeclared = api.get("/executions/search", flow="orders", tag="customer", value="c-42")
    assert (undeclared.status, undeclared.fields()) == (400, ["tag"]), undeclared
    assert api.put("/flows/orders/search-fields", {"tags": ["customer"]}).status == 200  # tags alone
    assert _names(api, flow="orders", tag="customer", value="c-42") == ["o4", "o1"]


def test_tag_search_pages_and_its_tokens_continue_only_that_search(api: ApiClient) -> None:
    api.create_flow("shop", PASS_FLOW)
    declaration = {"fields": [{"name": "customer", "path": "$.c"}], "tags": ["customer", "team"]}
    assert api.put("/flows/shop/search-fields", declaration).status == 200
    for index in range(5):
        _start(api, "shop", f"s{index}", _tags(customer="same", team="t"), {"c": "same"})
    api.lr.pump()
    seen: list[str] = []
    query = {"flow": "shop", "tag": "customer", "value": "same", "maxResults": "2"}
    for _ in range(5):
        answer = api.get("/executions/search", **query)
        assert answer.status == 200, answer
        assert len(answer.body["executions"]) <= 2
        seen.extend(e["name"] for e in answer.body["executions"])
        if "nextToken" not in answer.body:
            break
        query["nextToken"] = answer.body["nextToken"]
    assert seen == ["s4", "s3", "s2", "s1", "s0"]
    token = query["nextToken"]
    for other in ({"tag": "customer", "value": "other"}, {"tag": "team", "value": "same"},
                  {"field": "customer", "value": "same"}):
        refused = api.get("/executions/search", flow="shop", nextToken=token, **other)
        assert (refused.status, refused.error()) == (400, "InvalidToken"), (other, refused)


def test_a_repeat_start_with_the_same_tags_is_the_same_execution(api: ApiClient) -> None:
    api.create_flow("orders", CALLBACK_FLOW)  # keeps running: a repeat is answered while it runs
    assert api.put("/flows/orders/search-fields", {"tags": ["customer"]}).status == 200
    first = api.start("orders", "once", {"n": 1}, tags=_tags(customer="c-1", region="eu"))
    api.lr.clock.advance_to(api.lr.clock.now_ms() + 5000)
    # The same tags in another order are the same tags.
    again = api.start("orders", "once", {"n": 1}, tags=list(reversed(_tags(customer="c-1", region="eu"))))
    assert again.body == first.body
    for tags in (_tags(customer="c-2", region="eu"), _tags(customer="c-1"), []):
        refused = api.post("/executions", {"flow": "orders", "name": "once", "input": {"n": 1}, "tags": tags})
        assert (refused.status, refused.error()) == (409, "ExecutionAlreadyExists"), (tags, refused)
    api.lr.pump()
    assert _names(api, flow="orders", tag="customer", value="c-1") == ["once"]  # indexed once
    assert _names(api, flow="orders", tag="customer", value="c-2") == []
    assert _describe(api, "orders", "once")["tags"] == _tags(customer="c-1", region="eu")


@pytest.mark.parametrize(("tags", "field", "words"), [
    ([{"key": "", "value": "x"}], "tags.0.key", "1 to 128"),
    ([{"key": "k" * 129, "value": "x"}], "tags.0.key", "1 to 128"),
    ([{"key": "ok", "value": "v"}, {"key": "aws:team", "value": "x"}], "tags.1.key", "aws:"),
    ([{"key": "AWS:team", "value": "x"}], "tags.0.key", "aws:"),
    ([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}, {"key": "a", "value": "3"}], "tags.2.key", "twice"),
    ([{"key": "a#b", "value": "x"}], "tags.0.key", "only letters"),
    ([{"key": "a", "value": "v" * 257}], "tags.0.value", "256"),
    ([{"key": "a", "value": "line\nbreak"}], "tags.0.value", "only letters"),
    ([{"key": f"k{i}", "value": "v"} for i in range(51)], "tags", "50"),
    ([{"value": "x"}], "tags.0.key", "required"),
    ([{"key": 7, "value": "x"}], "tags.0.key", "string"),
    ([{"key": "a", "value": "x", "extra": 1}], "tags.0.extra", "unknown"),
    ({"a": "x"}, "tags", "list"),
])
def test_bad_tags_are_refused_naming_the_tag(api: ApiClient, tags: Any, field: str, words: str) -> None:
    api.create_flow("orders", PASS_FLOW)
    refused = api.post("/executions", {"flow": "orders", "name": "n1", "input": {}, "tags": tags})
    assert (refused.status, refused.error(), refused.fields()) == (400, "InvalidRequest", [field]), refused
    assert refused.body["fields"][0]["location"] == "body"
    assert words in refused.body["fields"][0]["message"], refused
    # Nothing was started: the name is still free.
    assert api.start("orders", "n1", {}, tags=_tags(ok="1")).status == 200


def test_the_start_function_takes_tags_too(api: ApiClient) -> None:
    api.create_flow("orders", PASS_FLOW)
    assert api.put("/flows/orders/search-fields", {"tags": ["customer"]}).status == 200
    started = api.lr.invoke("start", {"flow": "orders", "name": "direct", "input": "{}",
                                      "tags": _tags(customer="c-9")})
    assert started["executionArn"] == execution_arn("orders", "direct"), started
    api.lr.pump()
    assert _describe(api, "orders", "direct")["tags"] == _tags(customer="c-9")
    assert _names(api, flow="orders", tag="customer", value="c-9") == ["direct"]
    refused = api.lr.invoke("start", {"flow": "orders", "name": "bad", "input": "{}",
                                      "tags": [{"key": "a", "value": "1"}, {"key": "aws:b", "value": "2"}]})
    assert refused["error"] == "InvalidRequest" and refused["fields"][0]["field"] == "tags.1.key", refused


def test_search_and_declaration_refusals_name_the_field(api: ApiClient) -> None:
    api.create_flow("orders")
    assert api.put("/flows/orders/search-fields", {"fields": [{"name": "customer", "path": "$.c"}],
                                                   "tags": ["region", "team"]}).status == 200

    undeclared = api.get("/executions/search", flow="orders", tag="customer", value="x")
    assert (undeclared.status, undeclared.error(), undeclared.fields()) == (400, "InvalidRequest", ["tag"])
    assert "region, team" in undeclared.body["message"], undeclared
    both = api.get("/executions/search", flow="orders", field="customer", tag="region", value="x")
    assert (both.status, both.fields()) == (400, ["tag"]), both
    neither = api.get("/executions/search", flow="orders", value="x")
    assert (neither.status, neither.fields()) == (400, ["field"]), neither
    too_long = api.get("/executions/search", flow="orders", tag="k" * 129, value="x")
    assert (too_long.status, too_long.fields()) == (400, ["tag"]), too_long

    for tags, field in ((["ok", "aws:x"], "tags.1"), (["a", "a"], "tags.1"), ([""], "tags.0"),
                        (["k" * 129], "tags.0"), (["a#b"], "tags.0"), ([7], "tags.0"),
                        ([f"k{i}" for i in range(11)], "tags"), ("region", "tags")):
        refused = api.put("/flows/orders/search-fields", {"tags": tags})
        assert (refused.status, refused.error(), refused.fields()) == (400, "InvalidRequest", [field]), (tags, refused)
    # refused requests leave the declaration as it was
    assert api.get("/flows/orders/search-fields").body["tags"] == ["region", "team"]
