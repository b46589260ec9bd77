"""The local runtime: the real handlers and services in one process, on moto, with a pump.

Moto stores what SQS and Scheduler hold but delivers nothing, so the pump plays Lambda's event
source mappings and Scheduler: it hands step-queue batches to the step handler (re-offering what
a batch reports as failed, as a visibility timeout would), holds timer-queue messages until their
due time and then hands them to the step handler too (it consumes that queue), fires due one-time
schedules and deletes them. When nothing is due it moves the virtual clock to the next wake-up, so a
30-day Wait completes at once. With triggers (`with_triggers`), it also fires the flows' trigger
schedules as Scheduler would (see `local_triggers`); their fires are wake-ups too, so a pump that moves
the clock runs for ever while a recurring one is ENABLED.
"""

from __future__ import annotations

import heapq
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from cloudflow.adapters.dynamodb_store import DynamoDbExecutionStore
from cloudflow.adapters.local_triggers import LocalTriggers
from cloudflow.adapters.s3_payloads import S3PayloadStore
from cloudflow.adapters.scheduler_timers import EventBridgeScheduler
from cloudflow.adapters.sqs_queue import SqsWorkQueue
from cloudflow.adapters.template_resources import StackResources, create_stack_resources
from cloudflow.adapters.wiring import install_runtime
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.task_outcome import TaskResolver
from cloudflow.local.virtual_clock import VirtualClock
from cloudflow.ports import SecretSource
from cloudflow.runtime.messages import decode_message
from cloudflow.runtime.runtime import INLINE_FAN_OUT, Runtime, Settings

HANDLERS = ("start", "step", "callback", "timer", "stop", "activities", "api")
MAX_RECEIVES = 5  # the template's maxReceiveCount: then the message would go to the dead-letter queue
ACCOUNT = "123456789012"

# What template.yaml's Globals set for every function, minus X-Ray (there is no daemon locally).
LOCAL_FUNCTION_ENV = {
    "POWERTOOLS_SERVICE_NAME": "cloudflow", "POWERTOOLS_METRICS_NAMESPACE": "CloudFlow",
    "POWERTOOLS_TRACE_DISABLED": "1", "LOG_LEVEL": "WARNING",
}


def find_project(start: Path | None = None) -> Path:
    """The project root: the nearest folder holding template.yaml and functions/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "template.yaml").is_file() and (folder / "functions").is_dir():
            return folder
    return Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class LocalLambdaContext:
    """The Lambda context attributes Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = "local"
    log_group_name: str = "local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class DeadLetterError(RuntimeError):
    """A step or timer message failed MAX_RECEIVES times: in the cloud it would sit in a dead-letter queue."""


@dataclass
class PumpReport:
    """What one pump run delivered."""

    step_batches: int = 0
    step_messages: int = 0
    timer_fires: int = 0
    schedule_fires: int = 0
    trigger_fires: int = 0


class LocalRuntime:
    """The runtime on moto (in process or over HTTP) with its handlers and a pump on a virtual clock."""

    def __init__(
        self, session: Any, clock: VirtualClock, secrets: SecretSource, project: Path | None = None,
        tasks: TaskResolver | None = None, mock_config: MockConfig | None = None, region: str = "us-east-1",
        stack: str = "cloudflow-local", fault: Any = None, duplicate_deliveries: bool = False,
        callback_timeout_seconds: int | None = None, with_triggers: bool = False,
        inline_fan_out: int = INLINE_FAN_OUT, concurrent_task_calls: int = 1,
    ) -> None:
        self.project = project or find_project()
        # At-least-once made visible: every step batch, timer message and schedule is delivered twice.
        self.duplicate_deliveries = duplicate_deliveries
        self.clock = clock
        self.region = region
        self.resources: StackResources = create_stack_resources(session, self.project / "template.yaml", stack,
                                                                region)
        self._sqs = session.client("sqs", region_name=region)
        self._scheduler = session.client("scheduler", region_name=region)
        timer_arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{stack}-timer"
        self.runtime = Runtime(
            store=DynamoDbExecutionStore(session.client("dynamodb", region_name=region), self.resources.table),
            queue=SqsWorkQueue(session.client("sqs", region_name=region), self.resources.step_queue_url,
                               self.resources.timer_queue_url),
            scheduler=EventBridgeScheduler(session.client("scheduler", region_name=region),
                                           self.resources.schedule_group, timer_arn,
                                           f"arn:aws:iam::{ACCOUNT}:role/{stack}-scheduler"),
            payloads=S3PayloadStore(session.client("s3", region_name=region), self.resources.bucket),
            clock=clock, secrets=secrets, settings=Settings(region=region, account=ACCOUNT, queue_delays=False,
                                                              callback_timeout_seconds=callback_timeout_seconds,
                                                              inline_fan_out=inline_fan_out,
                                                              concurrent_task_calls=concurrent_task_calls),
            tasks=tasks, mock_config=mock_config, fault=fault,
        )
        for key, value in {**LOCAL_FUNCTION_ENV, **self.resources.environment()}.items():
            os.environ.setdefault(key, value)
        install_runtime(self.runtime)
        self._handlers = {name: _load_handler(self.project, name) for name in HANDLERS}
        # Rules and schedules that start flows, managed through the API, delivered by the pump and the bus.
        self.triggers: LocalTriggers | None = None
        if with_triggers:
            self.triggers = LocalTriggers.create(session, stack, region, ACCOUNT, clock,
                                                 lambda payload: self.invoke("start", payload),
                                                 duplicate_deliveries=duplicate_deliveries)
            management = self.triggers.management
            self._handlers["api"].services.triggers = lambda: management
        self._held: list[tuple[int, int, str]] = []  # timer-queue bodies waiting for their due time
        self._timer_receives: dict[str, int] = {}  # how often a failing timer-queue body was delivered
        self._serial = 0
        self.dead_letters: list[str] = []

    # --- invoking handlers ---------------------------------------------------------------------

    def invoke(self, name: str, event: Any) -> Any:
        """Invoke one handler as Lambda would, with `event`."""
        install_runtime(self.runtime)  # several local runtimes may live in one process (tests)
        return self._handlers[name].lambda_handler(event, LocalLambdaContext(f"cloudflow-local-{name}"))

    def handler_module(self, name: str) -> ModuleType:
        """The loaded module of one handler (functions/<name>/app.py)."""
        return self._handlers[name]

    # --- the pump ------------------------------------------------------------------------------

    def pump(self, max_rounds: int = 1_000_000) -> PumpReport:
        """Deliver messages and fire wake-ups until nothing is left that could ever happen."""
        report = PumpReport()
        for _ in range(max_rounds):
            if self.deliver_ready(report):
                continue
            upcoming = self.next_due()
            if upcoming is None:
                return report
            self.clock.advance_to(upcoming)
        raise RuntimeError(f"the pump was still busy after {max_rounds} rounds")

    def deliver_ready(self, report: PumpReport) -> bool:
        """One round without moving the clock: deliver step messages, take in timer messages, fire what
        is due now. True when anything happened."""
        return (self._deliver_steps(report) or self._collect_timers() or self._fire_due(report)
                or self._fire_trigger(report))

    def next_due(self) -> int | None:
        """When the next held timer message or schedule is due (epoch ms), None when none is."""
        return self._next_due()

    def _deliver_steps(self, report: PumpReport) -> bool:
        answer = self._sqs.receive_message(QueueUrl=self.resources.step_queue_url, MaxNumberOfMessages=10,
                                           AttributeNames=["All"])
        messages = answer.get("Messages", [])
        if not messages:
            return False
        event = {"Records": [self._sqs_record(m, self.resources.step_queue_url) for m in messages]}
        failed = self._invoke_step(event)
        if self.duplicate_deliveries:
            self._invoke_step(event)
        report.step_batches += 1
        report.step_messages += len(messages) - len(failed)
        for message in messages:
            if message["MessageId"] not in failed:
                self._sqs.delete_message(QueueUrl=self.resources.step_queue_url,
                                         ReceiptHandle=message["ReceiptHandle"])
            elif int(message["Attributes"].get("ApproximateReceiveCount", "1")) >= MAX_RECEIVES:
                self.dead_letters.append(message["Body"])
                self._sqs.delete_message(QueueUrl=self.resources.step_queue_url,
                                         ReceiptHandle=message["ReceiptHandle"])
                raise DeadLetterError(f"step message failed {MAX_RECEIVES} times: {message['Body'][:300]}")
            else:  # offer it again now, as the visibility timeout would later
                self._sqs.change_message_visibility(QueueUrl=self.resources.step_queue_url,
                                                    ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        return True

    def _invoke_step(self, event: dict[str, Any]) -> set[str]:
        """The ids of the records to offer again. An invocation that raises (Powertools raises when
        every record failed) returns the whole batch, as Lambda's SQS event source does."""
        try:
            result = self.invoke("step", event) or {}
        except Exception:
            return {record["messageId"] for record in event["Records"]}
        return {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}

    def _collect_timers(self) -> bool:
        answer = self._sqs.receive_message(QueueUrl=self.resources.timer_queue_url, MaxNumberOfMessages=10)
        messages = answer.get("Messages", [])
        for message in messages:
            due = decode_message(message["Body"], self.runtime.codec).due_ms or 0
            self._serial += 1
            heapq.heappush(self._held, (due, self._serial, message["Body"]))
            self._sqs.delete_message(QueueUrl=self.resources.timer_queue_url, ReceiptHandle=message["ReceiptHandle"])
        return bool(messages)

    def _fire_due(self, report: PumpReport) -> bool:
        now = self.clock.now_ms()
        bodies: list[str] = []
        while self._held and self._held[0][0] <= now and len(bodies) < 10:
            bodies.append(heapq.heappop(self._held)[2])
        if bodies:
            records = [self._sqs_record({"MessageId": f"timer-{i}", "ReceiptHandle": "local", "Body": body,
                                         "Attributes": {}}, self.resources.timer_queue_url)
                       for i, body in enumerate(bodies)]
            failed = self._invoke_step({"Records": records})  # the step handler consumes the timer queue too
            if self.duplicate_deliveries:
                failed |= self._invoke_step({"Records": records})
            report.timer_fires += len(bodies) - len(failed)
            for index, body in enumerate(bodies):
                if f"timer-{index}" in failed:
                    self._offer_timer_again(body, now)
            return True
        for name, due, payload in self._schedules():
            if due <= now:
                self.invoke("timer", json.loads(payload))
                if self.duplicate_deliveries:
                    self.invoke("timer", json.loads(payload))
                self._scheduler.delete_schedule(Name=name, GroupName=self.resources.schedule_group)
                report.schedule_fires += 1
                return True
        return False

    def _offer_timer_again(self, body: str, now: int) -> None:
        """A wake-up whose step failed comes back, as its message would after the visibility timeout."""
        receives = self._timer_receives.get(body, 1)
        if receives >= MAX_RECEIVES:
            self.dead_letters.append(body)
            raise DeadLetterError(f"timer message failed {MAX_RECEIVES} times: {body[:300]}")
        self._timer_receives[body] = receives + 1
        self._serial += 1
        heapq.heappush(self._held, (now, self._serial, body))

    def _schedules(self) -> list[tuple[str, int, str]]:
        found = []
        pages = self._scheduler.get_paginator("list_schedules").paginate(GroupName=self.resources.schedule_group)
        for page in pages:
            for summary in page.get("Schedules", []):
                schedule = self._scheduler.get_schedule(Name=summary["Name"], GroupName=self.resources.schedule_group)
                at = schedule["ScheduleExpression"].removeprefix("at(").removesuffix(")")
                due = int(datetime.strptime(at, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp() * 1000)
                found.append((summary["Name"], due, schedule["Target"]["Input"]))
        return sorted(found, key=lambda entry: entry[1])

    def _next_due(self) -> int | None:
        candidates = [self._held[0][0]] if self._held else []
        schedules = self._schedules()
        if schedules:
            candidates.append(schedules[0][1])
        trigger = self.triggers.schedules.next_due() if self.triggers is not None else None
        if trigger is not None:
            candidates.append(trigger)
        return min(candidates) if candidates else None

    def _fire_trigger(self, report: PumpReport) -> bool:
        if self.triggers is None or not self.triggers.schedules.fire_next_due():
            return False
        report.trigger_fires += 1
        return True

    def _sqs_record(self, message: dict[str, Any], queue_url: str) -> dict[str, Any]:
        name = queue_url.rsplit("/", 1)[-1]
        return {
            "messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"], "body": message["Body"],
            "attributes": message.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": "",
            "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:{self.region}:{ACCOUNT}:{name}",
            "awsRegion": self.region,
        }


def _load_handler(project: Path, name: str) -> ModuleType:
    path = project / "functions" / name / "app.py"
    spec = importlib.util.spec_from_file_location(f"cloudflow_function_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as a real import does; pydantic resolves annotations through it
    spec.loader.exec_module(module)
    return module
