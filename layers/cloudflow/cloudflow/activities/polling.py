"""GetActivityTask: a worker claims the oldest pending task of an activity, waiting up to 60 s for one.

Claiming is one conditional delete in the store, so two workers polling at once never get the same task.
Between empty looks the poll backs off (50 ms doubling to 1 s); time and sleep come from a `PollTimer`,
so tests need not wait. The answer is `{"taskToken", "input"}`, or `{}` when nothing came in time (Step
Functions answers an empty token then).

A pending task may be stale: its execution ended, the task timed out, or it was answered. With a
`liveness` check (`runtime_liveness`), such tasks are dropped instead of handed out. The runtime queues a
task after its step committed (from the dispatch), so the execution knows every live token; a token it
does not know (yet) and that is only moments old is left for a later poll rather than dropped, so a
worker never gets a token that SendTask* would refuse, nor loses one to a race.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

from cloudflow.activities.registry import (
    ActivityDoesNotExistError,
    ActivityStore,
    PendingActivityTask,
    activity_name,
    find_activity,
)
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import InvalidInputError, InvalidTokenError
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.tokens import decode_token

MAX_WAIT_SECONDS = 60.0
MAX_WORKER_NAME_LENGTH = 80
FIRST_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 1.0
PAGE_SIZE = 25
MAX_PAGES = 4
UNCOMMITTED_GRACE_MS = 5 * 60_000
"""How long a task its execution does not know is given before it is dropped (clock skew between hosts,
and a step that queued it before committing)."""


class Liveness(Enum):
    """What a pending task's execution says of it."""

    LIVE = "live"  # the execution waits for this token: hand it out
    NOT_YET = "not-yet"  # unknown to its execution, but only just queued: leave it for a later poll
    GONE = "gone"  # answered, timed out or its execution ended: drop it


class PollTimer(Protocol):
    """Where a long poll reads the time and waits."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait (at most) this long."""
        ...


class RealTime:
    """The host's monotonic clock; `sleep` waits on `stop`, so setting it cuts a long poll short."""

    def __init__(self, stop: threading.Event | None = None) -> None:
        self.stop = stop or threading.Event()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.stop.wait(seconds)


def get_activity_task(
    store: ActivityStore, activity_arn: str, worker_name: str | None = None, wait_seconds: float = MAX_WAIT_SECONDS,
    *, timer: PollTimer | None = None, liveness: Callable[[PendingActivityTask], Liveness] | None = None,
) -> dict[str, Any]:
    """GetActivityTask: the oldest pending task of the activity, claimed for this worker, or `{}` after
    `wait_seconds` (at most 60) without one.

    `worker_name` is checked as Step Functions checks it (at most 80 characters); the history does not
    record it (the engine records ActivityStarted when it schedules the task).

    Raises:
        InvalidArnError: `activity_arn` is not an activity ARN.
        ActivityDoesNotExistError: no activity has this ARN.
        InvalidInputError: `worker_name` is too long.
    """
    name = activity_name(activity_arn)
    if find_activity(store, activity_arn) is None:
        raise ActivityDoesNotExistError(f"Activity Does Not Exist: '{activity_arn}'")
    if worker_name is not None and len(worker_name) > MAX_WORKER_NAME_LENGTH:
        raise InvalidInputError("workerName", f"must be at most {MAX_WORKER_NAME_LENGTH} characters")
    timer = timer or RealTime()
    deadline = timer.monotonic() + min(max(wait_seconds, 0.0), MAX_WAIT_SECONDS)
    backoff = FIRST_BACKOFF_SECONDS
    while True:
        task = claim_oldest(store, name, liveness)
        if task is not None:
            return {"taskToken": task.token, "input": task.input}
        remaining = deadline - timer.monotonic()
        if remaining <= 0:
            return {}
        timer.sleep(min(backoff, remaining))
        backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def claim_oldest(store: ActivityStore, activity: str,
                 liveness: Callable[[PendingActivityTask], Liveness] | None = None) -> PendingActivityTask | None:
    """Claim the oldest live pending task of the activity (dropping the gone ones), or None."""
    after: int | None = None
    for _ in range(MAX_PAGES):
        page = store.oldest_tasks(activity, PAGE_SIZE, after)
        for task in page:
            verdict = liveness(task) if liveness is not None else Liveness.LIVE
            if verdict is Liveness.GONE:
                store.remove_task(task)
            elif verdict is Liveness.LIVE and store.remove_task(task):
                return task  # a False here: another worker claimed it first, try the next one
        if len(page) < PAGE_SIZE:
            return None
        after = page[-1].sequence
    return None


def runtime_liveness(rt: Runtime, grace_ms: int = UNCOMMITTED_GRACE_MS) -> Callable[[PendingActivityTask], Liveness]:
    """Whether the runtime's execution still waits for a pending task (read strongly consistent)."""

    def check(task: PendingActivityTask) -> Liveness:
        try:
            parts = decode_token(task.token)
        except InvalidTokenError:
            return Liveness.GONE
        young = rt.clock.now_ms() - task.enqueued_ms < grace_ms
        record = rt.store.get_unit(parts.execution_id, parts.unit)
        if record is None:  # a child unit's first step may not have committed yet
            return Liveness.NOT_YET if young else Liveness.GONE
        if record.status != ExecutionStatus.RUNNING.value:
            return Liveness.GONE
        if task.token in rt.codec.decode_snapshot(record.snapshot).tasks:
            return Liveness.LIVE
        return Liveness.NOT_YET if young else Liveness.GONE

    return check
