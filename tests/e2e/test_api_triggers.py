"""Triggers through the api Lambda handler (API Gateway REST proxy events) and over HTTP through the local stack (local
runtime on moto): a flow's EventBridge rule and its Scheduler schedules are created, replaced, described and deleted
in moto, refused with the field named when malformed, and 404 for an unknown flow. Then what a rule's target and a
schedule deliver (read back from moto, rendered as EventBridge / Scheduler render it) is handed to the start
handler: it starts the flow with the event (or the schedule's input) as input, and a redelivery starts nothing more.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from moto.events.models import EventPattern

from cloudflow.local.trigger_delivery import render_input_transformer, render_scheduler_input
from tests.e2e.api_client import HTTP_COVERED_ELSEWHERE, PASS_FLOW, ApiClient, arn_path, execution_arn, sample

REGION = "us-east-1"
STACK = "cloudflow-test"
START_FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:{STACK}-start"
ROLE = f"arn:aws:iam::123456789012:role/{STACK}-trigger-scheduler"
GROUP = f"{STACK}-triggers"
ECHO_FLOW = {"StartAt": "Take", "States": {"Take": {"Type": "Pass", "End": True}}}  # its output is its input
ORDER_PATTERN = {"source": ["cloudflow.examples"], "detail-type": ["OrderPlaced"]}


@pytest.fixture
def aws_clients(aws: Any) -> dict[str, Any]:
    return {"events": aws.client("events", region_name=REGION),
            "scheduler": aws.client("scheduler", region_name=REGION)}


@pytest.fixture
def api(local_runtime: Callable[..., Any], api_client: Callable[[Any], ApiClient], aws_clients: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> ApiClient:
    """The api with the trigger variables template.yaml gives ApiFunction, and the trigger group."""
    client = api_client(local_runtime())
    aws_clients["scheduler"].create_schedule_group(Name=GROUP)
    for name, value in {"CLOUDFLOW_START_FUNCTION_ARN": START_FUNCTION, "CLOUDFLOW_TRIGGER_ROLE_ARN": ROLE,
                        "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP": GROUP, "CLOUDFLOW_STACK_NAME": STACK}.items():
        monkeypatch.setenv(name, value)
    return client


def _rule_target(events: Any, rule: str) -> dict[str, Any]:
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    return dict(target)


def _executions(api: ApiClient, flow: str) -> list[dict[str, Any]]:
    answer = api.get("/executions", flow=flow)
    assert answer.status == 200, answer
    return list(answer.body["executions"])


def _described(api: ApiClient, arn: str) -> dict[str, Any]:
    answer = api.get(f"/executions/{arn_path(arn)}")
    assert answer.status == 200, answer
    return dict(answer.body)


# --- rules --------------------------------------------------------------------------------------------------


def test_a_flows_rule_is_created_described_replaced_and_deleted(api: ApiClient,
                                                                aws_clients: dict[str, Any]) -> None:
    events = aws_clients["events"]
    api.create_flow("orders", ECHO_FLOW)
    name = f"cloudflow-{STACK}.orders"

    created = api.put("/flows/orders/rule", {"eventPattern": ORDER_PATTERN, "description": "new orders"})
    assert created.status == 200, created
    template = '{"flow":"orders","name":<id>,"input":<aws.events.event.json>}'
    assert created.body == {
        "flow": "orders", "ruleName": name, "ruleArn": f"arn:aws:events:{REGION}:123456789012:rule/{name}",
        "eventPattern": ORDER_PATTERN, "state": "ENABLED", "description": "new orders",
        "target": {"arn": START_FUNCTION, "inputTemplate": template}}
    assert api.get("/flows/orders/rule").body == created.body

    rule = events.describe_rule(Name=name)
    assert (json.loads(rule["EventPattern"]), rule["State"], rule["Description"]) == (ORDER_PATTERN, "ENABLED",
                                                                                      "new orders")
    assert _rule_target(events, name) == {"Id": "cloudflow-start", "Arn": START_FUNCTION, "InputTransformer": {
        "InputPathsMap": {"id": "$.id"}, "InputTemplate": template}}

    # the pattern as JSON text, disabled, without a description: the rule is replaced, still with one target
    other = {"source": ["cloudflow.examples"], "detail": {"total": [{"numeric": [">", 100]}]}}
    replaced = api.put("/flows/orders/rule", {"eventPattern": json.dumps(other), "state": "DISABLED"})
    assert replaced.status == 200, replaced
    assert (replaced.body["eventPattern"], replaced.body["state"]) == (other, "DISABLED")
    assert "description" not in replaced.body
    assert api.get("/flows/orders/rule").body == replaced.body
    assert json.loads(events.describe_rule(Name=name)["EventPattern"]) == other
    assert _rule_target(events, name)["Arn"] == START_FUNCTION

    deleted = api.delete("/flows/orders/rule")
    assert (deleted.status, deleted.body) == (200, {}), deleted
    assert name not in [r["Name"] for r in events.list_rules()["Rules"]]
    for answer in (api.get("/flows/orders/rule"), api.delete("/flows/orders/rule")):
        assert (answer.status, answer.error()) == (404, "ResourceNotFound"), answer


BAD_RULES: list[tuple[dict[str, Any], str]] = [
    ({}, "eventPattern"),
    ({"eventPattern": {}}, "eventPattern"),
    ({"eventPattern": ["cloudflow.examples"]}, "eventPattern"),
    ({"eventPattern": "{\"source\": "}, "eventPattern"),
    ({"eventPattern": {"source": "cloudflow.examples"}}, "eventPattern"),
    ({"eventPattern": {"source": []}}, "eventPattern"),
    ({"eventPattern": {"detail": {"total": [{"numeric": [">"]}]}}}, "eventPattern"),
    ({"eventPattern": {"source": [{"prefix": 7}]}}, "eventPattern"),
    ({"eventPattern": {"source": [{"startsWith": "cloudflow."}]}}, "eventPattern"),
    ({"eventPattern": {"$or": [{"source": ["a"]}]}}, "eventPattern"),
    ({"eventPattern": ORDER_PATTERN, "state": "ON"}, "state"),
    ({"eventPattern": ORDER_PATTERN, "description": "x" * 513}, "description"),
    ({"eventPattern": ORDER_PATTERN, "target": "elsewhere"}, "target"),
]


def test_bad_rules_are_refused_naming_the_field(api: ApiClient, aws_clients: dict[str, Any]) -> None:
    api.create_flow("orders", ECHO_FLOW)
    for body, field in BAD_RULES:
        answer = api.put("/flows/orders/rule", body)
        assert (answer.status, answer.error()) == (400, "InvalidRequest"), (body, answer)
        assert answer.fields() == [field], (body, answer)
    assert not aws_clients["events"].list_rules()["Rules"]  # nothing was written


@HTTP_COVERED_ELSEWHERE
def test_a_bad_pattern_is_named_where_it_is_wrong(api: ApiClient) -> None:
    api.create_flow("orders", ECHO_FLOW)
    answer = api.put("/flows/orders/rule", {"eventPattern": {"detail": {"order": {"total": 5}}}})
    assert answer.status == 400, answer
    (problem,) = answer.body["fields"]
    assert problem["field"] == "eventPattern" and "/detail/order/total" in problem["message"], problem


@HTTP_COVERED_ELSEWHERE
def test_content_filters_and_or_are_accepted(api: ApiClient) -> None:
    api.create_flow("orders", ECHO_FLOW)
    pattern = {"source": [{"prefix": "cloudflow."}], "$or": [
        {"detail": {"total": [{"numeric": [">=", 100, "<", 1000]}]}},
        {"detail": {"priority": [{"exists": True}], "channel": [{"anything-but": ["test", "staging"]}]}}]}
    answer = api.put("/flows/orders/rule", {"eventPattern": pattern})
    assert (answer.status, answer.body["eventPattern"]) == (200, pattern), answer


# --- schedules ----------------------------------------------------------------------------------------------


def test_a_flows_schedules_are_created_listed_replaced_and_deleted(api: ApiClient,
                                                                   aws_clients: dict[str, Any]) -> None:
    scheduler = aws_clients["scheduler"]
    api.create_flow("reports", ECHO_FLOW)
    api.create_flow("reports-eu", ECHO_FLOW)  # its schedules begin like "reports": never listed with them

    nightly = api.put("/flows/reports/schedules/nightly", {
        "expression": "cron(0 2 * * ? *)", "timezone": "Europe/Paris", "input": {"report": "daily"},
        "description": "every night"})
    assert nightly.status == 200, nightly
    body = nightly.body
    assert {key: body[key] for key in ("flow", "schedule", "scheduleName", "groupName", "expression", "timezone",
                                       "input", "state", "description")} == {
        "flow": "reports", "schedule": "nightly", "scheduleName": "reports.nightly", "groupName": GROUP,
        "expression": "cron(0 2 * * ? *)", "timezone": "Europe/Paris", "input": {"report": "daily"},
        "state": "ENABLED", "description": "every night"}
    assert body["scheduleArn"] == f"arn:aws:scheduler:{REGION}:123456789012:schedule/{GROUP}/reports.nightly"
    assert body["target"] == {"arn": START_FUNCTION, "input": (
        '{"flow":"reports","name":"nightly-<aws.scheduler.execution-id>","input":{"report":"daily"}}')}
    assert body["creationDate"] and body["lastModificationDate"]

    stored = scheduler.get_schedule(Name="reports.nightly", GroupName=GROUP)
    assert (stored["ScheduleExpression"], stored["ScheduleExpressionTimezone"], stored["State"]) == (
        "cron(0 2 * * ? *)", "Europe/Paris", "ENABLED")
    assert stored["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert (stored["Target"]["Arn"], stored["Target"]["RoleArn"]) == (START_FUNCTION, ROLE)

    hourly = api.put("/flows/reports/schedules/hourly", {"expression": "rate(1 hour)", "flexibleWindowMinutes": 10})
    assert (hourly.status, hourly.body["input"], hourly.body["flexibleWindowMinutes"]) == (200, {}, 10), hourly
    assert "timezone" not in hourly.body or hourly.body["timezone"] == "UTC"  # Scheduler's default
    api.put("/flows/reports-eu/schedules/nightly", {"expression": "rate(1 day)"})

    listed = api.get("/flows/reports/schedules")
    assert listed.status == 200, listed
    assert [s["schedule"] for s in listed.body["schedules"]] == ["hourly", "nightly"]
    assert [s["schedule"] for s in api.get("/flows/reports-eu/schedules").body["schedules"]] == ["nightly"]
    assert api.get("/flows/reports/schedules/nightly").body == listed.body["schedules"][1]

    replaced = api.put("/flows/reports/schedules/nightly", {"expression": "rate(2 hours)", "state": "DISABLED",
                                                            "input": '{"report": "partial"}'})
    assert replaced.status == 200, replaced
    assert (replaced.body["expression"], replaced.body["state"], replaced.body["input"]) == (
        "rate(2 hours)", "DISABLED", {"report": "partial"})
    assert "description" not in replaced.body
    assert scheduler.get_schedule(Name="reports.nightly", GroupName=GROUP)["State"] == "DISABLED"

    deleted = api.delete("/flows/reports/schedules/nightly")
    assert (deleted.status, deleted.body) == (200, {}), deleted
    assert [s["schedule"] for s in api.get("/flows/reports/schedules").body["schedules"]] == ["hourly"]
    for answer in (api.get("/flows/reports/schedules/nightly"), api.delete("/flows/reports/schedules/nightly")):
        assert (answer.status, answer.error()) == (404, "ResourceNotFound"), answer
    assert api.get("/flows/reports-eu/schedules/nightly").status == 200  # the other flow's is still there


BAD_SCHEDULES: list[tuple[dict[str, Any], str]] = [
    ({}, "expression"),
    ({"expression": "every day"}, "expression"),
    ({"expression": "rate(0 minutes)"}, "expression"),
    ({"expression": "rate(1 minutes)"}, "expression"),
    ({"expression": "rate(5 minute)"}, "expression"),
    ({"expression": "rate(2 weeks)"}, "expression"),
    ({"expression": "cron(0 2 * * *)"}, "expression"),
    ({"expression": "cron(0 2 * * * *)"}, "expression"),
    ({"expression": "cron(0 2 ? * ? *)"}, "expression"),
    ({"expression": "cron(60 2 * * ? *)"}, "expression"),
    ({"expression": "cron(0 24 * * ? *)"}, "expression"),
    ({"expression": "cron(0 2 ? * MON-FUN *)"}, "expression"),
    ({"expression": "cron(0 2 ? * 8 *)"}, "expression"),
    ({"expression": "cron(0 2 ? * 2#6 *)"}, "expression"),
    ({"expression": "at(2030-01-01T00:00:00)"}, "expression"),
    ({"expression": "rate(1 day)", "timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"expression": "rate(1 day)", "flexibleWindowMinutes": 0}, "flexibleWindowMinutes"),
    ({"expression": "rate(1 day)", "input": "{not json"}, "input"),
    ({"expression": "rate(1 day)", "state": "PAUSED"}, "state"),
]


@HTTP_COVERED_ELSEWHERE
def test_bad_schedules_are_refused_naming_the_field(api: ApiClient, aws_clients: dict[str, Any]) -> None:
    api.create_flow("reports", ECHO_FLOW)
    for body, field in BAD_SCHEDULES:
        answer = api.put("/flows/reports/schedules/nightly", body)
        expected = "InvalidExecutionInput" if field == "input" else "InvalidRequest"  # as StartExecution names it
        assert (answer.status, answer.error()) == (400, expected), (body, answer)
        assert answer.fields() == [field], (body, answer)
    assert not aws_clients["scheduler"].list_schedules(GroupName=GROUP)["Schedules"]  # nothing was written


@HTTP_COVERED_ELSEWHERE
def test_valid_cron_expressions_are_accepted(api: ApiClient) -> None:
    api.create_flow("reports", ECHO_FLOW)
    for index, expression in enumerate(("cron(0/15 * * * ? *)", "cron(0 6 ? * MON-FRI *)", "cron(30 8 L * ? *)",
                                        "cron(0 9 ? JAN,JUL 2#1 2030-2035)", "cron(0 12 15W * ? *)",
                                        "cron(0 18 ? * 6L *)", "rate(15 minutes)", "rate(1 minute)")):
        answer = api.put(f"/flows/reports/schedules/s{index}", {"expression": expression})
        assert (answer.status, answer.body.get("expression")) == (200, expression), answer


@HTTP_COVERED_ELSEWHERE
def test_schedule_names_fit_scheduler_names(api: ApiClient) -> None:
    long_flow = "f" * 80
    api.create_flow(long_flow, ECHO_FLOW)
    fits = api.put(f"/flows/{long_flow}/schedules/{'s' * 31}", {"expression": "rate(1 day)"})
    assert fits.status == 200, fits
    assert len(fits.body["scheduleName"]) == 64 and fits.body["schedule"] == "s" * 31
    assert [s["schedule"] for s in api.get(f"/flows/{long_flow}/schedules").body["schedules"]] == ["s" * 31]
    too_long = api.put(f"/flows/{long_flow}/schedules/{'s' * 32}", {"expression": "rate(1 day)"})
    assert (too_long.status, too_long.fields()) == (400, ["schedule"]), too_long
    bad_name = api.put("/flows/" + long_flow + "/schedules/no.dots", {"expression": "rate(1 day)"})
    assert (bad_name.status, bad_name.fields()) == (400, ["schedule"]), bad_name


@HTTP_COVERED_ELSEWHERE
def test_long_flow_names_get_rule_names_of_64_characters(api: ApiClient, aws_clients: dict[str, Any]) -> None:
    flows = ["o" * 80, "o" * 79 + "p"]  # the same first 50 characters
    for flow in flows:
        api.create_flow(flow, ECHO_FLOW)
        assert api.put(f"/flows/{flow}/rule", {"eventPattern": ORDER_PATTERN}).status == 200
    names = [api.get(f"/flows/{flow}/rule").body["ruleName"] for flow in flows]
    assert len(set(names)) == 2 and all(len(name) <= 64 and name.startswith(f"cloudflow-{STACK}.") for name in names)
    for flow, name in zip(flows, names, strict=True):
        target = _rule_target(aws_clients["events"], name)
        assert json.loads(target["InputTransformer"]["InputTemplate"].replace("<id>", '"x"').replace(
            "<aws.events.event.json>", "{}"))["flow"] == flow


# --- unknown flows, deleted flows, no configuration ---------------------------------------------------------


def test_an_unknown_flow_is_404(api: ApiClient) -> None:
    calls: list[tuple[str, str, Any]] = [
        ("PUT", "/flows/ghost/rule", {"eventPattern": ORDER_PATTERN}),
        ("GET", "/flows/ghost/rule", None),
        ("DELETE", "/flows/ghost/rule", None),
        ("PUT", "/flows/ghost/schedules/nightly", {"expression": "rate(1 day)"}),
        ("GET", "/flows/ghost/schedules", None),
        ("GET", "/flows/ghost/schedules/nightly", None),
        ("DELETE", "/flows/ghost/schedules/nightly", None),
    ]
    for method, path, body in calls:
        answer = api.call(method, path, body)
        assert (answer.status, answer.error()) == (404, "StateMachineDoesNotExist"), (method, path, answer)
        assert "ghost" in answer.body["message"]


@HTTP_COVERED_ELSEWHERE
def test_the_triggers_of_a_deleted_flow_can_still_be_seen_and_deleted(api: ApiClient) -> None:
    api.create_flow("gone", ECHO_FLOW)
    api.put("/flows/gone/rule", {"eventPattern": ORDER_PATTERN})
    api.put("/flows/gone/schedules/nightly", {"expression": "rate(1 day)"})
    assert api.delete("/flows/gone").status == 200
    assert api.get("/flows/gone/rule").status == 200
    assert [s["schedule"] for s in api.get("/flows/gone/schedules").body["schedules"]] == ["nightly"]
    refused = api.put("/flows/gone/rule", {"eventPattern": ORDER_PATTERN})  # but not changed
    assert (refused.status, refused.error()) == (404, "StateMachineDoesNotExist"), refused
    assert api.delete("/flows/gone/rule").status == 200
    assert api.delete("/flows/gone/schedules/nightly").status == 200
    assert api.get("/flows/gone/rule").error() == "StateMachineDoesNotExist"
    assert api.get("/flows/gone/schedules").error() == "StateMachineDoesNotExist"


@HTTP_COVERED_ELSEWHERE
def test_without_the_trigger_variables_triggers_are_refused(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    api.create_flow("orders", ECHO_FLOW)
    monkeypatch.delenv("CLOUDFLOW_TRIGGER_SCHEDULE_GROUP")
    answer = api.put("/flows/orders/rule", {"eventPattern": ORDER_PATTERN})
    assert (answer.status, answer.error()) == (400, "TriggersNotConfigured"), answer
    assert "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP" in answer.body["message"]
    assert api.get("/flows/ghost/schedules").error() == "StateMachineDoesNotExist"  # the flow is checked first


# --- what the triggers deliver starts the flow ---------------------------------------------------------------


@HTTP_COVERED_ELSEWHERE
def test_the_rule_target_starts_the_flow_with_the_event_once(api: ApiClient, aws_clients: dict[str, Any]) -> None:
    delivered = sample("start_rule_target.json")  # what StartFunction receives for this event
    event = delivered["input"]
    api.create_flow("order", ECHO_FLOW)
    rule = api.put("/flows/order/rule", {"eventPattern": ORDER_PATTERN}).body

    events = aws_clients["events"]
    stored = events.describe_rule(Name=rule["ruleName"])
    assert EventPattern.load(stored["EventPattern"]).matches_event(event)  # the rule takes this event...
    assert not EventPattern.load(stored["EventPattern"]).matches_event({**event, "detail-type": "OrderShipped"})
    target = _rule_target(events, rule["ruleName"])
    assert target["Arn"] == START_FUNCTION
    payload = render_input_transformer(target["InputTransformer"], event, stored["Arn"], stored["Name"])
    assert payload == delivered  # ... and hands StartFunction this start request

    lr = api.lr
    arn = execution_arn("order", event["id"])
    answer = lr.invoke("start", copy.deepcopy(payload))
    assert answer["executionArn"] == arn, answer
    assert lr.invoke("start", copy.deepcopy(payload)) == answer  # redelivered while it runs: the same execution
    lr.pump()
    described = _described(api, arn)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["input"]) == event == json.loads(described["output"])

    late = lr.invoke("start", copy.deepcopy(payload))  # redelivered after it ended: refused, nothing runs again
    assert late["error"] == "ExecutionAlreadyExists", late
    lr.pump()
    assert [e["name"] for e in _executions(api, "order")] == [event["id"]]

    another = {**event, "id": "0b9d2c4e-1f3a-4e5b-8c7d-6a5f4e3d2c1b"}  # another event: another execution
    second = lr.invoke("start", render_input_transformer(target["InputTransformer"], another, stored["Arn"],
                                                         stored["Name"]))
    assert second["executionArn"] == execution_arn("order", another["id"]), second
    lr.pump()
    assert sorted(e["name"] for e in _executions(api, "order")) == sorted([event["id"], another["id"]])


@HTTP_COVERED_ELSEWHERE
def test_the_schedule_starts_the_flow_with_its_input_once_per_fire(api: ApiClient,
                                                                   aws_clients: dict[str, Any]) -> None:
    delivered = sample("start_trigger_schedule.json")  # what StartFunction receives on one fire
    api.create_flow("map-items", ECHO_FLOW)
    created = api.put("/flows/map-items/schedules/daily", {"expression": "rate(1 day)", "input": delivered["input"]})
    assert created.status == 200, created

    stored = aws_clients["scheduler"].get_schedule(Name=created.body["scheduleName"], GroupName=GROUP)
    assert (stored["Target"]["Arn"], stored["Target"]["RoleArn"]) == (START_FUNCTION, ROLE)

    def fire(execution_id: str, attempt: int = 1) -> Any:
        return render_scheduler_input(stored["Target"]["Input"], stored["Arn"], "2023-11-15T00:00:00Z",
                                      execution_id, attempt)

    payload = fire("d32c5kddcf5bb8c3")
    assert payload == delivered

    lr = api.lr
    arn = execution_arn("map-items", "daily-d32c5kddcf5bb8c3")
    answer = lr.invoke("start", copy.deepcopy(payload))
    assert answer["executionArn"] == arn, answer
    assert lr.invoke("start", fire("d32c5kddcf5bb8c3", attempt=2)) == answer  # a retried fire: the same execution
    lr.pump()
    described = _described(api, arn)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["input"]) == delivered["input"]

    tomorrow = lr.invoke("start", fire("a81f0c6e29d4b7e5"))  # the next fire: a new execution
    assert tomorrow["executionArn"] == execution_arn("map-items", "daily-a81f0c6e29d4b7e5"), tomorrow
    lr.pump()
    assert sorted(e["name"] for e in _executions(api, "map-items")) == ["daily-a81f0c6e29d4b7e5",
                                                                        "daily-d32c5kddcf5bb8c3"]


@HTTP_COVERED_ELSEWHERE
def test_the_schedule_input_may_use_scheduler_context_attributes(api: ApiClient,
                                                                 aws_clients: dict[str, Any]) -> None:
    api.create_flow("reports", PASS_FLOW)
    body = {"expression": "cron(0 2 * * ? *)", "input": {"firedAt": "<aws.scheduler.scheduled-time>"}}
    created = api.put("/flows/reports/schedules/nightly", body).body
    stored = aws_clients["scheduler"].get_schedule(Name=created["scheduleName"], GroupName=GROUP)
    payload = render_scheduler_input(stored["Target"]["Input"], stored["Arn"], "2023-11-15T02:00:00Z", "e1")
    answer = api.lr.invoke("start", payload)
    assert answer["executionArn"] == execution_arn("reports", "nightly-e1"), answer
    api.lr.pump()
    described = _described(api, answer["executionArn"])
    assert json.loads(described["input"]) == {"firedAt": "2023-11-15T02:00:00Z"}
    assert json.loads(described["output"])["greeting"] == {"hello": "world"}
