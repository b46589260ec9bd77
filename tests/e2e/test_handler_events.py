"""Every sample event in events/ through its real handler, on the local runtime (moto, virtual clock).

The samples drive ONE execution, sample:order-1042 of the flow "sample" (its definition is inline in the
start_direct sample, so that start publishes it), when replayed in this order:

    start_direct -> step_sqs -> callback_heartbeat -> callback_success
    -> timer_scheduler (CoolingOff: 30 days, a Scheduler schedule) -> step_timer_sqs (Settle: 60 s, a timer-queue
    message, which the step handler consumes) -> SUCCEEDED

The task token and the timer ids in the samples are what SeededSecrets("tests") gives the first execution of a
fresh runtime on START_MS, with the samples replayed in that order (the heartbeat takes a timer id too). The
failure, API and stop samples answer or stop that same execution instead.

`Rig.deliver_steps()` plays only the step queue's event source mapping: `lr.pump()` would also fire the task's
HeartbeatSeconds wake-up (the virtual clock jumps to it), so it cannot leave the execution parked at the task.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cloudflow.core.timestamps import iso_from_ms
from cloudflow.runtime.describe import describe_execution, execution_history
from cloudflow.runtime.flows import publish_flow
from cloudflow.runtime.timers import schedule_name
from tests.e2e.conftest import START_MS

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
TESTS = REPO / "tests"

FLOW = "sample"
NAME = "order-1042"
EXECUTION = f"{FLOW}:{NAME}"
ARN = f"arn:aws:states:us-east-1:123456789012:execution:{EXECUTION}"
ARN_SHAPE = re.compile(r"arn:aws:states:us-east-1:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}")
DAY_MS = 86_400_000


def sample(name: str) -> Any:
    """A fresh copy of the sample event events/<name>."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def api_answer(answer: Any) -> tuple[int, Any]:
    """The status and JSON document of an API Gateway proxy response."""
    assert answer["headers"] == {"Content-Type": "application/json"}, answer
    return answer["statusCode"], json.loads(answer["body"])


def with_body(event_file: str, body: Any) -> dict[str, Any]:
    """The API Gateway sample with another body (text as is, anything else as JSON)."""
    event: dict[str, Any] = sample(event_file)
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def field_names(document: dict[str, Any]) -> list[str]:
    return [item["field"] for item in document.get("fields", [])]


@dataclass
class Rig:
    """A fresh local runtime with the boto3 clients the tests look through."""

    lr: Any
    sqs: Any
    scheduler: Any

    def invoke(self, handler: str, event: Any) -> Any:
        answer = self.lr.invoke(handler, copy.deepcopy(event))
        json.dumps(answer)  # Lambda returns it as JSON
        return answer

    def deliver_steps(self) -> list[dict[str, Any]]:
        """Hand the step queue's messages to the step handler as Lambda would, until the queue is empty.

        Unlike `lr.pump()`, it never fires a wake-up nor moves the clock. Returns the records delivered.
        """
        url = self.lr.resources.step_queue_url
        arn = f"arn:aws:sqs:us-east-1:123456789012:{url.rsplit('/', 1)[-1]}"
        delivered: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                   AttributeNames=["All"]).get("Messages", []):
            records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                        "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                        "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "us-east-1"}
                       for m in messages]
            assert self.invoke("step", {"Records": records}) == {"batchItemFailures": []}
            for message in messages:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            delivered.extend(records)
        return delivered

    def step_queue_is_empty(self) -> bool:
        answer = self.sqs.receive_message(QueueUrl=self.lr.resources.step_queue_url, VisibilityTimeout=0)
        return not answer.get("Messages")

    def timer_bodies(self) -> list[str]:
        """The bodies waiting on the timer queue (left there)."""
        answer = self.sqs.receive_message(QueueUrl=self.lr.resources.timer_queue_url, MaxNumberOfMessages=10,
                                          VisibilityTimeout=0)
        return [message["Body"] for message in answer.get("Messages", [])]

    def schedules(self) -> dict[str, tuple[str, Any]]:
        """Every schedule of the runtime's group: name -> (at() expression, the Input it passes)."""
        group = self.lr.resources.schedule_group
        found = {}
        for summary in self.scheduler.list_schedules(GroupName=group)["Schedules"]:
            schedule = self.scheduler.get_schedule(Name=summary["Name"], GroupName=group)
            found[summary["Name"]] = (schedule["ScheduleExpression"], json.loads(schedule["Target"]["Input"]))
        return found

    def describe(self, arn: str = ARN) -> dict[str, Any]:
        return describe_execution(self.lr.runtime, arn)

    def history(self, arn: str = ARN) -> list[dict[str, Any]]:
        return execution_history(self.lr.runtime, arn)

    def types(self, arn: str = ARN) -> list[str]:
        return [event["type"] for event in self.history(arn)]

    def pending_tokens(self, execution: str = EXECUTION) -> set[str]:
        record = self.lr.runtime.store.get_unit(execution, "r")
        return set(self.lr.runtime.codec.decode_snapshot(record.snapshot).tasks)

    # --- the sample execution, replayed in order up to a point ---------------------------------------

    def park_at_approval(self) -> None:
        """start_direct, then its first step: the execution waits for the Approve task's token."""
        assert self.invoke("start", sample("start_direct.json"))["executionArn"] == ARN
        self.deliver_steps()
        assert self.types()[-1] == "TaskStarted"
        assert self.pending_tokens() == {sample("callback_success.json")["taskToken"]}

    def park_in_cooling_off(self) -> None:
        """... then the heartbeat and the success: the execution is in the 30-day CoolingOff Wait."""
        self.park_at_approval()
        assert self.invoke("callback", sample("callback_heartbeat.json")) == {}
        self.deliver_steps()
        assert self.invoke("callback", sample("callback_success.json")) == {}
        self.deliver_steps()
        assert self.history()[-1]["stateEnteredEventDetails"]["name"] == "CoolingOff"

    def park_in_settle(self) -> None:
        """... then CoolingOff's wake-up when due: the execution is in the 60-second Settle Wait."""
        self.park_in_cooling_off()
        wake_up = sample("timer_scheduler.json")
        self.lr.clock.advance_to(wake_up["due_ms"])
        assert self.invoke("timer", wake_up) == {"forwarded": True}
        self.deliver_steps()
        assert self.history()[-1]["stateEnteredEventDetails"]["name"] == "Settle"


@pytest.fixture
def rig(local_runtime: Callable[..., Any], aws: Any) -> Rig:
    return Rig(local_runtime(), aws.client("sqs", region_name="us-east-1"),
               aws.client("scheduler", region_name="us-east-1"))


# --- every sample is used ---------------------------------------------------------------------------


def _test_sources() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(TESTS.rglob("*.py")))


@pytest.mark.parametrize("event_file", sorted(EVENTS.glob("*")), ids=lambda path: path.name)
def test_every_sample_event_is_used_by_a_test(event_file: Path) -> None:
    assert event_file.suffix == ".json", f"events/{event_file.name}: sample events are .json files"
    assert isinstance(json.loads(event_file.read_text(encoding="utf-8")), dict), event_file.name
    sources = _test_sources()
    assert f'"{event_file.name}"' in sources or f"'{event_file.name}'" in sources, (
        f"events/{event_file.name} is not used by any test in tests/: invoke its handler with it")


def test_the_samples_replayed_in_order_drive_one_execution_to_success(rig: Rig) -> None:
    assert rig.invoke("start", sample("start_direct.json"))["executionArn"] == ARN
    assert rig.invoke("step", sample("step_sqs.json")) == {"batchItemFailures": []}
    assert rig.invoke("callback", sample("callback_heartbeat.json")) == {}
    rig.deliver_steps()
    assert rig.invoke("callback", sample("callback_success.json")) == {}
    rig.deliver_steps()
    cooling_off = sample("timer_scheduler.json")
    rig.lr.clock.advance_to(cooling_off["due_ms"])
    assert rig.invoke("timer", cooling_off) == {"forwarded": True}
    rig.deliver_steps()
    settle = json.loads(sample("step_timer_sqs.json")["Records"][0]["body"])
    rig.lr.clock.advance_to(settle["due_ms"])
    assert rig.invoke("step", sample("step_timer_sqs.json")) == {"batchItemFailures": []}

    described = rig.describe()
    assert described["status"] == "SUCCEEDED"
    assert described["stopDate"] == iso_from_ms(settle["due_ms"])
    assert json.loads(described["output"]) == {**sample("start_direct.json")["input"],
                                               "approval": sample("callback_success.json")["output"]}
    entered = [e["stateEnteredEventDetails"]["name"] for e in rig.history() if "stateEnteredEventDetails" in e]
    assert entered == ["Approve", "CoolingOff", "Settle", "Done"]


# --- start --------------------------------------------------------------------------------------------


def test_start_direct(rig: Rig) -> None:
    event = sample("start_direct.json")
    answer = rig.invoke("start", event)

    assert set(answer) == {"executionArn", "startDate", "version"}
    assert ARN_SHAPE.fullmatch(answer["executionArn"]) and answer["executionArn"] == ARN
    assert answer["startDate"] == iso_from_ms(START_MS) == "2023-11-14T22:13:20.000Z"
    assert re.fullmatch(r"[0-9a-f]{16}", answer["version"])
    described = rig.describe()
    assert (described["status"], described["name"], described["version"]) == ("RUNNING", NAME, answer["version"])
    assert json.loads(described["input"]) == event["input"]

    assert rig.invoke("start", event) == answer  # idempotent by name and input
    rig.deliver_steps()
    assert rig.types().count("ExecutionStarted") == 1

    other = {**event, "input": {"order": {"id": 9999}}}
    refused = rig.invoke("start", other)
    assert refused["error"] == "ExecutionAlreadyExists" and ARN in refused["message"], refused
    assert json.loads(rig.describe()["input"]) == event["input"]


def test_start_api(rig: Rig) -> None:
    version = publish_flow(rig.lr.runtime, FLOW, sample("start_direct.json")["definition"])
    event = sample("start_api.json")
    status, document = api_answer(rig.invoke("start", event))

    assert status == 200, document
    assert document == {"executionArn": ARN, "startDate": iso_from_ms(START_MS), "version": version}
    assert json.loads(rig.describe()["input"]) == json.loads(json.loads(event["body"])["input"])
    # the same start directly, with the input as an object instead of JSON text: the same execution
    assert rig.invoke("start", sample("start_direct.json")) == document

    status, document = api_answer(rig.invoke("start", with_body("start_api.json", "{not json")))
    assert status == 400 and document["error"] == "InvalidRequest" and field_names(document) == ["body"], document

    status, document = api_answer(rig.invoke("start", with_body("start_api.json", {"name": "x", "input": "{}"})))
    assert status == 400 and field_names(document) == ["flow"], document

    bad_input = {"flow": FLOW, "name": "order-bad-input", "input": '{"order": '}
    status, document = api_answer(rig.invoke("start", with_body("start_api.json", bad_input)))
    assert status == 400 and field_names(document) == ["input"], document


def test_start_api_input_that_is_not_json_text_is_invalid_execution_input(rig: Rig) -> None:
    publish_flow(rig.lr.runtime, FLOW, sample("start_direct.json")["definition"])
    bad_input = {"flow": FLOW, "name": "order-bad-input", "input": '{"order": '}
    status, document = api_answer(rig.invoke("start", with_body("start_api.json", bad_input)))
    assert (status, document["error"]) == (400, "InvalidExecutionInput"), document


def test_start_eventbridge(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    rig.invoke("start", sample("start_direct.json"))  # publishes the flow
    event = sample("start_eventbridge.json")
    arn = f"arn:aws:states:us-east-1:123456789012:execution:{FLOW}:{event['id']}"

    monkeypatch.delenv("CLOUDFLOW_EVENT_FLOW", raising=False)
    with pytest.raises(RuntimeError, match="CLOUDFLOW_EVENT_FLOW"):  # raised, so EventBridge retries it
        rig.invoke("start", event)

    monkeypatch.setenv("CLOUDFLOW_EVENT_FLOW", FLOW)
    answer = rig.invoke("start", event)
    assert answer["executionArn"] == arn and answer["startDate"] == iso_from_ms(START_MS), answer
    described = rig.describe(arn)
    assert (described["name"], described["status"]) == (event["id"], "RUNNING")
    assert json.loads(described["input"]) == event  # the whole event is the input

    assert rig.invoke("start", event) == answer  # EventBridge's redelivery: the same execution
    rig.deliver_steps()
    assert rig.types(arn).count("ExecutionStarted") == 1
    scheduled = next(e for e in rig.history(arn) if e["type"] == "TaskScheduled")
    assert json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"]["input"] == event
    assert rig.describe()["status"] == "RUNNING"  # the sample execution is another one


# --- step ---------------------------------------------------------------------------------------------


def test_step_sqs(rig: Rig) -> None:
    rig.invoke("start", sample("start_direct.json"))
    event = sample("step_sqs.json")
    record = event["Records"][0]
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()

    assert rig.invoke("step", event) == {"batchItemFailures": []}

    assert rig.types() == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted"]
    token = sample("callback_success.json")["taskToken"]
    assert rig.pending_tokens() == {token}
    scheduled = json.loads(rig.history()[2]["taskScheduledEventDetails"]["parameters"])
    assert scheduled["MessageBody"] == {"token": token, "execution": ARN, "input": sample("start_direct.json")["input"]}
    # the Approve task's heartbeat (1 hour) and timeout (7 days) wake-ups are schedules
    assert sorted(wake_up["due_ms"] - START_MS for _, wake_up in rig.schedules().values()) == [3_600_000, 7 * DAY_MS]

    # the start message the sample stands for is still queued: the same body, group and deduplication id
    history, schedules = rig.history(), rig.schedules()
    version = rig.lr.runtime.store.get_unit(EXECUTION, "r").version
    delivered = rig.deliver_steps()
    assert [r["body"] for r in delivered] == [record["body"]]
    for attribute in ("MessageGroupId", "MessageDeduplicationId"):
        assert delivered[0]["attributes"][attribute] == record["attributes"][attribute], attribute
    # ... and delivering it again changed nothing
    assert rig.history() == history and rig.schedules() == schedules
    assert rig.lr.runtime.store.get_unit(EXECUTION, "r").version == version
    assert rig.invoke("step", event) == {"batchItemFailures": []}
    assert rig.history() == history and rig.step_queue_is_empty()


# --- callback -----------------------------------------------------------------------------------------


def test_callback_heartbeat_and_success(rig: Rig) -> None:
    rig.park_at_approval()
    before = rig.schedules()

    assert rig.invoke("callback", sample("callback_heartbeat.json")) == {}
    rig.deliver_steps()
    armed = {name: entry for name, entry in rig.schedules().items() if name not in before}
    assert [wake_up["key"] for _, wake_up in armed.values()] == ["timer:timer-4"]  # the heartbeat clock restarted
    assert rig.types()[-1] == "TaskStarted" and rig.describe()["status"] == "RUNNING"

    success = sample("callback_success.json")
    assert rig.invoke("callback", success) == {}
    rig.deliver_steps()
    history = rig.history()
    assert [e["type"] for e in history[-3:]] == ["TaskSucceeded", "TaskStateExited", "WaitStateEntered"]
    assert json.loads(history[-3]["taskSucceededEventDetails"]["output"]) == success["output"]
    assert history[-1]["stateEnteredEventDetails"]["name"] == "CoolingOff"
    # the 30-day Wait is a schedule passing exactly the timer_scheduler sample
    cooling_off = sample("timer_scheduler.json")
    name = schedule_name(EXECUTION, "r", cooling_off["event"]["timer_id"])
    assert rig.schedules()[name] == ("at(2023-12-14T22:13:20)", cooling_off)
    assert cooling_off["due_ms"] == START_MS + 30 * DAY_MS
    # the task's timeout and current heartbeat schedules were deleted with the task
    assert not {schedule_name(EXECUTION, "r", t) for t in ("timer-2", "timer-4")} & set(rig.schedules())

    again = rig.invoke("callback", success)
    assert again["error"] == "TaskTimedOut", again
    assert rig.invoke("callback", sample("callback_heartbeat.json"))["error"] == "TaskTimedOut"

    rig.lr.pump()
    described = rig.describe()
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["approval"] == success["output"]


def test_callback_list_pending(rig: Rig) -> None:
    rig.park_at_approval()
    listing = rig.invoke("callback", sample("callback_list_pending.json"))
    assert "pendingTasks" in listing, listing
    (pending,) = listing["pendingTasks"]
    assert pending["taskToken"] == sample("callback_success.json")["taskToken"]
    assert pending["unit"] == "r" and pending["resource"].endswith(".waitForTaskToken")
    assert pending["timeoutDate"] > pending["scheduledDate"]
    assert rig.invoke("callback", sample("callback_success.json")) == {}
    rig.deliver_steps()
    assert rig.invoke("callback", sample("callback_list_pending.json")) == {"pendingTasks": []}
    unknown = {**sample("callback_list_pending.json"), "executionArn": ARN.replace("order-1042", "order-0")}
    assert rig.invoke("callback", unknown)["error"] == "ExecutionDoesNotExist"


def test_callback_bad_tokens(rig: Rig) -> None:
    rig.park_at_approval()
    malformed = {**sample("callback_success.json"), "taskToken": "not-a-task-token"}
    assert rig.invoke("callback", malformed)["error"] == "InvalidToken"

    prefix = base64.urlsafe_b64encode(json.dumps([f"{FLOW}:order-0000", "r"]).encode()).decode().rstrip("=")
    unknown = {**sample("callback_success.json"), "taskToken": f"{prefix}.{'0' * 64}"}
    assert rig.invoke("callback", unknown)["error"] == "TaskDoesNotExist"
    assert rig.invoke("callback", {**sample("callback_heartbeat.json"), "taskToken": unknown["taskToken"]}) == {
        "error": "TaskDoesNotExist", "message": "Task Does Not Exist: no execution issued this task token."}
    rig.deliver_steps()  # nothing was queued: the sample execution still waits for its own token
    assert rig.types()[-1] == "TaskStarted"
    assert rig.pending_tokens() == {sample("callback_success.json")["taskToken"]}


def test_callback_failure(rig: Rig) -> None:
    rig.park_at_approval()
    failure = sample("callback_failure.json")

    assert rig.invoke("callback", failure) == {}
    rig.deliver_steps()

    described = rig.describe()
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED", failure["error"], failure["cause"])
    history = rig.history()
    assert [e["type"] for e in history[-2:]] == ["TaskFailed", "ExecutionFailed"]
    assert history[-1]["executionFailedEventDetails"] == {"error": failure["error"], "cause": failure["cause"]}
    assert rig.schedules() == {}  # the task's heartbeat and timeout schedules are gone
    assert rig.invoke("callback", failure)["error"] == "TaskTimedOut"


def test_callback_api(rig: Rig) -> None:
    rig.park_at_approval()
    event = sample("callback_api.json")

    assert api_answer(rig.invoke("callback", event)) == (200, {})
    rig.deliver_steps()
    succeeded = next(e for e in rig.history() if e["type"] == "TaskSucceeded")
    assert json.loads(succeeded["taskSucceededEventDetails"]["output"]) == json.loads(
        json.loads(event["body"])["output"])  # the output was given as JSON text
    assert rig.history()[-1]["stateEnteredEventDetails"]["name"] == "CoolingOff"

    status, document = api_answer(rig.invoke("callback", event))
    assert (status, document["error"]) == (400, "TaskTimedOut"), document

    status, document = api_answer(rig.invoke("callback", with_body("callback_api.json", {"action": "success"})))
    assert status == 400 and field_names(document) == ["taskToken"], document


def test_a_second_answer_before_the_first_is_applied_changes_nothing(rig: Rig) -> None:
    rig.park_at_approval()
    assert rig.invoke("callback", sample("callback_success.json")) == {}
    late = rig.invoke("callback", sample("callback_failure.json"))  # before any step applied the success
    assert late == {} or late.get("error") == "TaskTimedOut", late
    rig.deliver_steps()
    assert "TaskFailed" not in rig.types() and rig.describe()["status"] == "RUNNING"
    assert rig.history()[-1]["stateEnteredEventDetails"]["name"] == "CoolingOff"


def test_a_heartbeat_deletes_the_schedule_it_supersedes(rig: Rig) -> None:
    rig.park_in_cooling_off()
    cooling_off = sample("timer_scheduler.json")
    assert set(rig.schedules()) == {schedule_name(EXECUTION, "r", cooling_off["event"]["timer_id"])}


# --- timer --------------------------------------------------------------------------------------------


def test_timer_scheduler(rig: Rig) -> None:
    rig.park_in_cooling_off()
    wake_up = sample("timer_scheduler.json")
    name = schedule_name(EXECUTION, "r", wake_up["event"]["timer_id"])
    armed = rig.schedules()[name]
    assert armed[1] == wake_up
    history = rig.history()

    # early, while its schedule is still there: re-arming it is a no-op
    assert rig.invoke("timer", wake_up) == {"forwarded": False}
    assert rig.schedules()[name] == armed
    # early, after Scheduler deleted the schedule on firing: the same schedule again
    rig.scheduler.delete_schedule(Name=name, GroupName=rig.lr.resources.schedule_group)
    assert rig.invoke("timer", wake_up) == {"forwarded": False}
    assert rig.schedules()[name] == armed
    # early by under 15 minutes: re-armed on the timer queue instead
    rig.scheduler.delete_schedule(Name=name, GroupName=rig.lr.resources.schedule_group)
    rig.lr.clock.advance_to(wake_up["due_ms"] - 60_000)
    assert rig.invoke("timer", wake_up) == {"forwarded": False}
    assert name not in rig.schedules()
    assert [json.loads(body) for body in rig.timer_bodies()] == [wake_up]
    # ... and none of it advanced the execution
    assert rig.step_queue_is_empty()
    rig.deliver_steps()
    assert rig.history() == history

    # due: forwarded to the execution's step group; CoolingOff ends, Settle begins on the timer queue
    rig.lr.clock.advance_to(wake_up["due_ms"])
    assert rig.invoke("timer", wake_up) == {"forwarded": True}
    rig.deliver_steps()
    assert [e["type"] for e in rig.history()[len(history):]] == ["WaitStateExited", "WaitStateEntered"]
    assert sample("step_timer_sqs.json")["Records"][0]["body"] in rig.timer_bodies()  # Settle's wake-up

    rig.lr.pump()  # also fires the re-armed copy of CoolingOff's wake-up: a duplicate of what was forwarded
    ended = rig.describe()
    assert ended["status"] == "SUCCEEDED"

    history = rig.history()
    assert rig.invoke("timer", wake_up) == {"forwarded": True}
    rig.lr.pump()
    assert rig.history() == history and rig.describe() == ended


def test_step_timer_sqs(rig: Rig) -> None:
    """A timer-queue wake-up is applied by the step handler where it arrives: nothing goes to the step queue."""
    rig.park_in_settle()
    event = sample("step_timer_sqs.json")
    body = event["Records"][0]["body"]
    wake_up = json.loads(body)
    assert rig.timer_bodies() == [body]
    assert wake_up["due_ms"] == sample("timer_scheduler.json")["due_ms"] + 60_000
    history = rig.history()

    # early: armed again on the timer queue, nothing applied
    assert rig.invoke("step", event) == {"batchItemFailures": []}
    assert rig.timer_bodies() == [body, body]
    assert rig.step_queue_is_empty()
    assert rig.history() == history

    rig.lr.clock.advance_to(wake_up["due_ms"])
    assert rig.invoke("step", event) == {"batchItemFailures": []}
    assert rig.step_queue_is_empty()  # applied here, not forwarded
    ended = rig.describe()
    assert ended["status"] == "SUCCEEDED" and ended["stopDate"] == iso_from_ms(wake_up["due_ms"])
    assert rig.types()[-1] == "ExecutionSucceeded"

    final = rig.history()
    rig.lr.pump()  # delivers the re-armed copy: a duplicate
    assert rig.invoke("step", event) == {"batchItemFailures": []}  # and again, by hand
    assert rig.history() == final and rig.describe() == ended


# --- stop ---------------------------------------------------------------------------------------------


def test_stop_direct(rig: Rig) -> None:
    rig.park_at_approval()
    event = sample("stop_direct.json")

    assert rig.invoke("stop", event) == {"stopDate": iso_from_ms(START_MS)}
    rig.lr.pump()

    described = rig.describe()
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED", event["error"], event["cause"])
    assert described["stopDate"] == iso_from_ms(START_MS)
    assert rig.history()[-1]["type"] == "ExecutionAborted"
    assert rig.schedules() == {}  # the task's wake-ups were cancelled

    history = rig.history()
    assert set(rig.invoke("stop", event)) == {"stopDate"}  # an ended execution: nothing changes
    rig.lr.pump()
    assert rig.history() == history and rig.describe()["status"] == "ABORTED"

    unknown = rig.invoke("stop", {**event, "executionArn": ARN.replace(NAME, "order-0000")})
    assert unknown["error"] == "ExecutionDoesNotExist", unknown
    malformed = rig.invoke("stop", {**event, "executionArn": "arn:aws:states:us-east-1:123456789012:order-1042"})
    assert malformed["error"] == "InvalidRequest" and field_names(malformed) == ["executionArn"], malformed


def test_stop_api(rig: Rig) -> None:
    rig.park_at_approval()
    event = sample("stop_api.json")
    request = json.loads(event["body"])

    assert api_answer(rig.invoke("stop", event)) == (200, {"stopDate": iso_from_ms(START_MS)})
    rig.lr.pump()
    described = rig.describe()
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED", request["error"], request["cause"])

    status, document = api_answer(rig.invoke("stop", with_body(
        "stop_api.json", {**request, "executionArn": ARN.replace(NAME, "order-0000")})))
    assert (status, document["error"]) == (404, "ExecutionDoesNotExist"), document
    status, document = api_answer(rig.invoke("stop", with_body("stop_api.json", {**request, "executionArn": "nope"})))
    assert status == 400 and field_names(document) == ["executionArn"], document
