"""SQS, Scheduler and S3 adapters on moto: FIFO groups and deduplication, delays, idempotent schedules."""

from __future__ import annotations

import json
from typing import Any

from cloudflow.adapters.s3_payloads import S3PayloadStore
from cloudflow.adapters.scheduler_timers import EventBridgeScheduler
from cloudflow.adapters.sqs_queue import SqsWorkQueue


def test_step_messages_are_deduplicated_by_key_and_keep_their_order(stack: tuple[Any, Any]) -> None:
    session, resources = stack
    sqs = session.client("sqs", region_name="us-east-1")
    queue = SqsWorkQueue(sqs, resources.step_queue_url, resources.timer_queue_url)
    queue.send([("unit-a", f"k{i}", f"body-{i}") for i in range(12)] + [("unit-a", "k3", "again")])
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=resources.step_queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        for message in got:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=resources.step_queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies == [f"body-{i}" for i in range(12)]  # in order; the repeat of k3 was dropped


def test_delayed_messages_go_to_the_timer_queue_capped_at_fifteen_minutes(stack: tuple[Any, Any]) -> None:
    session, resources = stack
    sqs = session.client("sqs", region_name="us-east-1")
    SqsWorkQueue(sqs, resources.step_queue_url, resources.timer_queue_url).send_delayed("now", 0)
    got = sqs.receive_message(QueueUrl=resources.timer_queue_url).get("Messages", [])
    assert [m["Body"] for m in got] == ["now"]


def test_schedules_are_one_time_self_deleting_and_idempotent(stack: tuple[Any, Any]) -> None:
    session, resources = stack
    client = session.client("scheduler", region_name="us-east-1")
    scheduler = EventBridgeScheduler(client, resources.schedule_group, "arn:aws:lambda:us-east-1:1:function:t",
                                     "arn:aws:iam::1:role/s")
    scheduler.schedule_at("cf-x", 1_700_000_000_500, json.dumps({"a": 1}))
    scheduler.schedule_at("cf-x", 1_700_000_000_500, json.dumps({"a": 1}))  # a re-dispatch: no error
    schedule = client.get_schedule(Name="cf-x", GroupName=resources.schedule_group)
    assert schedule["ScheduleExpression"] == "at(2023-11-14T22:13:21)"  # rounded up: never early
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert json.loads(schedule["Target"]["Input"]) == {"a": 1}
    scheduler.delete("cf-x")
    scheduler.delete("cf-x")  # already gone: no error
    assert client.list_schedules(GroupName=resources.schedule_group)["Schedules"] == []


def test_payloads_round_trip_through_the_bucket(stack: tuple[Any, Any]) -> None:
    session, resources = stack
    store = S3PayloadStore(session.client("s3", region_name="us-east-1"), resources.bucket)
    store.put("a/b", b"x" * 6_000_000)
    assert store.get("a/b") == b"x" * 6_000_000
