"""What a metered run of bench/runtime.py costs at list prices: Lambda (requests and GB-seconds, at the
template's memory sizes or 128 MB), DynamoDB on-demand capacity, SQS requests (the runtime's and the event
source mappings'), Scheduler invocations, S3 requests and CloudWatch Logs ingestion; and the row each run
reports."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from runtime_run import Invocation, Result

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
        "workload": result.name, "executions": result.executions, "status": result.status, "error": result.error,
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
