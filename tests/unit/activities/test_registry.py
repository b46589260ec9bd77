"""CreateActivity / DescribeActivity / ListActivities / DeleteActivity on an in-memory store, and the task
resolver that queues activity tasks. `MemoryActivityStore` is shared with the other unit tests here."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cloudflow.activities.dispatch import ActivityTaskResolver, missing_activity_cause
from cloudflow.activities.registry import (
    Activities,
    ActivityDoesNotExistError,
    ActivityRecord,
    InvalidArnError,
    InvalidNameError,
    PendingActivityTask,
    activity_name,
    check_name,
    create_activity,
    delete_activity,
    describe_activity,
    list_activities,
)
from cloudflow.core.commands import InvokeTask
from cloudflow.errors import InvalidInputError, InvalidTokenError
from cloudflow.local.task_outcome import NoAnswer, TaskReturned, TaskThrew

START_MS = 1_700_000_000_000
ARN = "arn:aws:states:us-east-1:123456789012:activity:"


class FixedClock:
    def __init__(self, now_ms: int = START_MS) -> None:
        self.now = now_ms

    def now_ms(self) -> int:
        return self.now


class MemoryActivityStore:
    """The ActivityStore port in memory (thread-safe), with the same contract as the DynamoDB adapter."""

    def __init__(self) -> None:
        self.activities: dict[str, ActivityRecord] = {}
        self.tasks: dict[str, dict[int, PendingActivityTask]] = {}
        self.queued_tokens: set[str] = set()
        self.ttls: dict[str, int] = {}
        self._next = 0
        self._lock = threading.Lock()

    def create_activity(self, record: ActivityRecord) -> ActivityRecord:
        return self.activities.setdefault(record.name, record)

    def get_activity(self, name: str) -> ActivityRecord | None:
        return self.activities.get(name)

    def list_activities(self, limit: int, after: str | None) -> tuple[list[ActivityRecord], bool]:
        names = sorted(name for name in self.activities if after is None or name > after)
        return [self.activities[name] for name in names[:limit]], len(names) > limit

    def delete_activity(self, name: str) -> None:
        self.activities.pop(name, None)

    def enqueue_task(self, task: PendingActivityTask, ttl_seconds: int) -> bool:
        with self._lock:
            if task.token in self.queued_tokens:
                return False
            self.queued_tokens.add(task.token)
            self._next += 1
            queued = PendingActivityTask(task.activity, task.activity_arn, task.token, task.input, task.state_name,
                                         task.enqueued_ms, self._next)
            self.tasks.setdefault(task.activity, {})[self._next] = queued
            self.ttls[task.token] = ttl_seconds
            return True

    def oldest_tasks(self, activity: str, limit: int, after: int | None = None) -> list[PendingActivityTask]:
        with self._lock:
            queue = self.tasks.get(activity, {})
            return [queue[n] for n in sorted(queue) if after is None or n > after][:limit]

    def remove_task(self, task: PendingActivityTask) -> bool:
        with self._lock:
            return self.tasks.get(task.activity, {}).pop(task.sequence, None) is not None


def activities(store: MemoryActivityStore | None = None, clock: FixedClock | None = None) -> Activities:
    return Activities(store or MemoryActivityStore(), clock or FixedClock())


# --- names and ARNs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "review-order", "Review_Order.v2", "x" * 80, "café"])
def test_names_step_functions_accepts(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "x" * 81, "two words", "tab\there", "a:b", "a/b", "{x}", "[x]", "<x>", "a?",
                                  "a*", 'a"b', "a#b", "a%b", "a\\b", "a^b", "a|b", "a~b", "a`b", "a$b", "a&b",
                                  "a,b", "a;b", "bell\x07", "del\x7f", "c1\x85", 42, None])
def test_names_step_functions_refuses(name: Any) -> None:
    with pytest.raises(InvalidNameError) as refused:
        check_name(name)
    assert refused.value.code == "InvalidName"


def test_activity_arns() -> None:
    assert activity_name(ARN + "review") == "review"
    assert activity_name("arn:aws-cn:states:cn-north-1:123456789012:activity:x") == "x"
    for bad in ["review", ARN, ARN + "a:b", "arn:aws:states:us-east-1:123456789012:stateMachine:review",
                "arn:aws:states:us-east-1:12345:activity:review", ARN + "x" * 300, ARN + "a b", ARN + "a>b", None,
                7]:
        with pytest.raises(InvalidArnError):
            activity_name(bad)


# --- the registry ----------------------------------------------------------------------------------


def test_create_is_idempotent_by_name_and_keeps_the_first_creation_date() -> None:
    clock = FixedClock()
    acts = activities(clock=clock)
    first = create_activity(acts, "review")
    clock.now += 60_000
    assert create_activity(acts, "review") == first
    assert first == {"activityArn": ARN + "review", "creationDate": "2023-11-14T22:13:20.000Z"}
    assert describe_activity(acts, ARN + "review") == {**first, "name": "review"}


def test_describe_and_delete_errors() -> None:
    acts = activities()
    with pytest.raises(ActivityDoesNotExistError) as missing:
        describe_activity(acts, ARN + "nope")
    assert missing.value.to_dict() == {"error": "ActivityDoesNotExist",
                                       "message": f"Activity Does Not Exist: '{ARN}nope'"}
    with pytest.raises(InvalidArnError):
        describe_activity(acts, "nope")
    assert delete_activity(acts, ARN + "nope") == {}  # Step Functions: deleting nothing succeeds
    with pytest.raises(InvalidArnError):
        delete_activity(acts, {"not": "an arn"})
    create_activity(acts, "review")
    other_region = ARN.replace("us-east-1", "eu-west-1") + "review"
    with pytest.raises(ActivityDoesNotExistError):
        describe_activity(acts, other_region)
    assert delete_activity(acts, other_region) == {}
    assert describe_activity(acts, ARN + "review")["name"] == "review"  # still there
    assert delete_activity(acts, ARN + "review") == {}
    with pytest.raises(ActivityDoesNotExistError):
        describe_activity(acts, ARN + "review")


def test_list_pages_in_name_order() -> None:
    acts = activities()
    for name in ["e", "b", "d", "a", "c"]:
        create_activity(acts, name)
    names, token, pages = [], None, 0
    while True:
        page = list_activities(acts, 2, token)
        names += [item["name"] for item in page["activities"]]
        pages += 1
        token = page.get("nextToken")
        if token is None:
            break
    assert (names, pages) == (["a", "b", "c", "d", "e"], 3)
    assert "nextToken" not in list_activities(acts)  # the default page holds 100
    assert list_activities(activities()) == {"activities": []}
    with pytest.raises(InvalidTokenError):
        list_activities(acts, 2, "not-a-token")
    with pytest.raises(InvalidInputError):
        list_activities(acts, 1001)


# --- queueing tasks --------------------------------------------------------------------------------


def invocation(resource: str, token: str = "t1", parameters: Any = None, timeout: int | None = None) -> InvokeTask:
    return InvokeTask(token=token, resource=resource, parameters={"n": 1} if parameters is None else parameters,
                      pattern="callback", state_name="Work", frame_id="f", attempt=0, timeout_seconds=timeout,
                      heartbeat_seconds=None)


class Answers:
    def resolve(self, invocation: InvokeTask) -> TaskReturned:
        return TaskReturned({"answered": invocation.resource})


def test_the_resolver_queues_activity_tasks_once_per_token() -> None:
    store = MemoryActivityStore()
    acts = activities(store)
    create_activity(acts, "review")
    resolver = ActivityTaskResolver(acts)
    task = invocation(ARN + "review", parameters={"b": 1, "a": [1, "é"]}, timeout=300)
    assert resolver.resolve(task) == NoAnswer()
    assert resolver.resolve(task) == NoAnswer()  # a step re-run after a crash
    (queued,) = store.oldest_tasks("review", 10)
    assert (queued.token, queued.input, queued.state_name, queued.activity_arn, queued.enqueued_ms) == (
        "t1", '{"b":1,"a":[1,"é"]}', "Work", ARN + "review", START_MS)
    assert store.ttls["t1"] == 300 + 86_400
    resolver.resolve(invocation(ARN + "review", token="t2"))
    assert store.ttls["t2"] > 365 * 86_400  # no TimeoutSeconds: kept as long as an execution may run


def test_the_resolver_fails_tasks_of_unknown_activities_with_states_runtime() -> None:
    resolver = ActivityTaskResolver(lambda: activities())  # a source of Activities works as well
    task = invocation(ARN + "gone")
    assert resolver.resolve(task) == TaskThrew("States.Runtime", missing_activity_cause(task))
    assert missing_activity_cause(task) == (
        f"An error occurred while executing the state 'Work'. The activity {ARN}gone does not exist.")


def test_a_task_on_a_malformed_activity_arn_fails_with_states_runtime() -> None:
    outcome = ActivityTaskResolver(activities()).resolve(invocation(ARN + "two words"))
    assert isinstance(outcome, TaskThrew) and outcome.error == "States.Runtime"


def test_the_resolver_leaves_other_resources_to_its_fallback() -> None:
    lambda_task = invocation("arn:aws:lambda:us-east-1:123456789012:function:f")
    assert ActivityTaskResolver(activities()).resolve(lambda_task) is None
    assert ActivityTaskResolver(activities(), fallback=Answers()).resolve(lambda_task) == TaskReturned(
        {"answered": lambda_task.resource})
