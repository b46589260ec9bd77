"""A deployed runtime (built from the functions' CLOUDFLOW_* environment) answers tasks with every
integration: Lambda, HTTP and any AWS API, on moto here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloudflow.adapters.template_resources import create_stack_resources
from cloudflow.adapters.wiring import install_runtime, runtime_from_env
from cloudflow.core.commands import InvokeTask
from cloudflow.local.task_outcome import TaskReturned, TaskThrew

REPO = Path(__file__).resolve().parents[2]
ENV = {"AWS_REGION": "us-east-1", "CLOUDFLOW_CALLBACK_TIMEOUT_SECONDS": "3600"}


def _task(resource: str, parameters: Any) -> InvokeTask:
    return InvokeTask("tok", resource, parameters, "request-response", "S", "r", 0, None, None)


def test_the_deployed_runtime_reaches_aws_apis_lambda_and_http(aws: Any) -> None:
    stack = create_stack_resources(aws, REPO / "template.yaml", "wiring")
    rt = runtime_from_env({**ENV, **stack.environment()}, session=aws)
    assert rt.settings.callback_timeout_seconds == 3600
    assert rt.tasks is not None
    aws.client("sqs", region_name="us-east-1").create_queue(QueueName="orders")
    listed = rt.tasks.resolve(_task("arn:aws:states:::aws-sdk:sqs:listQueues", {}))
    assert isinstance(listed, TaskReturned) and any(url.endswith("/orders") for url in listed.output["QueueUrls"])
    missing = rt.tasks.resolve(_task("arn:aws:states:::lambda:invoke", {"FunctionName": "nobody"}))
    assert isinstance(missing, TaskThrew) and missing.error == "Lambda.ResourceNotFoundException"
    refused = rt.tasks.resolve(_task("arn:aws:states:::http:invoke", {"ApiEndpoint": "http://127.0.0.1:9/x",
                                                                     "Method": "GET"}))
    assert isinstance(refused, TaskThrew) and "http:invoke needs Authentication.ConnectionArn" in str(refused.cause)
    # An activity that does not exist fails the execution as Step Functions does (States.Runtime).
    install_runtime(rt)
    try:
        unknown = rt.tasks.resolve(_task("arn:aws:states:us-east-1:123456789012:activity:nobody", {}))
    finally:
        install_runtime(None)
    assert isinstance(unknown, TaskThrew) and unknown.error == "States.Runtime" and "does not exist" in str(
        unknown.cause)
