"""A deployed runtime (built from the functions' CLOUDFLOW_* environment) answers tasks with every
integration: Lambda, HTTP and any AWS API, on moto here."""

from __future__ import annotations

from typing import Any

from cloudflow.adapters.wiring import runtime_from_env
from cloudflow.core.commands import InvokeTask
from cloudflow.local.task_outcome import TaskReturned, TaskThrew

ENV = {"CLOUDFLOW_TABLE": "t", "CLOUDFLOW_STEP_QUEUE_URL": "q", "CLOUDFLOW_TIMER_QUEUE_URL": "q",
       "CLOUDFLOW_PAYLOAD_BUCKET": "b", "AWS_REGION": "us-east-1", "CLOUDFLOW_CALLBACK_TIMEOUT_SECONDS": "3600"}


def _task(resource: str, parameters: Any) -> InvokeTask:
    return InvokeTask("tok", resource, parameters, "request-response", "S", "r", 0, None, None)


def test_the_deployed_runtime_reaches_aws_apis_lambda_and_http(aws: Any) -> None:
    rt = runtime_from_env(ENV, session=aws)
    assert rt.settings.callback_timeout_seconds == 3600
    assert rt.tasks is not None
    aws.client("sqs", region_name="us-east-1").create_queue(QueueName="orders")
    listed = rt.tasks.resolve(_task("arn:aws:states:::aws-sdk:sqs:listQueues", {}))
    assert isinstance(listed, TaskReturned) and listed.output["QueueUrls"][0].endswith("/orders")
    missing = rt.tasks.resolve(_task("arn:aws:states:::lambda:invoke", {"FunctionName": "nobody"}))
    assert isinstance(missing, TaskThrew) and missing.error == "Lambda.ResourceNotFoundException"
    refused = rt.tasks.resolve(_task("arn:aws:states:::http:invoke", {"ApiEndpoint": "http://127.0.0.1:9/x",
                                                                     "Method": "GET"}))
    assert isinstance(refused, TaskThrew) and "http:invoke needs Authentication.ConnectionArn" in str(refused.cause)
    assert rt.tasks.resolve(_task("arn:aws:states:us-east-1:123456789012:activity:nobody", {})) is None
