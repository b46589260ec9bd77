"""One metered run of bench/runtime.py: a workload (Case) on the local durable runtime in a fresh moto
account, its AWS requests counted by AwsMeter and its Lambda invocations timed (see bench/runtime.py's
docstring for what is counted and how)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import resource
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
_LAYER = PROJECT / "layers" / "cloudflow"
for _folder in (_LAYER, Path(__file__).resolve().parent):  # the engine layer; bench/engine.py
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import boto3  # noqa: E402
from aws_meter import AwsMeter, Usage  # noqa: E402
from moto import mock_aws  # noqa: E402

from cloudflow.adapters.local_pump import LocalRuntime  # noqa: E402
from cloudflow.local.mock_config import MockConfig  # noqa: E402
from cloudflow.local.python_tasks import load_python_tasks  # noqa: E402
from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock  # noqa: E402
from cloudflow.runtime.describe import describe_execution  # noqa: E402
from cloudflow.runtime.flows import publish_flow  # noqa: E402
from cloudflow.runtime.identity import ROOT_UNIT  # noqa: E402

REGION = "us-east-1"
START_MS = 1_700_000_000_000
MEMORY_SAMPLE = 10  # Map series: trace one in 10 child step batches (see _traced)


@dataclass(frozen=True)
class Case:
    """One execution to run and meter."""

    name: str
    flow: str
    definition: dict[str, Any]
    input: Any
    test_case: str | None = None
    mock_config: Path | None = None
    tasks: Path | None = None
    expected: tuple[str, str | None] = ("SUCCEEDED", None)
    map_items: int | None = None  # a Map series run: memory is traced


# --- Lambda invocations ----------------------------------------------------------------------------------------

@dataclass
class Invocation:
    kind: str  # start, step, step-timers, timer-schedule, ...
    seconds: float  # wall time, less the meter's own work
    aws_seconds: float
    round_trip_seconds: float
    peak_bytes: int | None = None


class CountingSink(io.TextIOBase):
    """Stands in for stdout: counts what the handlers print (EMF metric lines)."""

    def __init__(self) -> None:
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


def _traced(name: str, event: Any, count: int) -> bool:
    """Trace the start, every step batch holding a root-unit message (the Map's fan-out and its join), and
    one in MEMORY_SAMPLE of the other step batches (child iterations, all alike): tracing slows Python ~3x."""
    if name == "start":
        return True
    if name != "step":
        return False
    units = {json.loads(record["body"]).get("unit", ROOT_UNIT) for record in event.get("Records", [])}
    return ROOT_UNIT in units or count % MEMORY_SAMPLE == 0


def wrap_invoke(lr: LocalRuntime, meter: AwsMeter, trace_memory: bool) -> list[Invocation]:
    """Replace `lr.invoke` (which the pump calls too) by one that records every invocation."""
    invocations: list[Invocation] = []
    original = lr.invoke

    def invoke(name: str, event: Any) -> Any:
        before = copy.copy(meter.usage)
        traced = trace_memory and _traced(name, event, len(invocations))
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            return original(name, event)
        finally:
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] if traced else None
            if traced:
                tracemalloc.stop()
            usage = meter.usage
            kind = invocation_kind(name, event)
            invocations.append(Invocation(kind, seconds - (usage.own_seconds - before.own_seconds),
                                          usage.aws_seconds - before.aws_seconds,
                                          usage.round_trip_seconds - before.round_trip_seconds, peak))

    lr.invoke = invoke  # type: ignore[method-assign]
    return invocations


def invocation_kind(handler: str, event: Any) -> str:
    """start, step (a step-queue batch), step-timers (a timer-queue batch: the step handler consumes both
    queues), timer-schedule (a Scheduler fire), callback, ..."""
    if handler == "timer":
        return "timer-schedule"
    if handler == "step" and not str(event["Records"][0].get("eventSourceARN", "")).endswith(".fifo"):
        return "step-timers"
    return handler


# --- one run ---------------------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    status: str
    error: str | None
    expected: tuple[str, str | None]
    transitions: int
    wall_seconds: float
    usage: Usage
    invocations: list[Invocation]
    pump: dict[str, int]
    printed_bytes: int
    map_items: int | None = None
    maxrss_growth_mb: float | None = None
    executions: int = 1

    @property
    def as_expected(self) -> bool:
        return (self.status, self.error) == self.expected


def speed_up_moto_clock() -> None:
    """moto's SQS reads the clock through datetime arithmetic for every message of a queue on every request
    (is it visible, is it delayed), which makes a queue of 10,000 messages crawl: read the same clock faster.
    This changes how long moto takes, not what it answers."""
    from moto.core import utils
    from moto.sqs import models

    def unix_time(dt: Any = None) -> float:
        return time.time() if dt is None else utils.unix_time(dt)

    def unix_time_millis(dt: Any = None) -> float:
        return time.time() * 1000.0 if dt is None else utils.unix_time_millis(dt)

    if hasattr(models, "unix_time") and hasattr(models, "unix_time_millis"):
        models.unix_time, models.unix_time_millis = unix_time, unix_time_millis  # type: ignore[assignment]


def run_case(case: Case, executions: int = 1) -> Result:
    """Run `case` to its end in a fresh moto account, metered; with `executions` > 1, that many executions of it
    are started before the pump runs (a stack at load: queue batches fill up, as Lambda's event source mappings
    fill theirs), and the result sums them."""
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        mock = MockConfig.from_file(case.mock_config) if case.mock_config else None
        tasks = load_python_tasks(case.tasks) if case.tasks else None
        lr = LocalRuntime(session, VirtualClock(START_MS), SeededSecrets("bench"), project=PROJECT,
                          tasks=tasks, mock_config=mock)
        # A flow is published once (by a deploy or the API), not by each execution: not metered here.
        publish_flow(lr.runtime, case.flow, case.definition)
        meter = AwsMeter(session.client("dynamodb", region_name=REGION), lr.resources.table)
        rt = lr.runtime
        for client in (rt.store._db, rt.queue._sqs, rt.scheduler._scheduler, rt.payloads._s3):  # type: ignore[attr-defined]
            meter.attach(client)
        invocations = wrap_invoke(lr, meter, trace_memory=case.map_items is not None)
        sink = CountingSink()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            arns = [lr.invoke("start", {"flow": case.flow, "name": f"run-{n}", "input": case.input,
                                        **({"testCase": case.test_case} if case.test_case else {})})["executionArn"]
                    for n in range(1, executions + 1)]
            report = lr.pump()
        wall = time.perf_counter() - started
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        meter.enabled = False
        described = [describe_execution(rt, arn) for arn in arns]
    ends = {(d["status"], d.get("error")) for d in described}
    status, error = ends.pop() if len(ends) == 1 else ("MIXED", repr(sorted(ends)))
    return Result(case.name, status, error, case.expected, sum(d["transitions"] for d in described),
                  wall, meter.usage, invocations, asdict(report), sink.bytes, case.map_items,
                  rss_growth if case.map_items else None, executions)
