"""Helpers for engine tests: build a machine, answer tasks from a script, run to the end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudflow.asl.model import build_state_machine
from cloudflow.core.commands import InvokeTask
from cloudflow.local.runner import RunResult, execution_info, run_to_end
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew

START_MS = 1_700_000_000_000  # 2023-11-14T22:13:20Z

Answer = TaskOutcome | Callable[[InvokeTask], TaskOutcome]


class ScriptedTasks:
    """Answers tasks by state name from a list (one answer per attempt; the last one repeats)."""

    def __init__(self, script: dict[str, list[Answer]] | None = None) -> None:
        self.script = script or {}
        self.calls: list[InvokeTask] = []

    def resolve(self, invocation: InvokeTask) -> TaskOutcome:
        self.calls.append(invocation)
        answers = self.script.get(invocation.state_name)
        if not answers:
            return TaskReturned({"echo": invocation.parameters})
        seen = sum(1 for c in self.calls if c.state_name == invocation.state_name) - 1
        answer = answers[min(seen, len(answers) - 1)]
        return answer(invocation) if callable(answer) else answer


def states(**named: dict[str, Any]) -> dict[str, Any]:
    """A definition whose StartAt is the first state given."""
    return {"StartAt": next(iter(named)), "States": named}


def run(
    definition: dict[str, Any], execution_input: Any = None, tasks: ScriptedTasks | None = None,
    seed: str = "test-seed",
) -> RunResult:
    """Run `definition` to its end on the virtual clock from START_MS."""
    machine = build_state_machine(definition)
    info = execution_info("TestFlow", "test-execution", {} if execution_input is None else execution_input,
                          START_MS)
    return run_to_end(machine, info, tasks or ScriptedTasks(), seed=seed)


__all__ = ["START_MS", "NoAnswer", "ScriptedTasks", "TaskReturned", "TaskThrew", "run", "states"]
