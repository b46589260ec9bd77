"""Step Functions activities end to end on the durable runtime (the real handlers on moto, a virtual clock):
the activities handler's API and errors, flows waiting on activity tasks that workers take and answer,
failures into Catch, heartbeats and their timeouts, concurrent workers, a crashed step, the sample event and
the example worker.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cloudflow.activities.dispatch import ActivityTaskResolver
from cloudflow.activities.worker import ActivityWorker, RuntimeActivityClient, TaskError
from cloudflow.adapters.dynamodb_activities import activities_for, ambient_activities
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import TaskTimedOutError
from tests.e2e.conftest import START_MS
from tests.e2e.test_runtime_examples import Run, event_ids_strictly_increase, parse_template_once, run_on_runtime, start
from tests.e2e.test_runtime_timers import Timeline

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "activity-worker"
ACTIVITY_ARN = "arn:aws:states:us-east-1:123456789012:activity:"


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


def stack(local_runtime: Callable[..., Any], **options: Any) -> Any:
    """A local runtime whose steps queue activity tasks (in the runtime the step handler runs on)."""
    return local_runtime(tasks=ActivityTaskResolver(ambient_activities), **options)


def call(lr: Any, action: str, **fields: Any) -> Any:
    """The activities handler, invoked directly; its answer must be JSON, as Lambda returns it."""
    answer = lr.invoke("activities", {"action": action, **fields})
    json.dumps(answer)
    return answer


def create(lr: Any, name: str) -> str:
    return str(call(lr, "createActivity", name=name)["activityArn"])


def activity_task(arn: str, next_state: str | None = None, **fields: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Resource": arn, **fields}
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def client(lr: Any, wait_seconds: float = 0) -> RuntimeActivityClient:
    return RuntimeActivityClient(lr, wait_seconds=wait_seconds)


def types(run: Run) -> list[str]:
    return [event["type"] for event in run.history()]


# --- the API ------------------------------------------------------------------------------------------


def test_activities_are_created_described_listed_and_deleted_with_step_functions_errors(
        local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    created = call(lr, "createActivity", name="review")
    assert created == {"activityArn": ACTIVITY_ARN + "review", "creationDate": iso_from_ms(START_MS)}
    lr.clock.advance_to(START_MS + 5_000)
    assert call(lr, "createActivity", name="review", tags=[{"key": "team", "value": "ops"}]) == created  # idempotent
    for bad in ("two words", "a:b", "x" * 81, ""):
        assert call(lr, "createActivity", name=bad) == {"error": "InvalidName", "message": f"Invalid Name: '{bad}'"}
    assert call(lr, "describeActivity", activityArn=ACTIVITY_ARN + "review") == {**created, "name": "review"}
    assert call(lr, "describeActivity", activityArn=ACTIVITY_ARN + "nope")["error"] == "ActivityDoesNotExist"
    assert call(lr, "describeActivity", activityArn="review") == {"error": "InvalidArn",
                                                                  "message": "Invalid Arn: 'review'"}

    for name in ("approve", "ship"):
        create(lr, name)
    first = call(lr, "listActivities", maxResults=2)
    assert [item["name"] for item in first["activities"]] == ["approve", "review"]
    second = call(lr, "listActivities", maxResults=2, nextToken=first["nextToken"])
    assert second == {"activities": [{"activityArn": ACTIVITY_ARN + "ship", "name": "ship",
                                      "creationDate": iso_from_ms(START_MS + 5_000)}]}
    assert call(lr, "listActivities", nextToken="garbage")["error"] == "InvalidToken"
    assert call(lr, "listActivities", maxResults=5000)["error"] == "InvalidRequest"

    assert call(lr, "deleteActivity", activityArn=ACTIVITY_ARN + "ship") == {}
    assert call(lr, "deleteActivity", activityArn=ACTIVITY_ARN + "ship") == {}  # deleting nothing succeeds
    assert call(lr, "describeActivity", activityArn=ACTIVITY_ARN + "ship")["error"] == "ActivityDoesNotExist"
    assert call(lr, "getActivityTask", activityArn=ACTIVITY_ARN + "ship", waitSeconds=0)["error"] == (
        "ActivityDoesNotExist")
    assert call(lr, "getActivityTask", activityArn=ACTIVITY_ARN + "review", waitSeconds=0) == {}  # nothing queued
    assert call(lr, "deleteActivity", activityArn="arn:aws:states:::activity")["error"] == "InvalidArn"
    refused = call(lr, "sendTaskSuccess", taskToken="x")
    assert (refused["error"], refused["fields"][0]["field"]) == ("InvalidRequest", "action")

    api = lr.invoke("activities", {"httpMethod": "POST", "path": "/activities", "requestContext": {"stage": "v1"},
                                   "body": json.dumps({"action": "describeActivity",
                                                       "activityArn": ACTIVITY_ARN + "nope"})})
    assert (api["statusCode"], json.loads(api["body"])["error"]) == (404, "ActivityDoesNotExist")


# --- flows on activities -------------------------------------------------------------------------------


def test_a_worker_takes_the_task_and_its_answer_moves_the_flow_on(local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    arn = create(lr, "review")
    definition = {"StartAt": "Review", "States": {
        "Review": activity_task(arn, "Done", Parameters={"order.$": "$.order", "note": "check"},
                                ResultPath="$.review"),
        "Done": {"Type": "Pass", "End": True},
    }}
    run = run_on_runtime(lr, definition, {"order": 7})
    assert run.status == "RUNNING"  # parked on the activity: nobody answers inside the step
    seen: list[Any] = []

    def review(task: Any) -> Any:
        seen.append(task)
        return {"ok": task["order"] * 2}

    worker = ActivityWorker(client(lr), arn, review, worker_name="reviewer-1")
    assert worker.run_once() is True
    assert worker.run_once() is False  # each task is handed out once
    lr.pump()
    run.refresh()

    assert seen == [{"order": 7, "note": "check"}]
    assert (run.status, run.output) == ("SUCCEEDED", {"order": 7, "review": {"ok": 14}})
    assert types(run) == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                          "ActivitySucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited",
                          "ExecutionSucceeded"]
    scheduled = run.history()[2]["activityScheduledEventDetails"]
    assert (scheduled["resource"], json.loads(scheduled["input"])) == (arn, {"order": 7, "note": "check"})


def test_failures_the_worker_reports_go_to_the_catch(local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    arn = create(lr, "review")
    definition = {"StartAt": "Review", "States": {
        "Review": activity_task(arn, "Approved", Catch=[
            {"ErrorEquals": ["Review.Rejected"], "ResultPath": "$.rejected", "Next": "Rejected"},
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.broken", "Next": "Broken"}]),
        "Approved": {"Type": "Succeed"},
        "Rejected": {"Type": "Pass", "End": True},
        "Broken": {"Type": "Pass", "End": True},
    }}

    def review(order: dict[str, Any]) -> Any:
        if order["total"] > 100:
            raise TaskError("Review.Rejected", f"{order['total']} is too much")
        return order["lines"]  # KeyError: the handler itself is broken

    arns = [start(lr, definition, {"total": total}, name=f"order-{total}") for total in (500, 5)]
    lr.pump()
    worker = ActivityWorker(client(lr), arn, review)
    assert worker.run_once() and worker.run_once()
    lr.pump()
    rejected, broken = (Run(lr, execution, START_MS, None) for execution in arns)

    assert rejected.output == {"total": 500, "rejected": {"Error": "Review.Rejected", "Cause": "500 is too much"}}
    assert broken.output == {"total": 5, "broken": {"Error": "KeyError", "Cause": "'lines'"}}
    assert "ActivityFailed" in types(rejected) and rejected.status == broken.status == "SUCCEEDED"


def test_a_task_on_an_activity_that_does_not_exist_fails_the_execution_uncaught(
        local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    deleted = create(lr, "deleted")
    call(lr, "deleteActivity", activityArn=deleted)
    for arn in (ACTIVITY_ARN + "ghost", deleted):
        definition = {"StartAt": "Work", "States": {
            "Work": activity_task(arn, "Saved", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Saved"}]),
            "Saved": {"Type": "Succeed"},
        }}
        run = run_on_runtime(lr, definition, {}, name=arn.rsplit(":", 1)[-1])
        assert (run.status, run.described["error"], run.described["cause"]) == (
            "FAILED", "States.Runtime",
            f"An error occurred while executing the state 'Work'. The activity {arn} does not exist.")


# --- heartbeats and timeouts on the virtual clock ------------------------------------------------------


@pytest.mark.parametrize(("beats", "answer_at", "ended_at"), [
    ([], None, 60),  # nobody heartbeats: HeartbeatSeconds runs out
    ([50, 100, 150], None, 210),  # alive past HeartbeatSeconds while it beats, timed out once it stops
    ([50, 100], 130, 130),  # heartbeats, then the answer
])
def test_heartbeats_keep_an_activity_task_alive_and_silence_times_it_out(
        local_runtime: Callable[..., Any], beats: list[int], answer_at: int | None, ended_at: int) -> None:
    lr = stack(local_runtime)
    arn = create(lr, "slow")
    definition = {"StartAt": "Work", "States": {"Work": activity_task(arn, TimeoutSeconds=3600, HeartbeatSeconds=60)}}
    worker = client(lr)
    timeline = Timeline(lr)
    taken: list[str] = []
    timeline.at(1, lambda: taken.append(worker.get_activity_task(arn, "w1")["taskToken"]))
    for second in beats:
        timeline.at(second, lambda: worker.send_task_heartbeat(taken[0]))
    if answer_at is not None:
        timeline.at(answer_at, lambda: worker.send_task_success(taken[0], '{"done":true}'))
    run = run_on_runtime(lr, definition, {})

    ended = [event for event in run.history() if event["type"] in ("ActivityTimedOut", "ActivitySucceeded")]
    assert len(ended) == 1 and len(taken) == 1
    assert ended[0]["timestamp"] == iso_from_ms(run.start_ms + ended_at * 1000)
    if answer_at is None:
        assert (run.status, run.described["error"]) == ("FAILED", "States.HeartbeatTimeout")
        with pytest.raises(TaskTimedOutError):  # too late: the task no longer waits
            worker.send_task_success(taken[0], "{}")
    else:
        assert (run.status, run.output) == ("SUCCEEDED", {"done": True})
    assert worker.get_activity_task(arn) == {}
    assert event_ids_strictly_increase(run.history())


def test_a_task_that_timed_out_before_any_worker_came_is_not_handed_out(local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    arn = create(lr, "late")
    definition = {"StartAt": "Work", "States": {"Work": activity_task(arn, TimeoutSeconds=30)}}
    run = run_on_runtime(lr, definition, {})
    assert (run.status, run.described["error"]) == ("FAILED", "States.Timeout")
    assert client(lr).get_activity_task(arn) == {}
    assert activities_for(lr.runtime).store.oldest_tasks("late", 10) == []  # dropped, not just skipped


# --- concurrency and crashes ----------------------------------------------------------------------------


def test_two_concurrent_workers_take_ten_tasks_each_exactly_once(local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    arn = create(lr, "pool")
    definition = {"StartAt": "Work", "States": {"Work": activity_task(arn)}}
    arns = [start(lr, definition, {"n": n}, name=f"job-{n}") for n in range(10)]
    lr.pump()
    handled: list[tuple[str, int]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def handler_of(name: str) -> Callable[[Any], Any]:
        def handle(task: dict[str, int]) -> dict[str, Any]:
            with lock:
                handled.append((name, task["n"]))
                if len(handled) == 10:
                    stop.set()
            return {"n": task["n"], "by": name}
        return handle

    workers = [ActivityWorker(client(lr, wait_seconds=0.2), arn, handler_of(name), worker_name=name)
               for name in ("w1", "w2")]
    threads = [threading.Thread(target=worker.run_forever, args=(stop,)) for worker in workers]
    for thread in threads:
        thread.start()
    stop.wait(15)
    stop.set()
    for thread in threads:
        thread.join(10)
    lr.pump()

    assert sorted(n for _, n in handled) == list(range(10))  # every task, none twice
    for n, execution in enumerate(arns):
        run = Run(lr, execution, START_MS, None)
        assert run.status == "SUCCEEDED" and run.output["n"] == n
        assert (run.output["by"], n) in handled
    assert client(lr).get_activity_task(arn) == {}


class CrashAfterQueueing:
    """The fault hook: the step handler dies once, in its dispatch, right after it queued an activity task:
    the redelivered message dispatches the same task again."""

    def __init__(self) -> None:
        self.lr: Any = None
        self.crashed = False

    def __call__(self, point: str) -> None:
        queued = self.lr is not None and activities_for(self.lr.runtime).store.oldest_tasks("review", 10)
        if point == "mid-dispatch" and queued and not self.crashed:
            self.crashed = True
            raise RuntimeError("simulated crash of the step handler after queueing the task")


def test_a_dispatch_repeated_after_a_crash_queues_the_task_once(local_runtime: Callable[..., Any]) -> None:
    fault = CrashAfterQueueing()
    lr = stack(local_runtime, fault=fault)
    fault.lr = lr
    arn = create(lr, "review")
    run = run_on_runtime(lr, {"StartAt": "Work", "States": {"Work": activity_task(arn)}}, {"x": 1})
    assert fault.crashed and run.status == "RUNNING"
    assert len(activities_for(lr.runtime).store.oldest_tasks("review", 10)) == 1
    worker = ActivityWorker(client(lr), arn, lambda task: task)
    assert worker.run_once() and not worker.run_once()
    lr.pump()
    run.refresh()
    assert (run.status, run.output) == ("SUCCEEDED", {"x": 1})


# --- the sample event and the example ------------------------------------------------------------------


def sample(name: str) -> Any:
    return json.loads((REPO / "events" / name).read_text(encoding="utf-8"))


def test_the_get_task_sample_event_hands_a_worker_the_example_flows_task(local_runtime: Callable[..., Any]) -> None:
    lr = stack(local_runtime)
    event = sample("activities-get-task.json")
    assert create(lr, "review-order") == event["activityArn"]
    timeline = Timeline(lr)
    answers: list[Any] = []

    def work() -> None:  # before any HeartbeatSeconds runs out
        task = lr.invoke("activities", event)
        answers.append(task)
        output = {"approved": True, "reviewer": event["workerName"], "items": 3}
        answers.append(lr.invoke("callback", {"action": "success", "taskToken": task["taskToken"],
                                              "output": output}))

    timeline.at(0, work)
    order = json.loads((EXAMPLE / "input.json").read_text())
    run = run_on_runtime(lr, json.loads((EXAMPLE / "flow.json").read_text()), order, flow="activity-worker")

    task, answered = answers
    assert set(task) == {"taskToken", "input"} and answered == {}
    assert json.loads(task["input"]) == order
    assert (run.status, run.output) == ("SUCCEEDED", {"orderId": "ord-1042", "status": "APPROVED",
                                                      "reviewer": "reviewer-1", "items": 3})
    assert lr.invoke("activities", {**event, "waitSeconds": 0}) == {}  # nothing left


def test_the_example_worker_runs_its_flow_to_the_end(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    spec = importlib.util.spec_from_file_location("activity_worker_example", EXAMPLE / "worker.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert module.main([]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["output"]["status"]) == ("SUCCEEDED", "APPROVED")
    assert result["history"][2:5] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]

    assert module.main(["--total-cents", "250000"]) == 1  # over the limit: the worker rejects it
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["error"]) == ("FAILED", "Order.Rejected")
    assert "ActivityFailed" in result["history"]
    with pytest.raises(SystemExit):
        module.main(["--deployed"])  # it needs to know what to poll
