"""Build the runtime from the environment the template gives every function (CLOUDFLOW_*)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import boto3

from cloudflow.activities.dispatch import ActivityTaskResolver
from cloudflow.adapters.dynamodb_activities import ambient_activities
from cloudflow.adapters.dynamodb_store import DynamoDbExecutionStore
from cloudflow.adapters.s3_payloads import S3PayloadStore
from cloudflow.adapters.scheduler_timers import EventBridgeScheduler
from cloudflow.adapters.sqs_queue import SqsWorkQueue
from cloudflow.adapters.system import SystemClock, SystemSecrets
from cloudflow.adapters.task_integrations import aws_task_integrations
from cloudflow.local.mock_config import MockConfig
from cloudflow.ports import Clock, SecretSource
from cloudflow.runtime.runtime import INLINE_FAN_OUT, Runtime, Settings

_cached: Runtime | None = None


def runtime_from_env(
    env: Mapping[str, str] | None = None, session: Any = None, clock: Clock | None = None,
    secrets: SecretSource | None = None, settings: Settings | None = None,
) -> Runtime:
    """A runtime on the AWS resources named by CLOUDFLOW_* variables (boto3 clients from `session`)."""
    env = os.environ if env is None else env
    session = session or boto3.session.Session()
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    mock_path = env.get("CLOUDFLOW_MOCK_CONFIG")
    retention_days = int(env.get("CLOUDFLOW_HISTORY_RETENTION_DAYS", "90"))
    callback_timeout = int(env.get("CLOUDFLOW_CALLBACK_TIMEOUT_SECONDS") or "0") or None
    inline_fan_out = int(env.get("CLOUDFLOW_INLINE_FAN_OUT") or INLINE_FAN_OUT)
    # Every child of the largest in-process fan-out gets its task called at once.
    concurrent_task_calls = int(env.get("CLOUDFLOW_CONCURRENT_TASK_CALLS") or max(inline_fan_out, 1))
    return Runtime(
        store=DynamoDbExecutionStore(session.client("dynamodb", region_name=region), env["CLOUDFLOW_TABLE"],
                                     retention_days),
        queue=SqsWorkQueue(session.client("sqs", region_name=region), env["CLOUDFLOW_STEP_QUEUE_URL"],
                           env["CLOUDFLOW_TIMER_QUEUE_URL"]),
        scheduler=EventBridgeScheduler(session.client("scheduler", region_name=region),
                                       env.get("CLOUDFLOW_SCHEDULE_GROUP", ""),
                                       env.get("CLOUDFLOW_TIMER_FUNCTION_ARN", ""),
                                       env.get("CLOUDFLOW_SCHEDULER_ROLE_ARN", "")),
        payloads=S3PayloadStore(session.client("s3", region_name=region), env["CLOUDFLOW_PAYLOAD_BUCKET"]),
        clock=clock or SystemClock(),
        secrets=secrets or SystemSecrets(),
        settings=settings or Settings(
            region=region, account=env.get("CLOUDFLOW_ACCOUNT_ID", "123456789012"),
            history_retention_days=retention_days, callback_timeout_seconds=callback_timeout,
            inline_fan_out=inline_fan_out, concurrent_task_calls=concurrent_task_calls,
        ),
        # Tasks call Lambda, HTTP endpoints and AWS APIs, or queue for activity workers; executions started
        # with a mock test case are answered from the mock config first.
        tasks=aws_task_integrations(session, region, ActivityTaskResolver(ambient_activities)),
        mock_config=MockConfig.from_file(mock_path) if mock_path else None,
    )


def shared_runtime() -> Runtime:
    """The process-wide runtime of a Lambda handler, built on first use (clients are reused warm)."""
    global _cached
    if _cached is None:
        _cached = runtime_from_env()
    return _cached


def install_runtime(runtime: Runtime | None) -> None:
    """Make `runtime` the one handlers use (the local runtime and tests); None rebuilds from env."""
    global _cached
    _cached = runtime
