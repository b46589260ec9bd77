"""CreateActivity, DescribeActivity, ListActivities and DeleteActivity, with Step Functions' errors.

Activities and their pending tasks live in the runtime's table behind `ActivityStore`, a port of this
package (its DynamoDB adapter is `cloudflow.adapters.dynamodb_activities`). As in Step Functions:

- CreateActivity is idempotent by name: creating an existing activity answers its ARN and creation date.
- A name has 1 to 80 characters, none of them white space, brackets `< > { } [ ]`, wildcards `? *`,
  special characters `" # % \\ ^ | ~ ` $ & , ; : /` or control characters (InvalidName).
- DescribeActivity of an unknown ARN is ActivityDoesNotExist; DeleteActivity of one succeeds.
- ListActivities pages with `maxResults` (0: the default of 100; at most 1000) and `nextToken`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import InvalidInputError, InvalidTokenError, ServiceError
from cloudflow.ports import Clock

MAX_NAME_LENGTH = 80
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
_FORBIDDEN_IN_NAMES = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
_ARN = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):activity:([^:]+)$")


class ActivityDoesNotExistError(ServiceError):
    """No activity has this ARN."""

    code = "ActivityDoesNotExist"
    status = 404


class InvalidArnError(ServiceError):
    """The text is not an activity ARN."""

    code = "InvalidArn"


class InvalidNameError(ServiceError):
    """The activity name breaks Step Functions' naming rules."""

    code = "InvalidName"


@dataclass(frozen=True)
class ActivityRecord:
    """An activity as stored: its name, ARN and creation time (epoch milliseconds)."""

    name: str
    arn: str
    creation_ms: int

    def to_dict(self) -> dict[str, str]:
        """As DescribeActivity and ListActivities show it."""
        return {"activityArn": self.arn, "name": self.name, "creationDate": iso_from_ms(self.creation_ms)}


@dataclass(frozen=True)
class PendingActivityTask:
    """A task scheduled on an activity that no worker has taken yet.

    `input` is the JSON text the worker receives; `sequence` is the task's place in its activity's queue
    (given by the store: oldest first).
    """

    activity: str
    activity_arn: str
    token: str
    input: str
    state_name: str
    enqueued_ms: int
    sequence: int = 0


class ActivityStore(Protocol):
    """Activities and their queues of pending tasks (the runtime's DynamoDB table in the cloud)."""

    def create_activity(self, record: ActivityRecord) -> ActivityRecord:
        """Store the activity unless one has its name; answer the stored one either way."""
        ...

    def get_activity(self, name: str) -> ActivityRecord | None:
        """The activity with this name, read strongly consistent."""
        ...

    def list_activities(self, limit: int, after: str | None) -> tuple[list[ActivityRecord], bool]:
        """Up to `limit` activities in name order, after the name `after`; and whether more follow."""
        ...

    def delete_activity(self, name: str) -> None:
        """Delete the activity if it exists."""
        ...

    def enqueue_task(self, task: PendingActivityTask, ttl_seconds: int) -> bool:
        """Queue the task once per token (a step re-run after a crash queues nothing new): False if it was
        queued before. The store gives it its sequence and keeps it `ttl_seconds` at most."""
        ...

    def oldest_tasks(self, activity: str, limit: int, after: int | None = None) -> list[PendingActivityTask]:
        """Up to `limit` pending tasks of the activity, oldest first, after sequence `after`."""
        ...

    def remove_task(self, task: PendingActivityTask) -> bool:
        """Remove the task from its queue atomically: True for exactly one caller (the one that claims it)."""
        ...


@dataclass(frozen=True)
class Activities:
    """What the activity services need: the store, the runtime's clock, and where the runtime runs."""

    store: ActivityStore
    clock: Clock
    region: str = "us-east-1"
    account: str = "123456789012"

    def arn(self, name: str) -> str:
        """The ARN of the activity named `name` in this runtime."""
        return f"arn:aws:states:{self.region}:{self.account}:activity:{name}"


def check_name(name: object) -> str:
    """The name, if Step Functions accepts it for an activity.

    Raises:
        InvalidNameError: it does not.
    """
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH or _FORBIDDEN_IN_NAMES.search(name):
        raise InvalidNameError(f"Invalid Name: '{name}'")
    return name


def activity_name(arn: object) -> str:
    """The name in an activity ARN (`arn:aws:states:<region>:<account>:activity:<name>`).

    Raises:
        InvalidArnError: it is not an activity ARN.
    """
    match = _ARN.match(arn) if isinstance(arn, str) and len(arn) <= 256 else None
    if match is None:
        raise InvalidArnError(f"Invalid Arn: '{arn}'")
    try:
        return check_name(match.group(3))
    except InvalidNameError:
        raise InvalidArnError(f"Invalid Arn: '{arn}'") from None


def find_activity(store: ActivityStore, arn: str) -> ActivityRecord | None:
    """The activity behind the ARN, or None (also for an ARN of another region or account).

    Raises:
        InvalidArnError: it is not an activity ARN.
    """
    record = store.get_activity(activity_name(arn))
    return record if record is not None and record.arn == arn else None


def create_activity(activities: Activities, name: object) -> dict[str, str]:
    """CreateActivity: `{"activityArn", "creationDate"}`, the existing activity's when the name is taken.

    Raises:
        InvalidNameError: the name breaks the naming rules.
    """
    name = check_name(name)
    wanted = ActivityRecord(name, activities.arn(name), activities.clock.now_ms())
    stored = activities.store.create_activity(wanted)
    return {"activityArn": stored.arn, "creationDate": iso_from_ms(stored.creation_ms)}


def describe_activity(activities: Activities, arn: object) -> dict[str, str]:
    """DescribeActivity: `{"activityArn", "name", "creationDate"}`.

    Raises:
        InvalidArnError: it is not an activity ARN.
        ActivityDoesNotExistError: no activity has this ARN.
    """
    record = find_activity(activities.store, _arn_text(arn))
    if record is None:
        raise ActivityDoesNotExistError(f"Activity Does Not Exist: '{arn}'")
    return record.to_dict()


def delete_activity(activities: Activities, arn: object) -> dict[str, Any]:
    """DeleteActivity: `{}`, also for an activity that does not exist. Its pending tasks stay (they expire);
    a worker asking for them gets ActivityDoesNotExist.

    Raises:
        InvalidArnError: it is not an activity ARN.
    """
    text = _arn_text(arn)
    if find_activity(activities.store, text) is not None:
        activities.store.delete_activity(activity_name(text))
    return {}


def list_activities(activities: Activities, max_results: int = 0, next_token: str | None = None) -> dict[str, Any]:
    """ListActivities: `{"activities": [...], "nextToken"?}` in name order.

    Raises:
        InvalidInputError: `max_results` is out of range.
        InvalidTokenError: `next_token` is not a token this call gave out.
    """
    limit = max_results or DEFAULT_PAGE_SIZE
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError("maxResults", f"must be between 0 and {MAX_PAGE_SIZE}")
    records, more = activities.store.list_activities(limit, _after(next_token) if next_token else None)
    answer: dict[str, Any] = {"activities": [record.to_dict() for record in records]}
    if more and records:
        answer["nextToken"] = _page_token(records[-1].name)
    return answer


def _arn_text(arn: object) -> str:
    if not isinstance(arn, str):
        raise InvalidArnError(f"Invalid Arn: '{arn}'")
    return arn


def _page_token(after: str) -> str:
    raw = json.dumps({"after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(token: str) -> str:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        decoded = None
    after = decoded.get("after") if isinstance(decoded, dict) else None
    if not isinstance(after, str):
        raise InvalidTokenError(f"Invalid Token: '{token}' is not a nextToken of ListActivities")
    return after
