"""Benchmark: AWS requests and list-price cost per 1,000 state transitions of the durable runtime, on moto.

Each workload runs once on CloudFlow's durable runtime (`LocalRuntime`: the real start/step/timer
handlers, DynamoDB, SQS FIFO, EventBridge Scheduler and S3 on in-process moto, and a pump playing
Lambda's event source mappings and Scheduler on a virtual clock), in a fresh moto account. Workloads:
the four of bench/engine.py, every mock-config test case of the three examples (and map-items with
its tasks.py), and a Map scaling series (bench/engine.py's inline Map over 100, 1,000 and 10,000 items).

What is counted, and how:

- **Requests** are counted by botocore event hooks (`before-parameter-build`, `before-call`,
  `after-call`) on the four clients the *runtime* uses (`lr.runtime.store._db`, `.queue._sqs`,
  `.scheduler._scheduler`, `.payloads._s3`), per service and operation. The pump's own clients are not
  hooked: what Lambda's SQS event source mapping does is modelled instead, as one ReceiveMessage and one
  DeleteMessageBatch per delivered batch (step batches on the FIFO queue, timer batches on the standard
  queue). Idle long-polling by the mapping is a fixed cost per queue, not per transition, and is left out.
  Reads made after the run (describe_execution) are not counted.
- **DynamoDB capacity** is computed here, since moto does not report ConsumedCapacity. Item sizes follow
  DynamoDB's rules (attribute names + values; numbers 1 byte per 2 significant digits + 1; lists and maps
  3 bytes + 1 byte per element). The meter keeps the size of every item the runtime wrote, so a write costs
  ceil(max(old size, new size) / 1 KB) WRU (a failed conditional write: the existing item's size, at least
  1); UpdateItem's new item comes from its ALL_NEW answer, or from an uncounted GetItem when it asks for
  none. BatchWriteItem is charged per item, TransactWriteItems twice. A write also costs 1 WRU per global
  secondary index entry it puts or deletes (2 when the index key changes; 0 when nothing projected
  changes). GetItem costs ceil(size / 4 KB) RRU, half when eventually consistent; a Query costs
  ceil(sum of the sizes of the items it evaluates / 4 KB) per page (found by repeating it, uncounted,
  without its projection), half on an index or when eventually consistent.
- **SQS** requests are billed per 64 KB chunk of payload (a SendMessageBatch of 10 small messages is 1).
  **S3** PutObject is a PUT-tier request, GetObject a GET-tier one. **Scheduler** CreateSchedule and
  DeleteSchedule are counted, but only fired schedules are billed (Scheduler bills invocations).
- **Lambda invocations** are counted by wrapping `lr.invoke`: one per start call, per step batch, per timer
  batch and per fired schedule. Each invocation's duration is its in-process wall time minus the meter's
  own work, rounded up to 1 ms; it includes moto's in-process time where the real runtime waits on the
  network. A *modelled* duration is reported too: the time outside AWS calls, stretched by the CPU share
  Lambda gives that memory size (1 vCPU at 1,769 MB), plus an assumed round-trip time per request.
- **Logs**: the bytes the handlers print (Powertools EMF metrics lines) are billed as CloudWatch Logs
  ingestion.
- **Mock bookkeeping**: with a mock-config test case the runtime keeps attempt counters in DynamoDB
  (`M#` items: a GetItem, an UpdateItem and a PutItem per mocked task call). They are counted and
  priced like the rest, and also reported apart (`mock`, `no mock`), since a deployed flow has none.
- **Flows** are published before the run, outside the meter: a deployed flow is published once, not per execution.
- **Transitions** are `describe_execution(...)["transitions"]` (the runtime's own metering).
- **Memory** (Map series): `tracemalloc` runs during the start invocation, every step batch holding a
  message of the root unit (the Map's fan-out and its join) and one in 10 of the other step batches (the
  iterations, all alike); the highest peak of one invocation is reported (moto's allocations during the
  calls included), with the growth of the process's `ru_maxrss` over the run. Traced invocations run about
  3x slower, which overstates those runs' Lambda durations a little.
- moto's SQS does O(queue length) work per request, so a 10,000-item Map (10,000 messages queued at once)
  takes about 40 minutes; `speed_up_moto_clock` makes moto read the same clock without datetime arithmetic.

    .venv/bin/python bench/runtime.py [--quick] [--only PATTERN] [--map-items N] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fnmatch
import io
import json
import math
import resource
import sys
import time
import tracemalloc
import warnings
from collections import Counter
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
from engine import inline_map, workloads  # noqa: E402
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
EXAMPLES = PROJECT / "examples"
MAP_SERIES = (100, 1_000, 10_000)
QUICK_SKIPS = {10_000}
MEMORY_SAMPLE = 10  # Map series: trace one in 10 child step batches (see _traced)

# --- list prices, us-east-1, as quoted in the benchmark's issue (AWS pricing pages); recorded 2026-11-26 --------
LAMBDA_PER_REQUEST = 0.20 / 1e6
LAMBDA_PER_GB_SECOND_ARM = 0.0000133334
DYNAMODB_PER_WRU = 0.625 / 1e6  # on-demand
DYNAMODB_PER_RRU = 0.125 / 1e6
SQS_FIFO_PER_REQUEST = 0.50 / 1e6  # per 64 KB chunk
SQS_STANDARD_PER_REQUEST = 0.40 / 1e6
SCHEDULER_PER_INVOCATION = 1.00 / 1e6
S3_PER_PUT = 0.005 / 1000  # PUT, COPY, POST, LIST
S3_PER_GET = 0.0004 / 1000  # GET and the rest
CLOUDWATCH_LOGS_PER_GB = 0.50  # ingestion
SFN_STANDARD_PER_1K = 0.025  # Step Functions Standard, per 1,000 state transitions
TARGET_PER_1K = 0.0025

# template.yaml: Globals MemorySize 256, StepFunction MemorySize 512 (all arm64).
FUNCTION_MEMORY_MB = {"start": 256, "step": 512, "timer": 256, "callback": 256, "stop": 256}
SMALL_MEMORY_MB = 128
FULL_VCPU_MB = 1769  # Lambda gives a function one vCPU at 1,769 MB, proportionally less below
S3_PUT_TIER = {"PutObject", "CopyObject", "PostObject", "ListObjects", "ListObjectsV2", "CreateMultipartUpload",
               "UploadPart", "CompleteMultipartUpload"}

# The examples' test cases end as tests/e2e/test_examples_run.py expects.
EXPECTED = {
    ("image-pipeline", "HappyPath"): ("SUCCEEDED", None),
    ("image-pipeline", "ThrottledThenDetected"): ("SUCCEEDED", None),
    ("image-pipeline", "NoFace"): ("FAILED", "Image.NoFace"),
    ("image-pipeline", "DetectionKeepsFailing"): ("FAILED", "Lambda.TooManyRequestsException"),
    ("order", "HappyPath"): ("SUCCEEDED", None),
    ("order", "PaymentGatewaySlow"): ("SUCCEEDED", None),
    ("order", "OutOfStock"): ("FAILED", "Order.NotFulfilled"),
    ("order", "CardDeclined"): ("FAILED", "Order.NotFulfilled"),
    ("order", "InvalidOrder"): ("FAILED", "Order.Invalid"),
    ("map-items", "HappyPath"): ("SUCCEEDED", None),
    ("map-items", "UnknownSku"): ("FAILED", "Order.CannotPrice"),
    ("invoice-jsonata", "HappyPath"): ("SUCCEEDED", None),
    ("invoice-jsonata", "LargeInvoiceApproved"): ("SUCCEEDED", None),
    ("invoice-jsonata", "LargeInvoiceRejected"): ("FAILED", "Invoice.NotApproved"),
    ("invoice-jsonata", "Overdue"): ("FAILED", "Invoice.Overdue"),
}


# --- workloads -------------------------------------------------------------------------------------------------

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


def engine_cases() -> list[Case]:
    return [Case(w.name, w.name, w.definition, w.input) for w in workloads() if not w.name.startswith("map-")]


def example_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if (p / "flow.json").is_file()
                         and (p / "mock-config.json").is_file()):
        definition = json.loads((folder / "flow.json").read_text())
        execution_input = json.loads((folder / "input.json").read_text())
        config = folder / "mock-config.json"
        machines = json.loads(config.read_text())["StateMachines"]
        for test_case in machines.get(folder.name, {}).get("TestCases", {}):
            expected = EXPECTED.get((folder.name, test_case), ("?", None))
            cases.append(Case(f"{folder.name}/{test_case}", folder.name, definition, execution_input,
                              test_case=test_case, mock_config=config, expected=expected))
        if (folder / "tasks.py").is_file():
            cases.append(Case(f"{folder.name}/tasks.py", folder.name, definition, execution_input,
                              tasks=folder / "tasks.py"))
    return cases


def map_cases(sizes: list[int]) -> list[Case]:
    return [Case(f"map-inline-{n}", "map-inline", inline_map(), {"items": list(range(n))}, map_items=n)
            for n in sizes]


def all_cases(sizes: list[int], only: list[str] | None) -> list[Case]:
    cases = [*engine_cases(), *example_cases(), *map_cases(sizes)]
    return [c for c in cases if not only or any(fnmatch.fnmatchcase(c.name, pattern) for pattern in only)]


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


def memory_mb(kind: str) -> int:
    return FUNCTION_MEMORY_MB[kind.split("-")[0]]


def gb_seconds(invocations: list[Invocation], memory: int | None, modelled: bool) -> float:
    """Billed GB-seconds (1 ms granularity); memory None: each function's template memory."""
    total = 0.0
    for inv in invocations:
        mb = memory or memory_mb(inv.kind)
        if modelled:
            cpu = max(0.0, inv.seconds - inv.aws_seconds) * max(1.0, FULL_VCPU_MB / mb)
            seconds = cpu + inv.round_trip_seconds
        else:
            seconds = inv.seconds
        total += max(1, math.ceil(seconds * 1000)) / 1000 * mb / 1024
    return total


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


def run_case(case: Case) -> Result:
    """Run `case` to its end in a fresh moto account, metered."""
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
            answer = lr.invoke("start", {"flow": case.flow, "name": "run-1",
                                         "input": case.input, **({"testCase": case.test_case} if case.test_case
                                                                 else {})})
            report = lr.pump()
        wall = time.perf_counter() - started
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        meter.enabled = False
        described = describe_execution(rt, answer["executionArn"])
    return Result(case.name, described["status"], described.get("error"), case.expected, described["transitions"],
                  wall, meter.usage, invocations, asdict(report), sink.bytes, case.map_items,
                  rss_growth if case.map_items else None)


def invocation_kind(handler: str, event: Any) -> str:
    """start, step (a step-queue batch), step-timers (a timer-queue batch: the step handler consumes both
    queues), timer-schedule (a Scheduler fire), callback, ..."""
    if handler == "timer":
        return "timer-schedule"
    if handler == "step" and not str(event["Records"][0].get("eventSourceARN", "")).endswith(".fifo"):
        return "step-timers"
    return handler


# --- cost ------------------------------------------------------------------------------------------------------

def esm_requests(result: Result) -> Counter[str]:
    """Lambda's SQS event source mapping: one ReceiveMessage and one DeleteMessageBatch per batch."""
    kinds = Counter(inv.kind for inv in result.invocations)
    return Counter({"fifo": 2 * kinds["step"], "standard": 2 * kinds["step-timers"]})


def cost(result: Result, memory: int | None = None, modelled: bool = False) -> dict[str, float]:
    """US dollars for the whole run, by component; memory None: the template's memory sizes."""
    usage, esm = result.usage, esm_requests(result)
    requests = usage.requests
    s3_put = sum(n for op, n in requests.items() if op.startswith("s3:") and op[3:] in S3_PUT_TIER)
    s3_get = sum(n for op, n in requests.items() if op.startswith("s3:")) - s3_put
    schedules = sum(1 for inv in result.invocations if inv.kind == "timer-schedule")
    printed = result.printed_bytes / 1024 ** 3
    return {
        "lambda_requests": len(result.invocations) * LAMBDA_PER_REQUEST,
        "lambda_duration": gb_seconds(result.invocations, memory, modelled) * LAMBDA_PER_GB_SECOND_ARM,
        "dynamodb_write": usage.wru * DYNAMODB_PER_WRU,
        "dynamodb_read": usage.rru * DYNAMODB_PER_RRU,
        "sqs": ((usage.sqs_billed["fifo"] + esm["fifo"]) * SQS_FIFO_PER_REQUEST
                + (usage.sqs_billed["standard"] + esm["standard"]) * SQS_STANDARD_PER_REQUEST),
        "scheduler": schedules * SCHEDULER_PER_INVOCATION,
        "s3": s3_put * S3_PER_PUT + s3_get * S3_PER_GET,
        "logs": printed * CLOUDWATCH_LOGS_PER_GB,
    }


def mock_dollars(result: Result) -> float:
    """What the mock-config attempt counters cost (DynamoDB only): a deployed flow has none."""
    return result.usage.mock_wru * DYNAMODB_PER_WRU + result.usage.mock_rru * DYNAMODB_PER_RRU


def per_1k(result: Result, dollars: float) -> float:
    return dollars / result.transitions * 1000 if result.transitions else float("inf")


def by_service(result: Result) -> Counter[str]:
    counted: Counter[str] = Counter()
    for op, n in result.usage.requests.items():
        counted[op.split(":")[0]] += n
    return counted


def summary(result: Result) -> dict[str, Any]:
    """The machine-readable row of one result."""
    template, small = cost(result), cost(result, SMALL_MEMORY_MB)
    modelled, modelled_small = cost(result, modelled=True), cost(result, SMALL_MEMORY_MB, modelled=True)
    kinds = Counter(inv.kind for inv in result.invocations)
    peaks = [inv.peak_bytes for inv in result.invocations if inv.peak_bytes is not None]
    row: dict[str, Any] = {
        "workload": result.name, "status": result.status, "error": result.error,
        "expected": {"status": result.expected[0], "error": result.expected[1]}, "as_expected": result.as_expected,
        "transitions": result.transitions, "wall_seconds": round(result.wall_seconds, 3),
        "requests": dict(sorted(result.usage.requests.items())), "requests_by_service": dict(by_service(result)),
        "sqs_billed_requests": dict(result.usage.sqs_billed), "event_source_mapping_sqs_requests": dict(esm_requests(
            result)), "wru": result.usage.wru, "index_wru": result.usage.index_wru, "rru": result.usage.rru,
        "lambda_invocations": dict(kinds), "lambda_seconds": round(sum(i.seconds for i in result.invocations), 3),
        "aws_call_seconds": round(result.usage.aws_seconds, 3), "printed_bytes": result.printed_bytes,
        "pump": result.pump,
        "usd": {"template_memory": template, "memory_128mb": small, "modelled_template_memory": modelled,
                "modelled_128mb": modelled_small},
        "usd_per_1k_transitions": {
            "template_memory": per_1k(result, sum(template.values())),
            "memory_128mb": per_1k(result, sum(small.values())),
            "modelled_template_memory": per_1k(result, sum(modelled.values())),
            "modelled_128mb": per_1k(result, sum(modelled_small.values())),
            "template_memory_without_mock": per_1k(result, sum(template.values()) - mock_dollars(result)),
        },
        "mock_bookkeeping": {"requests": result.usage.mock_requests, "wru": result.usage.mock_wru,
                             "rru": result.usage.mock_rru},
    }
    row["x_cheaper_than_sfn_standard"] = SFN_STANDARD_PER_1K / row["usd_per_1k_transitions"]["template_memory"]
    row["meets_target"] = row["usd_per_1k_transitions"]["template_memory"] <= TARGET_PER_1K
    if result.map_items:
        total = sum(result.usage.requests.values())
        row["map"] = {"items": result.map_items, "requests_per_item": total / result.map_items,
                      "by_service_per_item": {s: n / result.map_items for s, n in by_service(result).items()},
                      "wru_per_item": result.usage.wru / result.map_items,
                      "rru_per_item": result.usage.rru / result.map_items,
                      "lambda_invocations_per_item": len(result.invocations) / result.map_items,
                      "peak_invocation_mb": max(peaks) / 2 ** 20 if peaks else None,
                      "maxrss_growth_mb": result.maxrss_growth_mb}
    return row


# --- report ----------------------------------------------------------------------------------------------------

def print_tables(rows: list[dict[str, Any]]) -> None:
    _print_main(rows)
    _print_breakdown(rows)
    series = [row for row in rows if "map" in row]
    if series:
        _print_map_series(series)
    for row in rows:
        if not row["as_expected"]:
            print(f"!!! {row['workload']}: ended {row['status']} ({row['error']}), expected "
                  f"{row['expected']['status']} ({row['expected']['error']})")


def _print_main(rows: list[dict[str, Any]]) -> None:
    header = (f"{'workload':<32} {'status':<9} {'trans':>6} {'ddb':>6} {'sqs':>5} {'sched':>5} {'s3':>4} "
              f"{'WRU':>7} {'RRU':>7} {'mock':>4} {'λ inv':>5} {'$/1k tr':>9} {'@128MB':>9} {'x SFN':>6}  target")
    print(header)
    print("-" * len(header))
    for row in rows:
        svc, price = row["requests_by_service"], row["usd_per_1k_transitions"]
        mock, invocations = row["mock_bookkeeping"]["requests"], sum(row["lambda_invocations"].values())
        mark = "" if row["as_expected"] else " !"
        print(f"{row['workload']:<32} {row['status'][:9]:<9} {row['transitions']:>6} {svc.get('dynamodb', 0):>6} "
              f"{svc.get('sqs', 0):>5} {svc.get('scheduler', 0):>5} {svc.get('s3', 0):>4} {row['wru']:>7.0f} "
              f"{row['rru']:>7.1f} {mock:>4} {invocations:>5} {price['template_memory']:>9.6f} "
              f"{price['memory_128mb']:>9.6f} {row['x_cheaper_than_sfn_standard']:>5.1f}x  "
              f"{'PASS' if row['meets_target'] else 'FAIL'}{mark}")
    print(f"(ddb/sqs/sched/s3: the runtime's requests; $ adds 2 event-source-mapping SQS requests per batch. mock: "
          f"ddb requests of mock-config attempt counters, included. Step Functions Standard: ${SFN_STANDARD_PER_1K} "
          f"per 1k tr; target <= ${TARGET_PER_1K})")


def _print_breakdown(rows: list[dict[str, Any]]) -> None:
    parts = ("lambda_requests", "lambda_duration", "dynamodb_write", "dynamodb_read", "sqs", "scheduler", "s3",
             "logs")
    print()
    print("$ per 1,000 transitions by component (template memory). λ model: λ GB-s with CPU x vCPU share + "
          "assumed round trips, at template memory and 128 MB. no mock: total less the mock counters' DynamoDB")
    header = (f"{'workload':<32} {'λ req':>9} {'λ GB-s':>9} {'ddb W':>9} {'ddb R':>9} {'sqs':>9} {'sched':>9} "
              f"{'s3':>9} {'logs':>9} {'λ model':>9} {'@128MB':>9} {'no mock':>9}")
    print(header)
    print("-" * len(header))
    for row in rows:
        usd, modelled = row["usd"]["template_memory"], row["usd"]["modelled_template_memory"]
        scale = 1000 / row["transitions"] if row["transitions"] else 0.0
        cells = " ".join(f"{usd[p] * scale:>9.6f}" for p in parts)
        small = row["usd"]["modelled_128mb"]["lambda_duration"] * scale
        without = row["usd_per_1k_transitions"]["template_memory_without_mock"]
        print(f"{row['workload']:<32} {cells} {modelled['lambda_duration'] * scale:>9.6f} {small:>9.6f} "
              f"{without:>9.6f}")


def _print_map_series(series: list[dict[str, Any]]) -> None:
    print()
    print("Map series (inline Map, 2 Pass states per item): per item")
    header = (f"{'items':>6} {'trans':>6} {'req/item':>9} {'ddb':>6} {'sqs':>6} {'s3':>6} {'WRU':>6} {'RRU':>6} "
              f"{'λ inv':>6} {'peak MB':>8} {'maxrss +MB':>10} {'wall s':>8}")
    print(header)
    print("-" * len(header))
    for row in series:
        m, svc = row["map"], row["map"]["by_service_per_item"]
        peak = f"{m['peak_invocation_mb']:>8.1f}" if m["peak_invocation_mb"] is not None else f"{'-':>8}"
        print(f"{m['items']:>6} {row['transitions']:>6} {m['requests_per_item']:>9.3f} {svc.get('dynamodb', 0):>6.3f} "
              f"{svc.get('sqs', 0):>6.3f} {svc.get('s3', 0):>6.3f} {m['wru_per_item']:>6.2f} "
              f"{m['rru_per_item']:>6.2f} {m['lambda_invocations_per_item']:>6.3f} {peak} "
              f"{m['maxrss_growth_mb']:>10.1f} {row['wall_seconds']:>8.1f}")
    per_item = [row["map"]["requests_per_item"] for row in series]
    print(f"requests per item: max/min = {max(per_item) / min(per_item):.3f} (flat = 1.0); "
          f"peak step/start invocation target < 256 MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, not tables")
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-item Map")
    parser.add_argument("--only", action="append", metavar="PATTERN",
                        help="run only workloads matching this name or glob, e.g. 'order/*' (repeatable)")
    parser.add_argument("--map-items", type=int, action="append", metavar="N",
                        help=f"Map series sizes (repeatable; default {', '.join(map(str, MAP_SERIES))})")
    args = parser.parse_args(argv)
    sizes = args.map_items or [n for n in MAP_SERIES if not (args.quick and n in QUICK_SKIPS)]

    speed_up_moto_clock()
    warnings.filterwarnings("ignore", message="No application metrics to publish")  # a step that metered nothing
    rows = []
    for case in all_cases(sizes, args.only):
        print(f"running {case.name} ...", file=sys.stderr, flush=True)
        rows.append(summary(run_case(case)))
        print(f"  {rows[-1]['status']}, {rows[-1]['transitions']} transitions, {rows[-1]['wall_seconds']:.1f} s",
              file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"workloads": rows, "target_usd_per_1k": TARGET_PER_1K,
                          "sfn_standard_usd_per_1k": SFN_STANDARD_PER_1K}, indent=2))
    else:
        print_tables(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
