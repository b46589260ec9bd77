"""What one `advance` call decided: the next snapshot, commands, history and metered transitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudflow.core.commands import Command
from cloudflow.core.snapshot import ExecutionSnapshot


@dataclass(frozen=True)
class Decision:
    """The outcome of one event. `applied` is False when the event was stale or a duplicate."""

    snapshot: ExecutionSnapshot
    commands: list[Command] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    transitions: int = 0
    applied: bool = True
