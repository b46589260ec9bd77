"""The worker helper on a fake client: success, failures (TaskError, any exception, a result that is not
JSON), heartbeats while the handler runs, run_forever, and the Lambda client's requests and errors."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest

from cloudflow.activities.worker import ActivityServiceError, ActivityWorker, LambdaActivityClient, TaskError
from cloudflow.errors import TaskTimedOutError

ARN = "arn:aws:states:us-east-1:123456789012:activity:review"


class FakeClient:
    """Hands out the queued tasks, records every call."""

    def __init__(self, *inputs: Any, heartbeat_error: Exception | None = None) -> None:
        self.tasks = [{"taskToken": f"tok{i}", "input": json.dumps(value)} for i, value in enumerate(inputs)]
        self.calls: list[tuple[Any, ...]] = []
        self.heartbeat_error = heartbeat_error
        self.answer_error: Exception | None = None
        self._lock = threading.Lock()

    def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
        with self._lock:
            self.calls.append(("poll", activity_arn, worker_name))
            return self.tasks.pop(0) if self.tasks else {}

    def send_task_success(self, task_token: str, output: str) -> None:
        self.calls.append(("success", task_token, json.loads(output)))
        if self.answer_error:
            raise self.answer_error

    def send_task_failure(self, task_token: str, error: str | None, cause: str | None) -> None:
        self.calls.append(("failure", task_token, error, cause))

    def send_task_heartbeat(self, task_token: str) -> None:
        with self._lock:
            self.calls.append(("heartbeat", task_token))
        if self.heartbeat_error:
            raise self.heartbeat_error

    def answers(self) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] in ("success", "failure")]

    def heartbeats(self) -> int:
        return sum(call[0] == "heartbeat" for call in self.calls)


def test_a_task_is_run_and_its_result_sent_as_success() -> None:
    client = FakeClient({"n": 2})
    worker = ActivityWorker(client, ARN, lambda order: {"double": order["n"] * 2}, worker_name="w1")
    assert worker.run_once() is True
    assert client.calls[0] == ("poll", ARN, "w1")
    assert client.answers() == [("success", "tok0", {"double": 4})]
    assert worker.run_once() is False  # nothing more


def test_failures_name_their_error() -> None:
    def handler(value: Any) -> Any:
        if value == "task-error":
            raise TaskError("Review.Rejected", "too expensive")
        if value == "bare-task-error":
            raise TaskError("Review.Rejected")
        if value == "value-error":
            raise ValueError("bad quantity")
        if value == "long":
            raise TaskError("E" * 300, "c" * 40_000)
        return {1, 2}  # not JSON

    client = FakeClient("task-error", "bare-task-error", "value-error", "long", "not-json")
    worker = ActivityWorker(client, ARN, handler)
    while worker.run_once():
        pass
    answers = client.answers()
    assert answers[:3] == [("failure", "tok0", "Review.Rejected", "too expensive"),
                           ("failure", "tok1", "Review.Rejected", None),
                           ("failure", "tok2", "ValueError", "bad quantity")]
    assert (len(answers[3][2]), len(answers[3][3])) == (256, 32_768)  # Step Functions' limits
    assert answers[4][:3] == ("failure", "tok4", "TypeError")


def test_heartbeats_are_sent_while_the_handler_runs_and_stop_after() -> None:
    client = FakeClient({"n": 1})

    def slow(value: Any) -> Any:
        time.sleep(0.25)
        return value

    worker = ActivityWorker(client, ARN, slow, heartbeat_seconds=0.02)
    assert worker.run_once()
    beats = client.heartbeats()
    assert beats >= 3
    time.sleep(0.1)
    assert client.heartbeats() == beats  # the thread ended with the task
    assert client.calls[-1] == ("success", "tok0", {"n": 1})
    assert all(call == ("heartbeat", "tok0") for call in client.calls[1:-1])


def test_a_refused_heartbeat_stops_the_heartbeats() -> None:
    client = FakeClient({"n": 1}, heartbeat_error=TaskTimedOutError("Task Timed Out"))
    client.answer_error = TaskTimedOutError("Task Timed Out")  # the answer comes too late as well: no raise

    def slow(value: Any) -> Any:
        time.sleep(0.2)
        return value

    ActivityWorker(client, ARN, slow, heartbeat_seconds=0.02).run_once()
    assert client.heartbeats() == 1


def test_heartbeats_go_on_after_a_failed_one() -> None:
    class Glitchy(FakeClient):
        def send_task_heartbeat(self, task_token: str) -> None:
            super().send_task_heartbeat(task_token)
            if self.heartbeats() == 1:
                raise ConnectionError("network blip")
            if self.heartbeats() == 2:
                raise ActivityServiceError("ThrottlingException", "slow down")

    client = Glitchy({"n": 1})

    def slow(value: Any) -> Any:
        time.sleep(0.25)
        return value

    ActivityWorker(client, ARN, slow, heartbeat_seconds=0.02).run_once()
    assert client.heartbeats() >= 4
    assert client.answers() == [("success", "tok0", {"n": 1})]


def test_an_answer_refused_for_another_reason_raises() -> None:
    client = FakeClient({"n": 1})
    client.answer_error = ActivityServiceError("InvalidOutput", "too large")
    with pytest.raises(ActivityServiceError):
        ActivityWorker(client, ARN, lambda value: value).run_once()


def test_run_forever_works_until_stopped_and_stops_on_a_wrong_activity() -> None:
    client = FakeClient(1, 2, 3)
    stop = threading.Event()
    seen: list[int] = []

    def handler(value: int) -> int:
        seen.append(value)
        if len(seen) == 3:
            stop.set()
        return value

    assert ActivityWorker(client, ARN, handler).run_forever(stop) == 3
    assert seen == [1, 2, 3]

    class Missing(FakeClient):
        def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
            raise ActivityServiceError("ActivityDoesNotExist", "Activity Does Not Exist")

    with pytest.raises(ActivityServiceError):
        ActivityWorker(Missing(), ARN, handler).run_forever(threading.Event())


def test_run_forever_retries_after_a_failed_poll() -> None:
    class Flaky(FakeClient):
        polls = 0

        def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
            self.polls += 1
            if self.polls == 1:
                raise ConnectionError("network down")
            if self.polls == 2:
                raise ActivityServiceError("ThrottlingException", "slow down")
            return super().get_activity_task(activity_arn, worker_name)

    client = Flaky("x")
    stop = threading.Event()

    def handler(value: Any) -> Any:
        stop.set()
        return value

    worker = ActivityWorker(client, ARN, handler, retry_seconds=0.01)
    assert worker.run_forever(stop) == 1
    assert client.polls == 3


# --- the Lambda client --------------------------------------------------------------------------------


class FakeLambda:
    def __init__(self, *answers: Any, function_error: bool = False) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, Any]] = []
        self.function_error = function_error

    def invoke(self, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:
        assert InvocationType == "RequestResponse"
        self.requests.append((FunctionName, json.loads(Payload)))
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.answers.pop(0)).encode())}
        if self.function_error:
            response["FunctionError"] = "Unhandled"
        return response


def test_the_lambda_client_calls_the_activities_and_callback_functions() -> None:
    lam = FakeLambda({"taskToken": "tok", "input": "{}"}, {}, {}, {}, {})
    client = LambdaActivityClient(lam, "acts", "cb", wait_seconds=20)
    assert client.get_activity_task(ARN, "w1") == {"taskToken": "tok", "input": "{}"}
    client.send_task_success("tok", '{"ok":true}')
    client.send_task_failure("tok", "E", "why")
    client.send_task_failure("tok", None, None)
    client.send_task_heartbeat("tok")
    assert lam.requests == [
        ("acts", {"action": "getActivityTask", "activityArn": ARN, "workerName": "w1", "waitSeconds": 20}),
        ("cb", {"action": "success", "taskToken": "tok", "output": '{"ok":true}'}),
        ("cb", {"action": "failure", "taskToken": "tok", "error": "E", "cause": "why"}),
        ("cb", {"action": "failure", "taskToken": "tok"}),
        ("cb", {"action": "heartbeat", "taskToken": "tok"}),
    ]


def test_the_lambda_client_raises_the_error_documents_and_function_errors() -> None:
    client = LambdaActivityClient(FakeLambda({"error": "TaskTimedOut", "message": "Task Timed Out"}), "acts", "cb")
    with pytest.raises(ActivityServiceError) as refused:
        client.send_task_heartbeat("tok")
    assert (refused.value.code, refused.value.message) == ("TaskTimedOut", "Task Timed Out")
    crashed = LambdaActivityClient(FakeLambda({"errorMessage": "boom"}, function_error=True), "acts", "cb")
    with pytest.raises(ActivityServiceError) as failed:
        crashed.get_activity_task(ARN)
    assert failed.value.code == "ServiceException" and "boom" in failed.value.message
