"""What a rule target receives besides an InputTransformer (EventBridge's PutTargets reference: a target
takes the whole event, a constant Input, or the part of the event its InputPath selects), and a Scheduler
target's Input with the context attributes of one fire."""

from __future__ import annotations

import pytest

from cloudflow.local.trigger_delivery import iso_seconds, render_scheduler_input, render_target_input

EVENT = {"version": "0", "id": "e-1", "detail-type": "OrderPlaced", "source": "shop", "account": "123456789012",
         "time": "2023-11-14T22:13:20Z", "region": "us-east-1", "resources": [], "detail": {"order": {"id": 7}}}
RULE = ("arn:aws:events:us-east-1:123456789012:rule/r", "r")


def test_a_rule_target_gets_the_event_its_input_or_its_input_path() -> None:
    assert render_target_input({"Id": "t"}, EVENT, *RULE) == EVENT
    assert render_target_input({"Id": "t", "Input": '{"fixed": true}'}, EVENT, *RULE) == {"fixed": True}
    assert render_target_input({"Id": "t", "InputPath": "$.detail.order"}, EVENT, *RULE) == {"id": 7}
    transformer = {"InputPathsMap": {"order": "$.detail.order.id"},
                   "InputTemplate": '{"order": <order>, "text": "order <order> by <aws.events.rule-name>"}'}
    assert render_target_input({"Id": "t", "InputTransformer": transformer}, EVENT, *RULE) == {
        "order": 7, "text": "order 7 by r"}


def test_a_target_that_cannot_be_rendered_raises_value_error() -> None:
    with pytest.raises(ValueError):
        render_target_input({"Id": "t", "InputTransformer": {"InputPathsMap": {"aws.x": "$.id"},
                                                             "InputTemplate": "<aws.x>"}}, EVENT, *RULE)
    with pytest.raises(ValueError):
        render_target_input({"Id": "t", "Input": "{not json"}, EVENT, *RULE)


def test_a_schedule_fire_fills_in_schedulers_context_attributes() -> None:
    text = '{"name": "n-<aws.scheduler.execution-id>", "at": "<aws.scheduler.scheduled-time>", "try": ' \
           '"<aws.scheduler.attempt-number>", "by": "<aws.scheduler.schedule-arn>"}'
    assert render_scheduler_input(text, "arn:s", iso_seconds(1_700_000_000_999), "x1", 2) == {
        "name": "n-x1", "at": "2023-11-14T22:13:20Z", "try": "2", "by": "arn:s"}
