"""Static validation of an ASL definition: every problem, each with a code and a JSON pointer."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation.json_values import check_plain_json
from cloudflow.asl.validation.machine import MachineWalk
from cloudflow.asl.validation.report import Report
from cloudflow.errors import Diagnostic


def validate_definition(raw: Any) -> list[Diagnostic]:
    """Every problem of the definition `raw` (parsed JSON); an empty list means it is valid. Never raises."""
    report = Report()
    if check_plain_json(raw, report):
        MachineWalk(report).check_root(raw)
    return report.diagnostics
