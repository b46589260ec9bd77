"""The management API's execution, task and usage routes (local runtime on moto), through the api Lambda
handler (API Gateway REST proxy events) and over HTTP through the local stack: start (idempotent by name),
start-and-wait, stop, describe, list by flow with filters and pages, history pages, pending tasks and their
answers, usage per flow and day."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudflow.core.timestamps import iso_from_ms
from tests.e2e.api_client import (
    CALLBACK_FLOW,
    HTTP_COVERED_ELSEWHERE,
    PASS_FLOW,
    REPO,
    WAIT_FLOW,
    ApiClient,
    arn_path,
    execution_arn,
    sample,
)
from tests.e2e.conftest import START_MS

DAY_MS = 86_400_000


def _pending_token(api: ApiClient, arn: str) -> str:
    answer = api.get(f"/executions/{arn_path(arn)}/pending-tasks")
    assert answer.status == 200, answer
    (task,) = answer.body["pendingTasks"]
    return str(task["taskToken"])


# --- the sample events, replayed in order -------------------------------------------------------------


def test_the_api_samples_replayed_in_order(api: ApiClient) -> None:
    """api_create_flow -> api_start_execution -> (steps) -> api_list_executions, api_describe_execution ->
    api_send_task_success -> (steps) -> SUCCEEDED. The sample's token is what SeededSecrets("tests") gives
    the first execution of a fresh runtime."""
    assert api.send(sample("api_create_flow.json")).status == 201
    started = api.send(sample("api_start_execution.json"))
    arn = execution_arn("orders", "order-7")
    assert started.status == 200 and started.body["executionArn"] == arn, started
    assert started.body["startDate"] == iso_from_ms(START_MS)
    api.lr.pump()

    listed = api.send(sample("api_list_executions.json"))
    assert [e["executionArn"] for e in listed.body["executions"]] == [arn], listed
    described = api.send(sample("api_describe_execution.json"))
    assert (described.status, described.body["status"]) == (200, "RUNNING"), described
    assert json.loads(described.body["input"]) == json.loads(json.loads(sample("api_start_execution.json")["body"])
                                                             ["input"])

    answer_event = sample("api_send_task_success.json")
    assert _pending_token(api, arn) == json.loads(answer_event["body"])["taskToken"]
    assert api.send(answer_event).body == {}
    api.lr.pump()
    done = api.send(sample("api_describe_execution.json")).body
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"])["approval"] == {"approved": True, "by": "dana"}
    assert api.send(sample("api_list_executions.json")).body == {"executions": []}  # RUNNING only
    late = api.send(answer_event)
    assert (late.status, late.error()) == (400, "TaskTimedOut"), late


# --- start --------------------------------------------------------------------------------------------


def test_start_is_idempotent_by_name_and_input(api: ApiClient) -> None:
    api.create_flow("waiting", WAIT_FLOW)
    first = api.start("waiting", "run-1", {"n": 1})
    assert first.body == {"executionArn": execution_arn("waiting", "run-1"), "startDate": iso_from_ms(START_MS),
                          "version": first.body["version"]}
    assert api.start("waiting", "run-1", {"n": 1}).body == first.body  # the same start again: the same answer
    api.lr.pump()
    history = api.get(f"/executions/{arn_path(first.body['executionArn'])}/history").body["events"]
    assert [e["type"] for e in history].count("ExecutionStarted") == 1

    other = api.post("/executions", {"flow": "waiting", "name": "run-1", "input": {"n": 2}})
    assert (other.status, other.error()) == (409, "ExecutionAlreadyExists"), other
    assert first.body["executionArn"] in other.body["message"]


def test_start_names_what_is_wrong(api: ApiClient) -> None:
    api.create_flow("hello")
    cases: list[tuple[dict[str, Any], int, str, list[str]]] = [
        ({"name": "x"}, 400, "InvalidRequest", ["flow"]),
        ({"flow": "hello", "input": '{"a": '}, 400, "InvalidExecutionInput", ["input"]),
        ({"flow": "hello", "name": "bad name"}, 400, "InvalidRequest", ["name"]),
        ({"flow": "hello", "maxTransitions": 0}, 400, "InvalidRequest", ["maxTransitions"]),
        ({"flow": "hello", "bogus": True}, 400, "InvalidRequest", ["bogus"]),
        ({"stateMachineArn": "arn:aws:lambda:us-east-1:1:function:f"}, 400, "InvalidArn", ["stateMachineArn"]),
        ({"flow": "nobody"}, 404, "StateMachineDoesNotExist", []),
        ({"flow": "hello", "name": "nested", "input": json.dumps([[[[1]]]] * 2)}, 200, "", []),
        ({"flow": "hello", "input": "[" * 101 + "]" * 101}, 400, "InvalidExecutionInput", ["input"]),
    ]
    for body, status, error, fields in cases:
        answer = api.post("/executions", body)
        if status == 200:
            assert answer.status == 200, answer
            continue
        assert (answer.status, answer.error(), answer.fields()) == (status, error, fields), (body, answer)
        assert "Traceback" not in json.dumps(answer.body)
    started = api.post("/executions", {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:hello",
                                       "name": "by-arn", "input": '{"a": 1}'})
    assert started.status == 200, started


@HTTP_COVERED_ELSEWHERE
def test_start_generates_a_name_when_none_is_given(api: ApiClient) -> None:
    api.create_flow("hello")
    first, second = api.post("/executions", {"flow": "hello"}).body, api.post("/executions", {"flow": "hello"}).body
    assert first["executionArn"] != second["executionArn"]


@HTTP_COVERED_ELSEWHERE
def test_max_transitions_is_passed_on(api: ApiClient) -> None:
    api.create_flow("hello")
    arn = api.start("hello", "capped", maxTransitions=5).body["executionArn"]
    assert api.get(f"/executions/{arn_path(arn)}").body["maxTransitions"] == 5


@HTTP_COVERED_ELSEWHERE
def test_a_start_may_carry_a_mock_config_test_case(api: ApiClient) -> None:
    example = REPO / "examples" / "order"
    api.create_flow("order", json.loads((example / "flow.json").read_text()))
    mock_config = json.loads((example / "mock-config.json").read_text())
    body = {"flow": "order", "name": "declined", "input": json.loads((example / "input.json").read_text()),
            "testCase": "CardDeclined", "mockConfig": mock_config}
    started = api.post("/executions", body)
    assert started.status == 200, started
    api.lr.pump()
    described = api.get(f"/executions/{arn_path(started.body['executionArn'])}").body
    assert (described["status"], described["error"]) == ("FAILED", "Order.NotFulfilled")
    unknown = api.post("/executions", {**body, "name": "other", "testCase": "NoSuchCase"})
    assert (unknown.status, unknown.error()) == (400, "InvalidRequest"), unknown
    assert "NoSuchCase" in unknown.body["message"]


# --- start and wait -----------------------------------------------------------------------------------


def test_start_sync_answers_the_ended_execution(api: ApiClient) -> None:
    api.create_flow("waiting", WAIT_FLOW)
    pauses: list[float] = []

    def pump_instead_of_sleeping(seconds: float) -> None:
        pauses.append(seconds)
        api.lr.pump()  # the virtual clock jumps over the hour-long Wait

    api.handler_module().services.sleep = pump_instead_of_sleeping
    answer = api.post("/executions/sync", {"flow": "waiting", "name": "sync-1", "input": {"k": "v"}})
    assert answer.status == 200, answer
    assert answer.body["status"] == "SUCCEEDED" and json.loads(answer.body["output"]) == {"k": "v"}
    assert answer.body["executionArn"] == execution_arn("waiting", "sync-1")
    assert answer.body["stopDate"] == iso_from_ms(START_MS + 3_600_000)
    assert len(pauses) == 1


def test_start_sync_answers_running_when_the_wait_runs_out(api: ApiClient) -> None:
    api.create_flow("waiting", WAIT_FLOW)
    pauses: list[float] = []
    api.handler_module().services.sleep = pauses.append  # time passes, the execution does not move
    answer = api.post("/executions/sync", {"flow": "waiting", "name": "sync-2", "waitSeconds": 3})
    assert answer.status == 200, answer
    assert answer.body["status"] == "RUNNING" and answer.body["executionArn"] == execution_arn("waiting", "sync-2")
    assert sum(pauses) == pytest.approx(3) and max(pauses) <= 1.0

    paused = len(pauses)
    no_wait = api.post("/executions/sync", {"flow": "waiting", "name": "sync-3", "waitSeconds": 0})
    assert no_wait.body["status"] == "RUNNING" and len(pauses) == paused
    too_long = api.post("/executions/sync", {"flow": "waiting", "name": "sync-4", "waitSeconds": 31})
    assert (too_long.status, too_long.fields()) == (400, ["waitSeconds"]), too_long


# --- describe, stop -----------------------------------------------------------------------------------


def test_describe_takes_the_arn_encoded_or_not(api: ApiClient) -> None:
    api.create_flow("hello")
    arn = api.start("hello", "d1", {"x": 1}).body["executionArn"]
    api.lr.pump()
    encoded, plain, short = (api.get(f"/executions/{arn_path(arn)}"), api.get(f"/executions/{arn}"),
                             api.get("/executions/hello:d1"))
    assert encoded.body == plain.body == short.body
    assert encoded.body["status"] == "SUCCEEDED" and encoded.body["transitions"] == 1
    assert json.loads(encoded.body["output"]) == {"x": 1, "greeting": {"hello": "world"}}
    assert "error" not in encoded.body and "cause" not in encoded.body  # absent, not null

    missing = api.get(f"/executions/{arn_path(execution_arn('hello', 'ghost'))}")
    assert (missing.status, missing.error()) == (404, "ExecutionDoesNotExist"), missing
    assert "hello:ghost" in missing.body["message"]
    malformed = api.get("/executions/not-an-arn")
    assert (malformed.status, malformed.error(), malformed.fields()) == (400, "InvalidArn", ["executionArn"])


def test_stop(api: ApiClient) -> None:
    api.create_flow("approvals", CALLBACK_FLOW)
    arn = api.start("approvals", "s1").body["executionArn"]
    api.lr.pump()
    stopped = api.post(f"/executions/{arn_path(arn)}/stop", {"error": "Cancelled", "cause": "customer left"})
    assert stopped.body == {"stopDate": iso_from_ms(START_MS)}, stopped
    api.lr.pump()
    described = api.get(f"/executions/{arn_path(arn)}").body
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Cancelled", "customer left")
    assert api.get(f"/executions/{arn_path(arn)}/pending-tasks").body == {"pendingTasks": []}

    assert api.post(f"/executions/{arn_path(arn)}/stop").status == 200  # stopping an ended one changes nothing
    missing = api.post(f"/executions/{arn_path(execution_arn('approvals', 'ghost'))}/stop")
    assert (missing.status, missing.error()) == (404, "ExecutionDoesNotExist"), missing
    too_long = api.post(f"/executions/{arn_path(arn)}/stop", {"error": "E" * 300})
    assert (too_long.status, too_long.fields()) == (400, ["error"]), too_long


# --- list ---------------------------------------------------------------------------------------------


def test_list_executions_newest_first_in_pages_with_filters(api: ApiClient) -> None:
    api.create_flow("approvals", CALLBACK_FLOW)
    api.create_flow("other")
    clock = api.lr.clock
    names = [f"run-{index}" for index in range(7)]
    for index, name in enumerate(names):
        clock.advance_to(START_MS + index * 60_000)
        api.start("approvals", name)
    api.start("other", "elsewhere")
    api.lr.pump()
    for name in ("run-1", "run-4"):
        api.post(f"/executions/{arn_path(execution_arn('approvals', name))}/stop")
    api.lr.pump()

    seen: list[str] = []
    token: str | None = None
    while True:
        page = api.get("/executions", flow="approvals", maxResults="3", **({"nextToken": token} if token else {}))
        assert page.status == 200 and len(page.body["executions"]) <= 3, page
        seen.extend(item["name"] for item in page.body["executions"])
        token = page.body.get("nextToken")
        if token is None:
            break
    assert seen == list(reversed(names))

    aborted = api.get("/executions", flow="approvals", status="ABORTED", maxResults="1")
    assert [e["name"] for e in aborted.body["executions"]] == ["run-4"], aborted
    rest = api.get("/executions", flow="approvals", status="ABORTED", maxResults="1",
                   nextToken=aborted.body["nextToken"])
    assert [e["name"] for e in rest.body["executions"]] == ["run-1"] and "nextToken" not in rest.body
    item = rest.body["executions"][0]
    assert item["status"] == "ABORTED" and item["startDate"] == iso_from_ms(START_MS + 60_000) and "stopDate" in item

    window = api.get("/executions", flow="approvals", startedAfter=iso_from_ms(START_MS + 120_000),
                     startedBefore="2023-11-14T22:18:20Z")  # [run-2's start, run-5's start)
    assert [e["name"] for e in window.body["executions"]] == ["run-4", "run-3", "run-2"], window
    assert api.get("/executions", flow="approvals", status="SUCCEEDED").body == {"executions": []}


@pytest.mark.parametrize(("query", "status", "error", "fields"), [
    ({}, 400, "InvalidRequest", ["flow"]),
    pytest.param({"flow": "approvals", "status": "DONE"}, 400, "InvalidRequest", ["status"],
                 marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"flow": "approvals", "startedAfter": "yesterday"}, 400, "InvalidRequest", ["startedAfter"],
                 marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"flow": "approvals", "maxResults": "0"}, 400, "InvalidRequest", ["maxResults"],
                 marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"flow": "approvals", "nextToken": "eyJsIjoiZmxvd3MiLCJwIjoiYSJ9"}, 400, "InvalidToken", [],
                 marks=HTTP_COVERED_ELSEWHERE),
    pytest.param({"flow": "ghost"}, 404, "StateMachineDoesNotExist", [], marks=HTTP_COVERED_ELSEWHERE),
])
def test_list_executions_refusals(api: ApiClient, query: dict[str, str], status: int, error: str,
                                  fields: list[str]) -> None:
    api.create_flow("approvals", CALLBACK_FLOW)
    answer = api.get("/executions", **query)
    assert (answer.status, answer.error(), answer.fields()) == (status, error, fields), answer


# --- history ------------------------------------------------------------------------------------------


def test_history_pages_forward_and_backward(api: ApiClient) -> None:
    api.create_flow("waiting", WAIT_FLOW)
    arn = api.start("waiting", "h1", {"secret": "s3cr3t"}).body["executionArn"]
    api.lr.pump()
    path = f"/executions/{arn_path(arn)}/history"
    everything = api.get(path).body
    types = [event["type"] for event in everything["events"]]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded" and "nextToken" not in everything
    ids = [event["id"] for event in everything["events"]]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 5

    for reverse in ("false", "true"):
        collected: list[int] = []
        token: str | None = None
        while True:
            query = {"maxResults": "2", "reverseOrder": reverse, **({"nextToken": token} if token else {})}
            page = api.get(path, **query)
            assert page.status == 200 and len(page.body["events"]) <= 2, page
            collected.extend(event["id"] for event in page.body["events"])
            token = page.body.get("nextToken")
            if token is None:
                break
        assert collected == (ids if reverse == "false" else list(reversed(ids)))

    forward_token = api.get(path, maxResults="2").body["nextToken"]
    crossed = api.get(path, reverseOrder="true", nextToken=forward_token)
    assert (crossed.status, crossed.error()) == (400, "InvalidToken"), crossed

    without = api.get(path, includeExecutionData="false").body["events"]
    assert "s3cr3t" not in json.dumps(without) and "s3cr3t" in json.dumps(everything)
    assert [event["type"] for event in without] == types

    missing = api.get(f"/executions/{arn_path(execution_arn('waiting', 'ghost'))}/history")
    assert (missing.status, missing.error()) == (404, "ExecutionDoesNotExist"), missing
    bad = api.get(path, reverseOrder="sideways")
    assert (bad.status, bad.fields()) == (400, ["reverseOrder"]), bad


# --- tasks --------------------------------------------------------------------------------------------


def test_pending_tasks_and_answers(api: ApiClient) -> None:
    api.create_flow("approvals", CALLBACK_FLOW)
    arns = [api.start("approvals", name, {"n": index}).body["executionArn"]
            for index, name in enumerate(("ok", "ko", "beat"))]
    api.lr.pump()
    pending = api.get(f"/executions/{arn_path(arns[0])}/pending-tasks").body["pendingTasks"]
    assert [(task["stateName"], task["unit"], task["scheduledDate"]) for task in pending] == [
        ("Approve", "r", iso_from_ms(START_MS))]
    ok, ko, beat = (_pending_token(api, arn) for arn in arns)

    assert api.post("/tasks/heartbeat", {"taskToken": beat}).body == {}
    assert api.post("/tasks/success", {"taskToken": ok, "output": {"approved": True}}).body == {}
    assert api.post("/tasks/failure", {"taskToken": ko, "error": "Rejected", "cause": "too pricey"}).body == {}
    api.lr.pump()
    statuses = [api.get(f"/executions/{arn_path(arn)}").body for arn in arns]
    assert [s["status"] for s in statuses] == ["SUCCEEDED", "FAILED", "RUNNING"]
    assert json.loads(statuses[0]["output"])["approval"] == {"approved": True}
    assert (statuses[1]["error"], statuses[1]["cause"]) == ("Rejected", "too pricey")

    again = api.post("/tasks/success", {"taskToken": ok, "output": "{}"})
    assert (again.status, again.error()) == (400, "TaskTimedOut"), again
    forged = ok.split(".")[0] + "." + "0" * 64
    unknown = api.post("/tasks/success", {"taskToken": forged, "output": "{}"})  # not a task the execution waits on
    assert (unknown.status, unknown.error()) == (400, "TaskTimedOut"), unknown
    other_execution = "WyJhcHByb3ZhbHM6bm9ib2R5IiwiciJd." + "0" * 64  # ["approvals:nobody","r"]
    nobody = api.post("/tasks/heartbeat", {"taskToken": other_execution})
    assert (nobody.status, nobody.error()) == (404, "TaskDoesNotExist"), nobody
    malformed = api.post("/tasks/failure", {"taskToken": "nonsense"})
    assert (malformed.status, malformed.error()) == (400, "InvalidToken"), malformed
    for path, body, field in (("/tasks/success", {"taskToken": beat}, "output"),
                              ("/tasks/success", {"output": {}}, "taskToken"),
                              ("/tasks/success", {"taskToken": beat, "output": "{oops"}, "output"),
                              ("/tasks/failure", {"taskToken": beat, "error": "E" * 257}, "error"),
                              ("/tasks/heartbeat", {"taskToken": ""}, "taskToken")):
        refused = api.post(path, body)
        assert (refused.status, refused.fields()) == (400, [field]), (path, body, refused)
    missing = api.get(f"/executions/{arn_path(execution_arn('approvals', 'ghost'))}/pending-tasks")
    assert (missing.status, missing.error()) == (404, "ExecutionDoesNotExist"), missing


# --- usage --------------------------------------------------------------------------------------------


def test_usage_per_flow_per_day_and_per_execution(api: ApiClient) -> None:
    api.create_flow("hello", PASS_FLOW)
    api.create_flow("waiting", WAIT_FLOW)
    api.start("hello", "u1")
    api.start("hello", "u2")
    waited = api.start("waiting", "u3").body["executionArn"]
    api.lr.pump()  # the Wait ends an hour later, still on the first day
    api.lr.clock.advance_to(START_MS + DAY_MS)
    api.start("hello", "u4")
    api.lr.pump()

    day_1, day_2 = iso_from_ms(START_MS)[:10], iso_from_ms(START_MS + DAY_MS)[:10]
    answer = api.get("/usage", flow="hello", **{"from": day_1, "to": day_2})
    assert answer.body == {"usage": [{"flow": "hello", "day": day_1, "transitions": 2},
                                     {"flow": "hello", "day": day_2, "transitions": 1}], "total": 3}, answer
    every_flow = api.get("/usage", **{"from": day_1}).body  # `to` defaults to today (day 2)
    assert {(row["flow"], row["day"]): row["transitions"] for row in every_flow["usage"]} == {
        ("hello", day_1): 2, ("hello", day_2): 1, ("waiting", day_1): 2, ("waiting", day_2): 0}
    assert api.get("/usage").body == {"usage": [{"flow": "hello", "day": day_2, "transitions": 1},
                                                {"flow": "waiting", "day": day_2, "transitions": 0}], "total": 1}

    per_execution = api.get(f"/executions/{arn_path(waited)}/usage").body
    assert per_execution == {"executionArn": waited, "transitions": 2}
    assert api.get(f"/executions/{arn_path(waited)}").body["transitions"] == 2
    ghost = api.get(f"/executions/{arn_path(execution_arn('waiting', 'ghost'))}/usage")
    assert (ghost.status, ghost.error()) == (404, "ExecutionDoesNotExist"), ghost
    malformed = api.get("/executions/not-an-arn/usage")
    assert (malformed.status, malformed.error()) == (400, "InvalidArn"), malformed

    for query, field in (({"from": day_2, "to": day_1}, "from"), ({"from": "2023-01-01", "to": "2023-12-31"}, "to"),
                         ({"from": "14/11/2023"}, "from"), ({"flow": "bad name"}, "flow")):
        refused = api.get("/usage", **query)
        assert (refused.status, refused.fields()) == (400, [field]), (query, refused)
    assert api.get("/usage", flow="ghost").status == 404
