"""The DynamoDB ActivityStore on moto, in the template's table: keys apart from the execution store's, one
task per token, FIFO by sequence, claims that only one caller wins, registry paging."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cloudflow.activities.registry import ActivityRecord, PendingActivityTask
from cloudflow.adapters.dynamodb_activities import DynamoDbActivityStore, activities_for
from cloudflow.adapters.dynamodb_store import DynamoDbExecutionStore
from cloudflow.adapters.template_resources import create_stack_resources

REPO = Path(__file__).resolve().parents[3]
ARN = "arn:aws:states:us-east-1:123456789012:activity:"


@pytest.fixture
def table() -> Iterator[tuple[Any, str]]:
    import boto3
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as patch:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            patch.setenv(key, "testing")
        with mock_aws():
            session = boto3.session.Session()
            resources = create_stack_resources(session, REPO / "template.yaml", "acts", "us-east-1")
            yield session.client("dynamodb", region_name="us-east-1"), resources.table


def task(token: str, activity: str = "review", enqueued_ms: int = 5) -> PendingActivityTask:
    return PendingActivityTask(activity, ARN + activity, token, f'{{"t":"{token}"}}', "Work", enqueued_ms)


def test_activities_are_created_once_listed_in_pages_and_deleted(table: tuple[Any, str]) -> None:
    store = DynamoDbActivityStore(*table)
    first = store.create_activity(ActivityRecord("b", ARN + "b", 1))
    assert store.create_activity(ActivityRecord("b", ARN + "b", 2)) == first  # the first creation date stays
    for name in ("c", "a", "d"):
        store.create_activity(ActivityRecord(name, ARN + name, 3))
    page, more = store.list_activities(2, None)
    assert ([r.name for r in page], more) == (["a", "b"], True)
    page, more = store.list_activities(2, "b")
    assert ([r.name for r in page], more) == (["c", "d"], False)  # exactly full, and nothing after it
    assert store.list_activities(10, "d") == ([], False)
    store.delete_activity("b")
    store.delete_activity("b")
    assert store.get_activity("b") is None
    assert [r.name for r in store.list_activities(10, None)[0]] == ["a", "c", "d"]


def test_a_token_is_queued_once_and_tasks_come_out_oldest_first(table: tuple[Any, str]) -> None:
    client, name = table
    store = DynamoDbActivityStore(client, name)
    assert store.enqueue_task(task("x"), 600) is True
    assert store.enqueue_task(task("x", enqueued_ms=99), 600) is False  # the re-run of a crashed step
    assert store.enqueue_task(task("y"), 600) is True
    assert store.enqueue_task(task("z", activity="other"), 600) is True
    queued = store.oldest_tasks("review", 10)
    assert [(t.token, t.sequence, t.enqueued_ms, t.input) for t in queued] == [("x", 1, 5, '{"t":"x"}'),
                                                                               ("y", 2, 5, '{"t":"y"}')]
    assert [t.token for t in store.oldest_tasks("review", 10, after=1)] == ["y"]
    assert store.remove_task(queued[0]) is True
    assert store.remove_task(queued[0]) is False  # claimed already
    assert store.enqueue_task(task("x"), 600) is False  # still known after the claim
    assert [t.token for t in store.oldest_tasks("review", 10)] == ["y"]
    item = client.get_item(TableName=name, Key={"pk": {"S": "ACTIVITY#review"}, "sk": {"S": "T#000000000002"}})
    assert int(item["Item"]["expires_at"]["N"]) > 0


class Blind:
    """A DynamoDB client that misses the marker on its first look, as when another run queues the token
    between the look and the write."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get_item(self, **kwargs: Any) -> Any:
        return {} if kwargs["Key"]["sk"]["S"].startswith("K#") else self.client.get_item(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_token_queued_by_a_racing_run_is_not_queued_twice(table: tuple[Any, str]) -> None:
    client, name = table
    DynamoDbActivityStore(client, name).enqueue_task(task("x"), 600)
    racing = DynamoDbActivityStore(Blind(client), name)
    assert racing.enqueue_task(task("x"), 600) is False
    assert [t.token for t in racing.oldest_tasks("review", 10)] == ["x"]


def test_an_activity_deleted_while_it_is_created_again_is_created(table: tuple[Any, str]) -> None:
    client, name = table
    store = DynamoDbActivityStore(client, name)
    store.create_activity(ActivityRecord("a", ARN + "a", 1))
    looks = []

    class Vanishing(Blind):
        def get_item(self, **kwargs: Any) -> Any:
            looks.append(kwargs)
            if len(looks) == 1:
                store.delete_activity("a")  # deleted between the failed create and the read
            return self.client.get_item(**kwargs)

    again = DynamoDbActivityStore(Vanishing(client), name).create_activity(ActivityRecord("a", ARN + "a", 2))
    assert again.creation_ms == 2 and store.get_activity("a") == again


def test_store_errors_other_than_a_lost_condition_are_raised(table: tuple[Any, str]) -> None:
    client, _ = table
    missing = DynamoDbActivityStore(client, "no-such-table")
    with pytest.raises(ClientError):
        missing.remove_task(task("x"))
    with pytest.raises(ClientError):
        missing.create_activity(ActivityRecord("a", ARN + "a", 1))


def test_the_items_stay_out_of_the_execution_stores_way(table: tuple[Any, str]) -> None:
    client, name = table
    store = DynamoDbActivityStore(client, name)
    store.create_activity(ActivityRecord("review", ARN + "review", 1))
    store.enqueue_task(task("x"), 600)
    keys = {(item["pk"]["S"], item["sk"]["S"][:2]) for item in client.scan(TableName=name)["Items"]}
    assert keys == {("ACTIVITIES", "A#"), ("ACTIVITY#review", "SE"), ("ACTIVITY#review", "T#"),
                    ("ACTIVITY#review", "K#")}
    assert not any(key.startswith(("EX#", "FLOW#")) for key, _ in keys)
    for item in client.scan(TableName=name)["Items"]:
        assert not {"gsi1pk", "usage_pk"} & set(item)


def test_racing_claims_hand_each_task_to_one_caller(table: tuple[Any, str]) -> None:
    store = DynamoDbActivityStore(*table)
    for i in range(30):
        store.enqueue_task(task(f"t{i}"), 600)
    tasks = store.oldest_tasks("review", 30)
    wins: list[list[str]] = [[] for _ in range(3)]

    def claim_all(mine: list[str]) -> None:
        mine.extend(t.token for t in tasks if store.remove_task(t))

    threads = [threading.Thread(target=claim_all, args=(mine,)) for mine in wins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(token for mine in wins for token in mine) == sorted(f"t{i}" for i in range(30))


def test_activities_for_needs_the_dynamodb_execution_store(table: tuple[Any, str]) -> None:
    class Runtime:
        store = object()

    with pytest.raises(TypeError):
        activities_for(Runtime())  # type: ignore[arg-type]
    beside = DynamoDbActivityStore.beside(DynamoDbExecutionStore(*table))
    assert beside.get_activity("nope") is None
