"""Request models of the activities handler: one per action, picked by `action`.

    {"action": "createActivity", "name", "tags"?}
    {"action": "describeActivity", "activityArn"}
    {"action": "listActivities", "maxResults"?, "nextToken"?}
    {"action": "deleteActivity", "activityArn"}
    {"action": "getActivityTask", "activityArn", "workerName"?, "waitSeconds"?}

Field names are Step Functions' own. `waitSeconds` (0 to 60, default 60) is CloudFlow's: how long the long
poll may wait; the handler also keeps it inside the Lambda's remaining time.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cloudflow.errors import InvalidInputError


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CreateActivityRequest(_Request):
    """CreateActivity. Tags are accepted and ignored (as Step Functions ignores them on a repeat)."""

    action: Literal["createActivity"]
    name: str
    tags: list[dict[str, str]] | None = None


class DescribeActivityRequest(_Request):
    """DescribeActivity."""

    action: Literal["describeActivity"]
    activity_arn: str = Field(alias="activityArn")


class ListActivitiesRequest(_Request):
    """ListActivities."""

    action: Literal["listActivities"]
    max_results: int = Field(0, alias="maxResults", ge=0, le=1000)
    next_token: str | None = Field(None, alias="nextToken", min_length=1, max_length=1024)


class DeleteActivityRequest(_Request):
    """DeleteActivity."""

    action: Literal["deleteActivity"]
    activity_arn: str = Field(alias="activityArn")


class GetActivityTaskRequest(_Request):
    """GetActivityTask."""

    action: Literal["getActivityTask"]
    activity_arn: str = Field(alias="activityArn")
    worker_name: str | None = Field(None, alias="workerName", max_length=80)
    wait_seconds: float | None = Field(None, alias="waitSeconds", ge=0, le=60)


ActivityRequest = (CreateActivityRequest | DescribeActivityRequest | ListActivitiesRequest | DeleteActivityRequest
                   | GetActivityTaskRequest)

_MODELS: dict[str, type[_Request]] = {
    "createActivity": CreateActivityRequest,
    "describeActivity": DescribeActivityRequest,
    "listActivities": ListActivitiesRequest,
    "deleteActivity": DeleteActivityRequest,
    "getActivityTask": GetActivityTaskRequest,
}


def parse_activity_request(payload: Any) -> ActivityRequest:
    """The request for the payload's `action`.

    Raises:
        InvalidInputError: no known `action`.
        pydantic.ValidationError: the fields do not fit the action.
    """
    action = payload.get("action") if isinstance(payload, dict) else None
    model = _MODELS.get(action) if isinstance(action, str) else None
    if model is None:
        raise InvalidInputError("action", f"must be one of {', '.join(_MODELS)}")
    request: ActivityRequest = model.model_validate(payload)  # type: ignore[assignment]
    return request
