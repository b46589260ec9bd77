"""The examples against a deployed stack found by its name (opt-in: `pytest --deployed -m deployed
--stack-name NAME`, with AWS credentials). Each example runs with its own mock config sent along with
the start, so no task integration is needed, and must end as the pure engine ends it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from cloudflow.cli import main

pytestmark = pytest.mark.deployed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = [("order", "HappyPath"), ("order", "PaymentGatewaySlow"), ("order", "OutOfStock"),
         ("image-pipeline", "HappyPath"), ("image-pipeline", "NoFace")]


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> dict[str, str]:
    """The stack's Outputs, by name."""
    import boto3

    name = request.config.getoption("--stack-name") or os.environ.get("CLOUDFLOW_STACK_NAME", "cloudflow")
    described = boto3.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def _invoke(function: str, payload: dict[str, Any]) -> Any:
    import boto3

    answer = boto3.client("lambda").invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    assert "FunctionError" not in answer, answer["Payload"].read()
    return json.loads(answer["Payload"].read())


def _describe(stack: dict[str, str], arn: str) -> dict[str, Any]:
    from cloudflow.adapters.wiring import runtime_from_env
    from cloudflow.runtime.describe import describe_execution

    runtime = runtime_from_env({
        "CLOUDFLOW_TABLE": stack["TableName"], "CLOUDFLOW_STEP_QUEUE_URL": stack["StepQueueUrl"],
        "CLOUDFLOW_TIMER_QUEUE_URL": stack["TimerQueueUrl"], "CLOUDFLOW_PAYLOAD_BUCKET": stack["PayloadBucketName"],
        "AWS_REGION": arn.split(":")[3]})
    return describe_execution(runtime, arn)


@pytest.mark.parametrize(("example", "test_case"), CASES)
def test_example_ends_on_the_stack_as_the_engine_ends_it(
    stack: dict[str, str], capsys: pytest.CaptureFixture[str], example: str, test_case: str
) -> None:
    folder = EXAMPLES / example
    mock_config = json.loads((folder / "mock-config.json").read_text())
    flow = next(iter(mock_config["StateMachines"]))
    started = _invoke(stack["StartFunctionName"], {
        "flow": flow, "definition": (folder / "flow.json").read_text(), "input": (folder / "input.json").read_text(),
        "testCase": test_case, "mockConfig": mock_config, "name": f"deployed-{test_case}-{int(time.time())}"})
    deadline = time.monotonic() + 120
    described = _describe(stack, started["executionArn"])
    while described["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(2)
        described = _describe(stack, started["executionArn"])
    main(["run", str(folder / "flow.json"), "--input", f"@{folder / 'input.json'}", "--mock-config",
          str(folder / "mock-config.json"), "--test-case", test_case, "--json"])
    pure = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (described["status"], described.get("error"), described["transitions"]) == (
        pure["status"], pure["error"], pure["transitions"])
