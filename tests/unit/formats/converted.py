"""Helpers for the CloudFlow format tests: write a definition as YAML, convert it, run it on the engine."""

from __future__ import annotations

import textwrap
from typing import Any

from cloudflow.asl.loader import load_state_machine, parse_definition_text
from cloudflow.formats import to_asl
from cloudflow.local.runner import RunResult, execution_info, run_to_end
from tests.unit.engine.flows import START_MS, ScriptedTasks, TaskReturned, TaskThrew

__all__ = ["START_MS", "ScriptedTasks", "TaskReturned", "TaskThrew", "convert", "document", "invoked",
           "problems_of", "run"]

FC_ARN = "acs:fc:cn-hangzhou:123456789012:functions/{name}/LATEST"


def document(yaml_text: str) -> Any:
    """A definition written as YAML, parsed as the loader parses files."""
    return parse_definition_text(textwrap.dedent(yaml_text))


def convert(yaml_text: str) -> dict[str, Any]:
    """The ASL of a definition that converts without problems."""
    asl, problems = to_asl(document(yaml_text))
    assert problems == [], "\n".join(str(p) for p in problems)
    return asl


def problems_of(yaml_text: str) -> dict[str, str]:
    """pointer -> code of every problem the conversion reports."""
    _, problems = to_asl(document(yaml_text))
    return {p.pointer: p.code for p in problems}


def run(yaml_text: str, execution_input: Any = None, tasks: ScriptedTasks | None = None) -> RunResult:
    """Convert (through the loader hook, which also validates the ASL) and run to the end."""
    convert(yaml_text)  # a readable failure when the conversion reports problems
    machine = load_state_machine(textwrap.dedent(yaml_text))
    info = execution_info("TestFlow", "test-execution", {} if execution_input is None else execution_input,
                          START_MS)
    return run_to_end(machine, info, tasks or ScriptedTasks(), seed="test-seed")


def invoked(payload: Any) -> TaskReturned:
    """What arn:aws:states:::lambda:invoke answers when the function returns `payload`."""
    return TaskReturned({"ExecutedVersion": "$LATEST", "StatusCode": 200, "Payload": payload})
