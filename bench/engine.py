"""Benchmark: CloudFlow's pure engine against moto's Step Functions interpreter, same process, same run.

Four definitions (a Pass chain, a Choice loop counting with States.MathAdd, a Parallel, an inline Map)
run on both engines. For each we report the state transitions each engine metered, the wall seconds,
transitions per second and the throughput ratio CloudFlow/moto, and check both ended with the same
output. See bench/README.md for what is timed and how.

    .venv/bin/python bench/engine.py [--json] [--cloudflow-repeats 5] [--moto-repeats 2]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_LAYER = Path(__file__).resolve().parent.parent / "layers" / "cloudflow"
if str(_LAYER) not in sys.path:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(_LAYER))

from cloudflow.local.resolver_chain import ResolverChain  # noqa: E402
from cloudflow.local.runner import execution_info, run_to_end  # noqa: E402

try:  # the validating loader, when present; the plain model builder otherwise
    from cloudflow.asl.loader import load_state_machine as _load
except ImportError:
    from cloudflow.asl.model import build_state_machine as _load

REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/r"
START_MS = 1_700_000_000_000
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
TARGET_RATIO = 20.0


# --- the four workloads ------------------------------------------------------------------------

def pass_chain(length: int = 200) -> dict[str, Any]:
    """`length` Pass states one after another."""
    states: dict[str, Any] = {}
    for i in range(length):
        last = i == length - 1
        states[f"P{i}"] = {"Type": "Pass", "End": True} if last else {"Type": "Pass", "Next": f"P{i + 1}"}
    return {"StartAt": "P0", "States": states}


def choice_loop(iterations: int = 500) -> dict[str, Any]:
    """Pass (count + 1 with States.MathAdd) then Choice back to it while count < `iterations`."""
    return {
        "StartAt": "Increment",
        "States": {
            "Increment": {
                "Type": "Pass",
                "Parameters": {"count.$": "States.MathAdd($.count, 1)"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.count", "NumericLessThan": iterations, "Next": "Increment"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


def parallel_branches(branches: int = 10, length: int = 10) -> dict[str, Any]:
    """One Parallel state of `branches` branches, each a chain of `length` Pass states."""
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": f"B{b}P0",
                        "States": {
                            f"B{b}P{i}": (
                                {"Type": "Pass", "End": True} if i == length - 1
                                else {"Type": "Pass", "Next": f"B{b}P{i + 1}"}
                            )
                            for i in range(length)
                        },
                    }
                    for b in range(branches)
                ],
                "End": True,
            }
        },
    }


def inline_map() -> dict[str, Any]:
    """An inline Map over `$.items`, each iteration two Pass states (the first reshapes the item)."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Wrap",
                    "States": {
                        "Wrap": {"Type": "Pass", "Parameters": {"item.$": "$"}, "Next": "Keep"},
                        "Keep": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        },
    }


@dataclass(frozen=True)
class Workload:
    name: str
    definition: dict[str, Any]
    input: Any


def workloads() -> list[Workload]:
    return [
        Workload("pass-chain-200", pass_chain(200), {"value": 1}),
        Workload("choice-loop-500", choice_loop(500), {"count": 0}),
        Workload("parallel-10x10", parallel_branches(10, 10), {"value": 1}),
        Workload("map-inline-1000", inline_map(), {"items": list(range(1000))}),
    ]


# --- the two engines ---------------------------------------------------------------------------

@dataclass
class Run:
    status: str
    output: Any
    transitions: int
    seconds: float
    self_reported_seconds: float | None = None  # moto's own startDate..stopDate (ms resolution)
    error: str | None = None


def run_cloudflow(workload: Workload, repeats: int) -> Run:
    """Best of `repeats`; each timed run loads the definition and runs it to the end."""
    best: Run | None = None
    for i in range(repeats):
        gc.collect()
        started = time.perf_counter()
        machine = _load(workload.definition)
        info = execution_info("bench", f"run-{i + 1}", workload.input, start_ms=START_MS)
        result = run_to_end(machine, info, ResolverChain([]))
        seconds = time.perf_counter() - started
        run = Run(result.status, result.output, result.transitions, seconds,
                  error=None if result.status == "SUCCEEDED" else f"{result.error}: {result.cause}")
        if best is None or run.seconds < best.seconds:
            best = run
    assert best is not None
    return best


class MotoEngine:
    """moto's Step Functions interpreter (the LocalStack-derived parser), driven through boto3."""

    def __init__(self, poll_interval: float) -> None:
        import boto3
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        self._client = boto3.client("stepfunctions", region_name=REGION)
        self._poll_interval = poll_interval
        self._count = 0

    def close(self) -> None:
        self._mock.stop()

    def run(self, workload: Workload, repeats: int) -> Run:
        """Best of `repeats`; each timed run is start_execution until describe_execution is terminal."""
        self._count += 1
        name = f"bench-{self._count}-{workload.name}"
        arn = self._client.create_state_machine(
            name=name, definition=json.dumps(workload.definition), roleArn=ROLE_ARN,
        )["stateMachineArn"]
        text_input = json.dumps(workload.input)
        best: Run | None = None
        for attempt in range(repeats):
            gc.collect()
            started = time.perf_counter()
            execution_arn = self._client.start_execution(
                stateMachineArn=arn, name=f"run-{attempt + 1}", input=text_input
            )["executionArn"]
            while True:
                described = self._client.describe_execution(executionArn=execution_arn)
                if described["status"] in TERMINAL:
                    break
                time.sleep(self._poll_interval)
            seconds = time.perf_counter() - started
            # Outside the timed span: count state-entered events, Step Functions' transition rule.
            pages = self._client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
            history = [event for page in pages for event in page["events"]]
            entered = sum(1 for event in history if event["type"].endswith("StateEntered"))
            output = json.loads(described["output"]) if described.get("output") is not None else None
            self_reported = (described["stopDate"] - described["startDate"]).total_seconds()
            run = Run(described["status"], output, entered, seconds, self_reported,
                      None if described["status"] == "SUCCEEDED"
                      else f"{described.get('error')}: {described.get('cause')}")
            if best is None or run.seconds < best.seconds:
                best = run
        assert best is not None
        return best


# --- report ------------------------------------------------------------------------------------

def per_second(run: Run) -> float:
    return run.transitions / run.seconds if run.seconds > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, not a table")
    parser.add_argument("--cloudflow-repeats", type=int, default=5, help="CloudFlow runs per workload (best)")
    parser.add_argument("--moto-repeats", type=int, default=2, help="moto runs per workload (best kept)")
    parser.add_argument("--poll-interval", type=float, default=0.001, help="seconds between moto polls")
    parser.add_argument("--only", action="append", help="run only this workload (repeatable)")
    args = parser.parse_args(argv)

    chosen = [w for w in workloads() if not args.only or w.name in args.only]
    moto = MotoEngine(args.poll_interval)
    rows: list[dict[str, Any]] = []
    try:
        # Warm both engines (imports, lazy parser set-up) on a tiny flow, untimed.
        warm = Workload("warm-up", pass_chain(2), {})
        run_cloudflow(warm, 1)
        moto.run(warm, 1)
        for workload in chosen:
            cloudflow = run_cloudflow(workload, args.cloudflow_repeats)
            other = moto.run(workload, args.moto_repeats)
            problems = []
            if cloudflow.status != "SUCCEEDED" or other.status != "SUCCEEDED":
                problems.append(f"status CloudFlow {cloudflow.status} ({cloudflow.error}) / "
                                f"moto {other.status} ({other.error})")
            if cloudflow.output != other.output:
                problems.append(f"output CloudFlow {_short(cloudflow.output)} != moto {_short(other.output)}")
            if cloudflow.transitions != other.transitions:
                problems.append(f"transitions CloudFlow {cloudflow.transitions} != moto {other.transitions}")
            rows.append({
                "workload": workload.name,
                "cloudflow": asdict(cloudflow) | {"transitions_per_second": per_second(cloudflow)},
                "moto": asdict(other) | {"transitions_per_second": per_second(other)},
                "ratio": per_second(cloudflow) / per_second(other),
                "mismatches": problems,
            })
    finally:
        moto.close()

    minimum = min(row["ratio"] for row in rows)
    mismatched = [row for row in rows if row["mismatches"]]
    if args.json:
        for row in rows:
            row["cloudflow"].pop("output"), row["moto"].pop("output")
        print(json.dumps({"workloads": rows, "min_ratio": minimum, "target_ratio": TARGET_RATIO,
                          "cloudflow_repeats": args.cloudflow_repeats, "moto_repeats": args.moto_repeats,
                          "poll_interval_seconds": args.poll_interval}, indent=2))
    else:
        _print_table(rows)
        for row in mismatched:
            for problem in row["mismatches"]:
                print(f"!!! MISMATCH in {row['workload']}: {problem}", file=sys.stderr)
        print(f"min ratio CloudFlow/moto: {minimum:.1f}x (target >= {TARGET_RATIO:.0f}x)")
    return 1 if mismatched else 0


def _print_table(rows: list[dict[str, Any]]) -> None:
    header = (f"{'workload':<17} {'trans CF':>8} {'trans moto':>10} {'CF s':>8} {'moto s':>8} "
              f"{'moto self s':>11} {'CF tr/s':>10} {'moto tr/s':>10} {'ratio':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        cf, mo = row["cloudflow"], row["moto"]
        flag = "  MISMATCH" if row["mismatches"] else ""
        print(f"{row['workload']:<17} {cf['transitions']:>8} {mo['transitions']:>10} {cf['seconds']:>8.4f} "
              f"{mo['seconds']:>8.3f} {mo['self_reported_seconds']:>11.3f} "
              f"{cf['transitions_per_second']:>10.0f} {mo['transitions_per_second']:>10.0f} "
              f"{row['ratio']:>6.1f}x{flag}")


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


if __name__ == "__main__":
    sys.exit(main())
