"""Benchmark: CloudFlow's pure engine against moto's Step Functions interpreter, same process, same run.

Four definitions (a Pass chain, a Choice loop counting with States.MathAdd, a Parallel, an inline Map)
run on both engines. For each we report the state transitions each engine metered, the wall seconds,
transitions per second and the throughput ratio CloudFlow/moto, and check both ended with the same
output. See bench/README.md for what is timed and how.

A second section times JSONata expressions ("QueryLanguage": "JSONata") as the engine evaluates them
(cloudflow.core.dataflow.jsonata_expr over jsonata-python), against the engine's own JSONPath on the
equivalent path in the same process. `--jsonata-peer DIR` adds another JSONata library installed with
`pip install --target DIR PKG` (jsonata-rs, jsonata): all of them install as the module `jsonata`, so
each peer runs the same expressions in its own child process.

    .venv/bin/python bench/engine.py [--json] [--cloudflow-repeats 5] [--moto-repeats 2]
                                     [--no-jsonata] [--jsonata-seconds 0.5] [--jsonata-peer DIR ...]
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
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


# --- JSONata expressions against the engine's JSONPath ------------------------------------------

JSONATA_INPUT: dict[str, Any] = {
    "order": {"id": "o-17", "total": 27.5},
    "customer": {"name": "María"},
    "items": [{"sku": f"s{i}", "price": 1.25 * i} for i in range(1, 11)],
}
JSONATA_CANDIDATES = ("jsonata-python", "jsonata-rs", "jsonata")  # the one chosen first


@dataclass(frozen=True)
class Expression:
    name: str
    jsonata: str  # the body of "{% ... %}"
    jsonpath: str  # what JSONPath can select of it (JSONPath has no arithmetic or string functions)
    expected: Any


def jsonata_expressions() -> list[Expression]:
    prices = [item["price"] for item in JSONATA_INPUT["items"]]
    return [
        Expression("arithmetic", "$states.input.order.total * 2", "$.order.total", 55),
        Expression("map", "$map($states.input.items, function($v){$v.price})", "$.items[*].price", prices),
        Expression("sum", "$sum($states.input.items.price)", "$.items[*].price", sum(prices)),
        Expression("concat", "'Order ' & $states.input.order.id & ' for ' & $states.input.customer.name",
                   "$.customer.name", "Order o-17 for María"),
    ]


def ops_per_second(call: Callable[[], Any], seconds: float) -> float:
    """Calls per second over at least `seconds` (batches of 50), after one untimed warm-up call."""
    call()
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            call()
        done += 50
    return done / elapsed


def run_jsonata_section(seconds: float, peers: list[str]) -> dict[str, Any]:
    """JSONata through the engine's module and through the bare library, JSONPath, and any peers."""
    import jsonata as library  # jsonata-python: the chosen library, as the engine imports it

    from cloudflow.core.dataflow.jsonata_expr import JsonataBindings, evaluate
    from cloudflow.core.dataflow.jsonpath import compile_path
    from cloudflow.core.seeded_random import SeededRandom

    bindings = JsonataBindings(states={"input": JSONATA_INPUT, "context": {}}, variables={"limit": 3},
                               now_ms=START_MS, draws=SeededRandom("bench"))
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for expression in jsonata_expressions():
        text = "{% " + expression.jsonata + " %}"
        result = evaluate(text, bindings)
        if result != expression.expected:
            problems.append(f"{expression.name}: JSONata gave {_short(result)}, expected {_short(expression.expected)}")
        bare = library.Jsonata(expression.jsonata)
        frame = {"states": bindings.states, "limit": 3}
        path = compile_path(expression.jsonpath)
        engine_ops = ops_per_second(lambda text=text: evaluate(text, bindings), seconds)
        library_ops = ops_per_second(lambda bare=bare, frame=frame: bare.evaluate(None, frame), seconds)
        path_ops = ops_per_second(lambda path=path: path.find(JSONATA_INPUT), seconds)
        rows.append({"expression": expression.name, "jsonata": expression.jsonata, "jsonpath": expression.jsonpath,
                     "engine_ops": engine_ops, "library_ops": library_ops, "jsonpath_ops": path_ops,
                     "jsonpath_per_jsonata": path_ops / engine_ops})
    chosen = {"name": JSONATA_CANDIDATES[0], "version": importlib.metadata.version(JSONATA_CANDIDATES[0])}
    measured_peers = [_run_peer(directory, seconds) for directory in peers]
    for peer in measured_peers:
        for row in rows:
            ops = peer.get("ops", {}).get(row["expression"])
            if isinstance(ops, float):
                row[f"{peer['name']}_ops"] = ops
    given = {peer["name"] for peer in measured_peers}
    absent = [name for name in JSONATA_CANDIDATES[1:] if name not in given]
    return {"library": chosen, "rows": rows, "peers": measured_peers, "not_measured": absent,
            "problems": problems, "seconds_per_figure": seconds}


_PEER_SCRIPT = r"""
import importlib.metadata, json, sys, time
directory, seconds = sys.argv[1], float(sys.argv[2])
expressions, data = json.loads(sys.argv[3]), json.loads(sys.argv[4])
names = [d.metadata["Name"] for d in importlib.metadata.distributions(path=[directory])]
name = next((n for n in names if n.lower().startswith("jsonata")), None)
out = {"name": name, "version": importlib.metadata.version(name) if name else None, "ops": {}, "directory": directory}
try:
    import jsonata
except Exception as error:
    out["error"] = f"import failed: {error}"
    print(json.dumps(out)); sys.exit(0)
frame = {"states": {"input": data, "context": {}}, "limit": 3}
for key, body, expected in expressions:
    try:
        if name == "jsonata":  # the JavaScript wrapper: transform(expression, data), no bindings
            text = body.replace("$states.input.", "")
            call = lambda: jsonata.transform(text, data)
        else:
            compiled = jsonata.Jsonata(body)
            call = lambda: compiled.evaluate(None, frame)
        result = call()
        if result != expected:
            out["ops"][key] = f"wrong result {result!r}"
            continue
        done, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < seconds:
            for _ in range(50):
                call()
            done += 50
        out["ops"][key] = done / elapsed
    except Exception as error:
        out["ops"][key] = f"error {type(error).__name__}: {error}"[:80]
print(json.dumps(out))
"""


def _run_peer(directory: str, seconds: float) -> dict[str, Any]:
    """One peer library (installed with `pip install --target DIR`) timed in its own process."""
    expressions = [[e.name, e.jsonata, e.expected] for e in jsonata_expressions()]
    env = {**os.environ, "PYTHONPATH": directory}
    completed = subprocess.run(
        [sys.executable, "-c", _PEER_SCRIPT, directory, str(seconds), json.dumps(expressions),
         json.dumps(JSONATA_INPUT)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return {"name": directory, "error": (completed.stderr.strip().splitlines() or ["no output"])[-1]}
    peer: dict[str, Any] = json.loads(lines[-1])
    if peer.get("name") is None:
        peer["name"] = directory
    return peer


def _print_jsonata(section: dict[str, Any]) -> None:
    library = section["library"]
    print()
    print(f"JSONata ({library['name']} {library['version']}) vs the engine's JSONPath, same process, "
          f"{section['seconds_per_figure']:.1f} s per figure")
    peers = [peer for peer in section["peers"] if "error" not in peer]
    header = (f"{'expression':<11} {'engine ops/s':>12} {'library ops/s':>13} {'JSONPath':<17} "
              f"{'JSONPath ops/s':>14} {'JSONPath/JSONata':>16}")
    header += "".join(f" {peer['name'] + ' ops/s':>17} {'ratio':>6}" for peer in peers)
    print(header)
    print("-" * len(header))
    for row in section["rows"]:
        line = (f"{row['expression']:<11} {row['engine_ops']:>12,.0f} {row['library_ops']:>13,.0f} "
                f"{row['jsonpath']:<17} {row['jsonpath_ops']:>14,.0f} {row['jsonpath_per_jsonata']:>15.1f}x")
        for peer in peers:
            ops = peer.get("ops", {}).get(row["expression"])
            if isinstance(ops, float):
                line += f" {ops:>17,.0f} {ops / row['library_ops']:>5.1f}x"
            else:
                line += f" {str(ops)[:24]:>24}"
        print(line)
    print("engine = cloudflow.core.dataflow.jsonata_expr.evaluate (compiled once, SFN functions bound, JSON "
          "result); library = the bare compiled expression; ratio = peer ops/s / library ops/s")
    for peer in section["peers"]:
        if "error" in peer:
            print(f"peer {peer['name']}: could not run ({peer['error']})")
        else:
            print(f"peer {peer['name']} {peer['version']} from {peer['directory']} (own process)")
    for name in section["not_measured"]:
        print(f"peer {name}: not installed here (pip install --target DIR {name}; then --jsonata-peer DIR)")


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
    parser.add_argument("--no-jsonata", action="store_true", help="skip the JSONata expression section")
    parser.add_argument("--jsonata-seconds", type=float, default=0.5, help="seconds per JSONata figure")
    parser.add_argument("--jsonata-peer", action="append", default=[], metavar="DIR",
                        help="a JSONata library installed with `pip install --target DIR` (repeatable)")
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
    jsonata = None if args.no_jsonata else run_jsonata_section(args.jsonata_seconds, args.jsonata_peer)
    if args.json:
        for row in rows:
            row["cloudflow"].pop("output"), row["moto"].pop("output")
        print(json.dumps({"workloads": rows, "min_ratio": minimum, "target_ratio": TARGET_RATIO,
                          "cloudflow_repeats": args.cloudflow_repeats, "moto_repeats": args.moto_repeats,
                          "poll_interval_seconds": args.poll_interval, "jsonata": jsonata}, indent=2))
    else:
        _print_table(rows)
        for row in mismatched:
            for problem in row["mismatches"]:
                print(f"!!! MISMATCH in {row['workload']}: {problem}", file=sys.stderr)
        print(f"min ratio CloudFlow/moto: {minimum:.1f}x (target >= {TARGET_RATIO:.0f}x)")
        if jsonata is not None:
            _print_jsonata(jsonata)
            for problem in jsonata["problems"]:
                print(f"!!! MISMATCH in JSONata {problem}", file=sys.stderr)
    return 1 if mismatched or (jsonata is not None and jsonata["problems"]) else 0


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
