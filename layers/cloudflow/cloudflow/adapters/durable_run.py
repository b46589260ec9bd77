"""`cloudflow run --durable`: one flow through the durable runtime (handlers, DynamoDB, SQS, Scheduler,
S3) on in-process moto, pumped on a virtual clock. The same answer as the pure engine, by another road.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudflow.adapters.local_aws import prepare_local_environment
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.runner import RunResult
from cloudflow.local.task_outcome import TaskResolver
from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock


def run_durable(
    definition: str, flow: str, name: str, execution_input: Any, start_ms: int, seed: str,
    tasks: TaskResolver | None = None, mock_config: MockConfig | None = None, test_case: str | None = None,
    callback_timeout_seconds: int | None = None,
) -> RunResult:
    """Start the flow on a fresh local stack, pump it to its end, and describe how it ended."""
    import boto3
    from moto import mock_aws

    from cloudflow.adapters.local_pump import LocalRuntime
    from cloudflow.runtime.describe import describe_execution, execution_history

    prepare_local_environment()
    with mock_aws():
        local = LocalRuntime(boto3.session.Session(), VirtualClock(start_ms), SeededSecrets(seed), tasks=tasks,
                             mock_config=mock_config, project=_project(),
                             callback_timeout_seconds=callback_timeout_seconds)
        request: dict[str, Any] = {"flow": flow, "definition": definition, "name": name, "input": execution_input}
        if test_case:
            request["testCase"] = test_case
        answer = local.invoke("start", request)
        if "error" in answer:
            from cloudflow.errors import InvalidInputError

            raise InvalidInputError(answer.get("fields", [{}])[0].get("field", "start"), answer["message"])
        local.pump()
        arn = answer["executionArn"]
        described = describe_execution(local.runtime, arn)
        output = json.loads(described["output"]) if "output" in described else None
        return RunResult(described["status"], output, described.get("error"), described.get("cause"),
                         described["transitions"], execution_history(local.runtime, arn), start_ms,
                         local.clock.now_ms(), arn)


def _project() -> Path:
    from cloudflow.adapters.local_pump import find_project

    return find_project()
