"""The task integrations of a deployed runtime, in the order they are asked: Lambda, HTTP endpoints, then
any AWS API (aws-sdk and the optimized integrations). Child flows are the runtime's own (ChildFlowResolver)."""

from __future__ import annotations

from typing import Any

from cloudflow.adapters.aws_sdk_invoker import AwsSdkTaskResolver
from cloudflow.adapters.http_invoker import HttpTaskResolver
from cloudflow.adapters.lambda_invoker import Boto3LambdaInvoker
from cloudflow.integrations.lambda_resolver import LambdaTaskResolver
from cloudflow.local.resolver_chain import FirstAnswer
from cloudflow.local.task_outcome import TaskResolver


def aws_task_integrations(session: Any, region: str, *extra: TaskResolver) -> FirstAnswer:
    """Every integration that reaches AWS or the network through `session` (boto3); `extra` come after."""
    return FirstAnswer([
        LambdaTaskResolver(Boto3LambdaInvoker(session.client("lambda", region_name=region))),
        HttpTaskResolver(session),
        AwsSdkTaskResolver(session),
        *extra,
    ])
