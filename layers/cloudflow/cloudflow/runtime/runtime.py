"""The runtime's wiring: its ports, its settings and the flow-version cache, in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudflow.asl.model import StateMachine
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.task_outcome import TaskResolver
from cloudflow.ports import (
    Clock,
    ExecutionStore,
    PayloadStore,
    Scheduler,
    SearchDeclaration,
    SecretSource,
    WorkQueue,
)
from cloudflow.runtime.codec import BlobCodec

MAX_QUEUE_DELAY_SECONDS = 900
"""SQS delays a message at most 15 minutes; longer wake-ups are Scheduler schedules."""

INLINE_FAN_OUT = 10
"""Step Functions runs at most 40 iterations of an inline Map at once; ten keeps one step's work (its
children's task calls, side by side) and its record small, and covers the common few-branch case."""


@dataclass(frozen=True)
class Settings:
    """Where the runtime runs and how long it keeps what."""

    region: str = "us-east-1"
    account: str = "123456789012"
    history_retention_days: int = 90
    # False in the local runtime: its pump holds timer messages until their (virtual) due time.
    queue_delays: bool = True
    role_arn: str = ""
    # Callback tasks without TimeoutSeconds time out after this (None: never, as in Step Functions).
    callback_timeout_seconds: int | None = None
    # A Parallel or Map with at most this many children (and small inputs) runs them inside its own unit's
    # steps rather than as units of their own (core.states.fan_out_mode); 0 fans every one out.
    inline_fan_out: int = INLINE_FAN_OUT
    # Request-response tasks invoked together (an in-process Parallel's branches) are called this many at
    # a time (runtime.in_step_tasks). The local runtime calls them one by one: its runs stay reproducible.
    concurrent_task_calls: int = 1


@dataclass
class Runtime:
    """Everything a runtime service needs. `tasks` answers task invocations in the step (or None)."""

    store: ExecutionStore
    queue: WorkQueue
    scheduler: Scheduler
    payloads: PayloadStore
    clock: Clock
    secrets: SecretSource
    settings: Settings = field(default_factory=Settings)
    tasks: TaskResolver | None = None
    # Step Functions Local mock config; an execution started with a test case is answered from it.
    mock_config: MockConfig | None = None
    # Test hook: called with a point name ("before-page", "before-record", "after-record",
    # "mid-dispatch"); raising there simulates a crash of the step handler at that point.
    fault: Any = None
    machines: dict[tuple[str, str], StateMachine] = field(default_factory=dict)
    mock_configs: dict[str, MockConfig] = field(default_factory=dict)
    # What children need of their parent unit (identity, seed, fan-out mode), by (execution, unit, version): the
    # 10,000 children of one Map decode their parent's snapshot once per process, not 10,000 times.
    parents: dict[tuple[str, str, int], tuple[Any, str, int]] = field(default_factory=dict)
    # Each flow's searchable fields and tag keys as last read, and when (time.monotonic): see runtime.search_index.
    search_declarations: dict[str, tuple[float, SearchDeclaration]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.codec = BlobCodec(self.payloads)

    def crash_point(self, name: str) -> None:
        """Give the fault hook its chance to simulate a crash here."""
        if self.fault is not None:
            self.fault(name)
