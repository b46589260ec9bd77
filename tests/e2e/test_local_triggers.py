"""Triggers on the local stack, over HTTP: a flow's rule starts it for each matching event put on the stack's
default bus (`POST /local/events`, `cloudflow events put`), and its schedules start it as the pump's clock
reaches each fire; EventBridge Scheduler schedules made outside the API (one-time, with a StartDate and an
EndDate, deleted after completion) are fired by the pump as Scheduler would.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from cloudflow.adapters.local_stack import LocalStack, serve_in_background
from cloudflow.cli import main
from tests.e2e.conftest import START_MS

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

ACCOUNT = "123456789012"
ECHO_FLOW = {"StartAt": "Take", "States": {"Take": {"Type": "Pass", "End": True}}}  # its output is its input
ORDER_PATTERN = {"source": ["cloudflow.examples"], "detail-type": ["OrderPlaced"]}
MINUTE_MS = 60_000


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Stack:
    """A local stack with triggers, served on 127.0.0.1 with its pump running, and a JSON client of it."""

    base: str
    stack: LocalStack

    def call(self, method: str, path: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"} if data is not None else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        assert status in (200, 201), (method, path, status, answer)
        return answer

    def put_events(self, *entries: dict[str, Any]) -> list[str]:
        answer = self.ok("POST", "/local/events", {"Entries": list(entries)})
        assert answer["FailedEntryCount"] == 0, answer
        return [entry["EventId"] for entry in answer["Entries"]]

    def executions(self, flow: str) -> list[dict[str, Any]]:
        return list(self.ok("GET", f"/executions?flow={quote(flow)}")["executions"])

    def described(self, arn: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/executions/{quote(arn, safe='')}"))

    def wait_for_executions(self, flow: str, count: int, seconds: float = 10.0) -> list[dict[str, Any]]:
        """The flow's executions once there are `count` of them, all ended (fails after `seconds`)."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.executions(flow)
            if len(found) >= count and all(e["status"] != "RUNNING" for e in found):
                return sorted(found, key=lambda e: str(e["startDate"]))
            assert time.monotonic() < deadline, f"{len(found)} execution(s) of {flow}, not {count}: {found}"
            time.sleep(0.05)

    def still(self, flow: str, count: int, seconds: float = 0.4) -> None:
        """The flow keeps exactly `count` executions while the pump runs for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert len(self.executions(flow)) == count
            time.sleep(0.05)

    def advance_clock(self, to_ms: int) -> None:
        with self.stack.lock:  # between two pump rounds
            self.stack.runtime.clock.advance_to(to_ms)

    def now_ms(self) -> int:
        return int(self.stack.runtime.clock.now_ms())


def _served(stack: LocalStack) -> Iterator[Stack]:
    server, stop = serve_in_background(stack, "127.0.0.1", 0)
    try:
        yield Stack(f"http://127.0.0.1:{server.server_address[1]}", stack)
    finally:
        stop()


@pytest.fixture
def local(local_runtime: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """The stack on a virtual clock that moves only when the test moves it."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # no EMF lines in the CLI's captured output
    yield from _served(LocalStack(local_runtime(with_triggers=True)))


@pytest.fixture
def fast(local_runtime: Callable[..., Any]) -> Iterator[Stack]:
    """The stack fast-forwarded: when idle, its clock jumps to the next wake-up."""
    yield from _served(LocalStack(local_runtime(with_triggers=True), fast_forward=True))


def _entry(detail_type: str = "OrderPlaced", **fields: Any) -> dict[str, Any]:
    return {"Source": "cloudflow.examples", "DetailType": detail_type,
            "Detail": json.dumps({"orderId": "o-1", "total": 150}), **fields}


# --- events ---------------------------------------------------------------------------------------------


def test_a_matching_event_starts_the_flow_named_by_its_id_with_the_whole_event(local: Stack) -> None:
    local.ok("POST", "/flows", {"name": "orders", "definition": ECHO_FLOW})
    rule = local.ok("PUT", "/flows/orders/rule", {"eventPattern": ORDER_PATTERN})
    assert rule["ruleName"] == "cloudflow-cloudflow-test1.orders", rule

    resource = f"arn:aws:s3:::orders-{ACCOUNT}"
    (event_id,) = local.put_events(_entry(Resources=[resource]))
    (execution,) = local.wait_for_executions("orders", 1)
    assert execution["name"] == event_id and execution["status"] == "SUCCEEDED", execution
    described = local.described(execution["executionArn"])
    event = {"version": "0", "id": event_id, "detail-type": "OrderPlaced", "source": "cloudflow.examples",
             "account": ACCOUNT, "time": iso(START_MS), "region": "us-east-1", "resources": [resource],
             "detail": {"orderId": "o-1", "total": 150}}
    assert json.loads(described["input"]) == event == json.loads(described["output"])

    shipped, elsewhere = local.put_events(_entry("OrderShipped"), {**_entry(), "Source": "someone.else"})
    assert shipped != elsewhere
    local.still("orders", 1)  # neither matches the pattern: nothing started

    later = local.put_events(_entry(Time="2024-02-29T12:00:00Z"), _entry(Time=1_709_208_000))
    names = {e["name"]: e for e in local.wait_for_executions("orders", 3)}
    assert set(names) == {event_id, *later}
    times = [json.loads(local.described(names[i]["executionArn"])["input"])["time"] for i in later]
    assert times == ["2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"]


def test_content_filters_are_matched_and_a_disabled_rule_starts_nothing(local: Stack) -> None:
    local.ok("POST", "/flows", {"name": "big-orders", "definition": ECHO_FLOW})
    pattern = {"source": [{"prefix": "cloudflow."}], "detail": {"total": [{"numeric": [">=", 100]}]}}
    local.ok("PUT", "/flows/big-orders/rule", {"eventPattern": pattern})
    small = {**_entry(), "Detail": json.dumps({"orderId": "o-2", "total": 5})}
    big_ids = local.put_events(small, _entry())
    (started,) = local.wait_for_executions("big-orders", 1)
    assert started["name"] == big_ids[1]

    local.ok("PUT", "/flows/big-orders/rule", {"eventPattern": pattern, "state": "DISABLED"})
    local.put_events(_entry())
    local.still("big-orders", 1)

    local.ok("DELETE", "/flows/big-orders/rule")
    local.put_events(_entry())
    local.still("big-orders", 1)


BAD_EVENTS: list[tuple[Any, str]] = [
    ({}, "Entries"),
    ({"Entries": []}, "Entries"),
    ({"Entries": [_entry()] * 11}, "Entries"),
    ({"Entries": [{"DetailType": "OrderPlaced", "Detail": "{}"}]}, "Entries.0.Source"),
    ({"Entries": [{**_entry(), "Source": ""}]}, "Entries.0.Source"),
    ({"Entries": [{**_entry(), "DetailType": 7}]}, "Entries.0.DetailType"),
    ({"Entries": [_entry(), {**_entry(), "Detail": "{not json"}]}, "Entries.1.Detail"),
    ({"Entries": [{**_entry(), "Detail": "[1, 2]"}]}, "Entries.0.Detail"),
    ({"Entries": [{**_entry(), "Resources": "arn:aws:s3:::b"}]}, "Entries.0.Resources"),
    ({"Entries": [{**_entry(), "Time": "yesterday"}]}, "Entries.0.Time"),
    ({"Entries": [{**_entry(), "EventBusName": "orders-bus"}]}, "Entries.0.EventBusName"),
    ({"Entries": [{**_entry(), "Colour": "blue"}]}, "Entries.0.Colour"),
]


def test_bad_events_are_refused_naming_the_field(local: Stack) -> None:
    local.ok("POST", "/flows", {"name": "orders", "definition": ECHO_FLOW})
    local.ok("PUT", "/flows/orders/rule", {"eventPattern": ORDER_PATTERN})
    for body, field in BAD_EVENTS:
        status, answer = local.call("POST", "/local/events", body)
        assert (status, answer["error"]) == (400, "InvalidRequest"), (body, answer)
        assert [problem["field"] for problem in answer["fields"]] == [field], (body, answer)
    status, answer = local.call("POST", "/local/events", raw=b"{\"Entries\": [")
    assert (status, [problem["field"] for problem in answer["fields"]]) == (400, ["body"]), answer
    local.still("orders", 0)  # a refused request puts no event, not even its good entries


# --- schedules ------------------------------------------------------------------------------------------


def test_a_rate_schedule_starts_the_flow_on_the_local_clock_and_not_while_disabled(local: Stack) -> None:
    local.ok("POST", "/flows", {"name": "reports", "definition": ECHO_FLOW})
    local.ok("PUT", "/flows/reports/schedules/idle", {"expression": "rate(1 minute)", "state": "DISABLED"})
    body = {"expression": "rate(5 minutes)",
            "input": {"report": "daily", "firedAt": "<aws.scheduler.scheduled-time>"}}
    local.ok("PUT", "/flows/reports/schedules/every-5", body)

    # Without a StartDate a rate schedule fires at once (Scheduler's rule), then every 5 minutes.
    (first,) = local.wait_for_executions("reports", 1)
    assert first["name"].startswith("every-5-") and len(first["name"]) == len("every-5-") + 16, first
    assert json.loads(local.described(first["executionArn"])["input"]) == {"report": "daily",
                                                                          "firedAt": iso(START_MS)}
    local.advance_clock(START_MS + 4 * MINUTE_MS)
    local.still("reports", 1)
    local.advance_clock(START_MS + 5 * MINUTE_MS)
    second = local.wait_for_executions("reports", 2)[1]
    assert second["name"] != first["name"] and second["name"].startswith("every-5-")
    assert json.loads(local.described(second["executionArn"])["input"])["firedAt"] == iso(START_MS + 5 * MINUTE_MS)

    local.ok("PUT", "/flows/reports/schedules/every-5", {**body, "state": "DISABLED"})
    local.advance_clock(START_MS + 30 * MINUTE_MS)
    local.still("reports", 2)  # neither schedule fires while DISABLED

    local.ok("DELETE", "/flows/reports/schedules/every-5")
    local.ok("DELETE", "/flows/reports/schedules/idle")
    local.advance_clock(START_MS + 60 * MINUTE_MS)
    local.still("reports", 2)


def test_a_cron_schedule_fires_at_its_minutes_in_its_time_zone(local: Stack) -> None:
    local.ok("POST", "/flows", {"name": "reports", "definition": ECHO_FLOW})
    # 2023-11-14T22:13:20Z is 23:13:20 in Paris (UTC+1 in November): the first 23:30 there is 22:30Z.
    fired_at = {"at": "<aws.scheduler.scheduled-time>"}
    local.ok("PUT", "/flows/reports/schedules/half-past",
             {"expression": "cron(30 * * * ? *)", "timezone": "Europe/Paris", "input": fired_at})
    local.ok("PUT", "/flows/reports/schedules/nightly",
             {"expression": "cron(0 2 * * ? *)", "timezone": "Europe/Paris", "input": fired_at})
    local.still("reports", 0)  # a cron schedule waits for its first minute
    local.advance_clock(START_MS + 17 * MINUTE_MS)  # 22:30:20Z
    (first,) = local.wait_for_executions("reports", 1)
    assert json.loads(local.described(first["executionArn"])["input"]) == {"at": "2023-11-14T22:30:00Z"}
    local.advance_clock(int(datetime(2023, 11, 15, 1, 0, 30, tzinfo=UTC).timestamp() * 1000))  # 02:00:30 Paris
    fired = [json.loads(local.described(e["executionArn"])["input"])["at"]
             for e in local.wait_for_executions("reports", 4)]
    assert sorted(fired) == ["2023-11-14T22:30:00Z", "2023-11-14T23:30:00Z", "2023-11-15T00:30:00Z",
                             "2023-11-15T01:00:00Z"]


def test_fast_forward_jumps_an_idle_stack_to_the_next_fire(fast: Stack) -> None:
    fast.ok("POST", "/flows", {"name": "reports", "definition": ECHO_FLOW})
    fast.ok("PUT", "/flows/reports/schedules/daily", {"expression": "rate(1 day)", "input": {"n": 1}})
    fast.wait_for_executions("reports", 3)  # three days in well under the wait's ten seconds
    assert fast.now_ms() >= START_MS + 2 * 86_400_000
    fast.ok("PUT", "/flows/reports/schedules/daily", {"expression": "rate(1 day)", "state": "DISABLED"})
    count = len(fast.executions("reports"))
    fast.still("reports", count)


def test_one_time_and_windowed_schedules_fire_as_scheduler_fires_them(local_runtime: Callable[..., Any],
                                                                      aws: Any) -> None:
    """Schedules the API does not make (it takes cron and rate only) but Scheduler holds: `at()` fires once; a
    StartDate and an EndDate bound the fires; ActionAfterCompletion DELETE removes a completed schedule."""
    from tests.e2e.api_client import ApiClient

    lr = local_runtime(with_triggers=True)
    api = ApiClient(lr)
    api.create_flow("reports", ECHO_FLOW)
    assert lr.triggers is not None
    config = lr.triggers.config
    scheduler = aws.client("scheduler", region_name="us-east-1")

    def create(name: str, expression: str, **options: Any) -> None:
        request = json.dumps({"flow": "reports", "name": f"{name}-<aws.scheduler.execution-id>",
                              "input": {"at": "<aws.scheduler.scheduled-time>"}})
        scheduler.create_schedule(Name=f"reports.{name}", GroupName=config.schedule_group,
                                  ScheduleExpression=expression, FlexibleTimeWindow={"Mode": "OFF"},
                                  Target={"Arn": config.start_function_arn, "RoleArn": config.role_arn,
                                          "Input": request}, **options)

    create("once", "at(2023-11-15T09:00:00)", ScheduleExpressionTimezone="Europe/Paris",  # 08:00Z
           ActionAfterCompletion="DELETE")
    create("kept", "at(2023-11-15T10:00:00)")  # fires once too, and stays (ActionAfterCompletion NONE)
    create("hourly", "rate(1 hour)", StartDate=datetime(2023, 11, 15, 1, tzinfo=UTC),
           EndDate=datetime(2023, 11, 15, 4, tzinfo=UTC), ActionAfterCompletion="DELETE")
    create("off", "rate(1 hour)", State="DISABLED")

    report = lr.pump(max_rounds=200)  # ends: no schedule has a fire left
    assert report.trigger_fires == 5, report
    listed = api.get("/executions", flow="reports").body["executions"]
    fired = sorted(json.loads(api.get(f"/executions/{quote(e['executionArn'], safe='')}").body["input"])["at"]
                   for e in listed)
    assert fired == ["2023-11-15T01:00:00Z", "2023-11-15T02:00:00Z", "2023-11-15T03:00:00Z",
                     "2023-11-15T08:00:00Z", "2023-11-15T10:00:00Z"]
    remaining = [s["Name"] for s in scheduler.list_schedules(GroupName=config.schedule_group)["Schedules"]]
    assert sorted(remaining) == ["reports.kept", "reports.off"]  # the others were DELETE after completion


# --- the CLI --------------------------------------------------------------------------------------------


def test_cloudflow_events_put_starts_the_rules_flow(local: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    local.ok("POST", "/flows", {"name": "orders", "definition": ECHO_FLOW})
    local.ok("PUT", "/flows/orders/rule", {"eventPattern": ORDER_PATTERN})

    def cloudflow(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["events", "put", *argv, "--endpoint", local.base])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, err
        return status, out, err

    status, out, _ = cloudflow("--source", "cloudflow.examples", "--detail-type", "OrderPlaced",
                               "--detail", '{"orderId": "o-9"}')
    assert status == 0 and out.startswith("Event put: "), out
    event_id = out.split()[-1]
    (execution,) = local.wait_for_executions("orders", 1)
    assert execution["name"] == event_id
    assert json.loads(local.described(execution["executionArn"])["input"])["detail"] == {"orderId": "o-9"}

    status, out, _ = cloudflow("--source", "cloudflow.examples", "--detail-type", "OrderShipped", "--detail", "{}",
                               "--resources", "arn:aws:s3:::a", "arn:aws:s3:::b", "--time", "2024-01-01T00:00:00Z",
                               "--json")
    answer = json.loads(out)
    assert status == 0 and answer["FailedEntryCount"] == 0 and len(answer["Entries"]) == 1, out
    local.still("orders", 1)  # OrderShipped matches no rule

    status, _, err = cloudflow("--source", "cloudflow.examples", "--detail-type", "OrderPlaced", "--detail", "[1]")
    assert status == 2 and "--detail" in err, err
    status, _, err = cloudflow("--source", "cloudflow.examples", "--detail-type", "OrderPlaced", "--detail", "{x")
    assert status == 2 and "--detail" in err and "not valid JSON" in err, err
    status, _, err = cloudflow("--source", "", "--detail-type", "OrderPlaced", "--detail", "{}")
    assert status == 2 and "error: InvalidRequest" in err and "Entries.0.Source" in err, err
    local.still("orders", 1)
