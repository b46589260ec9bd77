"""What one step of one unit is working on: its record, snapshot, flow, and what it produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudflow.asl.model import StateMachine
from cloudflow.core.snapshot import ExecutionSnapshot
from cloudflow.ports import HistoryPage, UnitRecord

MOCK_CALLS = "mock_calls"
"""A root record's attribute: the mocked calls of each top-level state so far (an execution with a test case)."""


@dataclass
class StepContext:
    """A unit loaded for a step; `page` is its history page once committed (None if nothing recorded)."""

    record: UnitRecord
    snapshot: ExecutionSnapshot
    machine: StateMachine
    now_ms: int
    commands: list[Any] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    transitions: int = 0
    page: HistoryPage | None = None
    # Mocked calls per top-level state so far (task_answers.mock_resolver): read from the record, written back
    # with the step's commit. None: the execution counts them elsewhere (it has no test case, or it started
    # before counts were kept on the record).
    mock_calls: dict[str, int] | None = None

    def __post_init__(self) -> None:
        stored = self.record.attrs.get(MOCK_CALLS)
        if stored is not None:
            self.mock_calls = {str(state): int(count) for state, count in stored.items()}

    @property
    def execution_id(self) -> str:
        return self.record.execution_id

    @property
    def unit(self) -> str:
        return self.record.unit

    @property
    def flow(self) -> str:
        return str(self.record.attrs["flow"])
