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
- **At load** (`--load N`): each workload but the Map series again, as N executions started together before
  the pump runs. Queue batches then hold up to 10 messages, as Lambda's event source mappings fill theirs on a
  busy queue, so a step invocation, its ReceiveMessage and its DeleteMessageBatch serve up to 10 steps of
  different executions; a start is still one invocation each. Executions started at the same instant keep
  in step (their retries fall due together), so this is the full-batch case: the figure a busy stack tends to.
- moto's SQS does O(queue length) work per request, so a 10,000-item Map (10,000 messages queued at once)
  takes about 40 minutes; `speed_up_moto_clock` makes moto read the same clock without datetime arithmetic.

    .venv/bin/python bench/runtime.py [--quick] [--only PATTERN] [--map-items N] [--load N] [--json]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import warnings
from typing import Any

from engine import inline_map, workloads
from runtime_prices import SFN_STANDARD_PER_1K, TARGET_PER_1K, summary
from runtime_run import PROJECT, Case, run_case, speed_up_moto_clock

EXAMPLES = PROJECT / "examples"
MAP_SERIES = (100, 1_000, 10_000)
QUICK_SKIPS = {10_000}

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


def print_at_load(rows: list[dict[str, Any]], loaded: list[dict[str, Any]]) -> None:
    alone = {row["workload"]: row for row in rows}
    print()
    print(f"At load: {loaded[0]['executions']} executions of each workload started together (queue batches of up to "
          f"10); $ per 1,000 transitions at template memory")
    header = (f"{'workload':<40} {'status':<9} {'trans':>7} {'λ inv/exec':>10} {'alone':>9} {'at load':>9} {'x SFN':>6}"
              f"  target")
    print(header)
    print("-" * len(header))
    for row in loaded:
        single = alone.get(row["workload"])
        price = row["usd_per_1k_transitions"]["template_memory"]
        invocations = sum(row["lambda_invocations"].values()) / row["executions"]
        mark = "" if row["as_expected"] else " !"
        print(f"{row['workload']:<40} {row['status'][:9]:<9} {row['transitions']:>7} {invocations:>10.2f} "
              f"{single['usd_per_1k_transitions']['template_memory'] if single else float('nan'):>9.6f} "
              f"{price:>9.6f} {row['x_cheaper_than_sfn_standard']:>5.1f}x  {'PASS' if row['meets_target'] else 'FAIL'}"
              f"{mark}")


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
    parser.add_argument("--load", type=int, metavar="N", default=0,
                        help="also run each workload but the Map series as N executions started together")
    args = parser.parse_args(argv)
    if args.load < 0 or args.load == 1:
        parser.error("--load takes at least 2 executions")
    sizes = args.map_items or [n for n in MAP_SERIES if not (args.quick and n in QUICK_SKIPS)]

    speed_up_moto_clock()
    warnings.filterwarnings("ignore", message="No application metrics to publish")  # a step that metered nothing
    cases = all_cases(sizes, args.only)
    rows = [_run(case, 1) for case in cases]
    loaded = [_run(case, args.load) for case in cases if args.load and case.map_items is None]
    if args.json:
        print(json.dumps({"workloads": rows, "at_load": loaded, "target_usd_per_1k": TARGET_PER_1K,
                          "sfn_standard_usd_per_1k": SFN_STANDARD_PER_1K}, indent=2))
    else:
        print_tables(rows)
        if loaded:
            print_at_load(rows, loaded)
            for row in loaded:
                if not row["as_expected"]:
                    print(f"!!! {row['workload']} at load: ended {row['status']} ({row['error']})")
    return 0


def _run(case: Case, executions: int) -> dict[str, Any]:
    print(f"running {case.name}{f' x {executions}' if executions > 1 else ''} ...", file=sys.stderr, flush=True)
    row = summary(run_case(case, executions))
    print(f"  {row['status']}, {row['transitions']} transitions, {row['wall_seconds']:.1f} s", file=sys.stderr,
          flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
