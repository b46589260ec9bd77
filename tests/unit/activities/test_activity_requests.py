"""The activities handler's requests: one model per action, Step Functions' field names, bad requests named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cloudflow.activities.requests import (
    CreateActivityRequest,
    GetActivityTaskRequest,
    ListActivitiesRequest,
    parse_activity_request,
)
from cloudflow.errors import InvalidInputError
from cloudflow.runtime.requests import serve

ARN = "arn:aws:states:us-east-1:123456789012:activity:review"


def test_each_action_has_its_model() -> None:
    created = parse_activity_request({"action": "createActivity", "name": "review", "tags": [{"key": "k",
                                                                                             "value": "v"}]})
    assert isinstance(created, CreateActivityRequest) and created.name == "review"
    listing = parse_activity_request({"action": "listActivities"})
    assert isinstance(listing, ListActivitiesRequest) and (listing.max_results, listing.next_token) == (0, None)
    poll = parse_activity_request({"action": "getActivityTask", "activityArn": ARN, "workerName": "w",
                                   "waitSeconds": 2.5})
    assert isinstance(poll, GetActivityTaskRequest) and (poll.activity_arn, poll.worker_name, poll.wait_seconds) == (
        ARN, "w", 2.5)
    for action in ("describeActivity", "deleteActivity"):
        assert parse_activity_request({"action": action, "activityArn": ARN}).action == action


@pytest.mark.parametrize("payload", [{}, {"action": "sendTaskSuccess"}, {"action": 3}, "createActivity", None])
def test_an_unknown_action_is_refused(payload: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_activity_request(payload)
    assert refused.value.field == "action"


@pytest.mark.parametrize(("payload", "field"), [
    ({"action": "createActivity"}, "name"),
    ({"action": "createActivity", "name": "x", "extra": 1}, "extra"),
    ({"action": "listActivities", "maxResults": 1001}, "maxResults"),
    ({"action": "listActivities", "nextToken": ""}, "nextToken"),
    ({"action": "getActivityTask", "activityArn": ARN, "waitSeconds": 61}, "waitSeconds"),
    ({"action": "getActivityTask", "activityArn": ARN, "workerName": "w" * 81}, "workerName"),
    ({"action": "describeActivity"}, "activityArn"),
])
def test_bad_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError):
        parse_activity_request(payload)
    answer = serve(payload, parse_activity_request)
    assert answer["error"] == "InvalidRequest"
    assert [f["field"] for f in answer["fields"]] == [field]
