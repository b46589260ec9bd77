"""An activity worker: reviews orders for the `review-order` activity of examples/activity-worker/flow.json.

Run directly, it starts CloudFlow's local stack in process (the real handlers on moto, a virtual clock),
creates the activity, starts the flow with input.json, and works the task with the worker helper:

    python examples/activity-worker/worker.py [--total-cents 250000]

Against a deployed stack, it polls forever (Ctrl-C stops it):

    python examples/activity-worker/worker.py --deployed \\
        --activity-arn arn:aws:states:<region>:<account>:activity:review-order \\
        --activities-function <ActivitiesFunctionName> --callback-function <CallbackFunctionName>
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from cloudflow.activities.worker import ActivityWorker, LambdaActivityClient, RuntimeActivityClient, TaskError
from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
ACTIVITY = "review-order"
LIMIT_CENTS = 100_000
START_MS = 1_700_000_000_000


def review(order: dict[str, Any]) -> dict[str, Any]:
    """The work: approve an order up to 1,000.00; a larger one is rejected (`Review.Rejected`, caught)."""
    threading.Event().wait(0.3)  # a slow check, long enough for the worker to send a heartbeat or two
    if order["totalCents"] > LIMIT_CENTS:
        raise TaskError("Review.Rejected", f"order {order['orderId']} is over the {LIMIT_CENTS // 100} limit")
    return {"approved": True, "reviewer": "reviewer-1", "items": sum(line["quantity"] for line in order["lines"])}


class WorkerFirstClock(VirtualClock):
    """Virtual time that lets the worker go first: before the pump jumps ahead to the next timer (a heartbeat
    or a timeout), the worker takes the task that is waiting, as a real worker polling every second would
    long before a 30-second HeartbeatSeconds runs out."""

    def __init__(self, start_ms: int) -> None:
        super().__init__(start_ms)
        self.worker: ActivityWorker | None = None

    def advance_to(self, when_ms: int) -> None:
        if self.worker is not None and self.worker.run_once():
            return  # the worker answered: the pump delivers that first
        super().advance_to(when_ms)


def run_local(order: dict[str, Any]) -> dict[str, Any]:
    """The flow on the in-process local stack, worked by one worker; DescribeExecution at the end."""
    import boto3  # noqa: TID251 - a worker process is a host of its own, like an adapter
    from moto import mock_aws

    from cloudflow.activities.dispatch import ActivityTaskResolver
    from cloudflow.adapters.dynamodb_activities import ambient_activities
    from cloudflow.adapters.local_pump import LocalRuntime
    from cloudflow.runtime.describe import describe_execution, execution_history

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ.setdefault(key, "local")  # moto needs some; never real ones
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    with mock_aws():
        clock = WorkerFirstClock(START_MS)
        # Activity Tasks are queued for workers in the runtime the step handler runs on.
        stack = LocalRuntime(boto3.session.Session(), clock, SeededSecrets("activity-worker"), project=PROJECT,
                             tasks=ActivityTaskResolver(ambient_activities))
        created = stack.invoke("activities", {"action": "createActivity", "name": ACTIVITY})
        clock.worker = ActivityWorker(RuntimeActivityClient(stack, wait_seconds=0), created["activityArn"], review,
                                      worker_name="reviewer-1", heartbeat_seconds=0.1)
        started = stack.invoke("start", {"flow": "activity-worker", "name": order["orderId"], "input": order,
                                         "definition": json.loads((HERE / "flow.json").read_text())})
        if "executionArn" not in started:
            raise SystemExit(f"the flow did not start: {started}")
        stack.pump()
        described = describe_execution(stack.runtime, started["executionArn"])
        described["history"] = [event["type"] for event in execution_history(stack.runtime, started["executionArn"])]
        return described


def run_deployed(args: argparse.Namespace) -> int:
    """Work tasks of a deployed stack until interrupted."""
    import boto3  # noqa: TID251 - a worker process is a host of its own, like an adapter
    from botocore.config import Config

    lambda_client = boto3.client("lambda", config=Config(read_timeout=80, retries={"max_attempts": 2}))
    client = LambdaActivityClient(lambda_client, args.activities_function, args.callback_function)
    worker = ActivityWorker(client, args.activity_arn, review, worker_name=args.worker_name, heartbeat_seconds=10)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    handled = worker.run_forever(stop)
    print(f"stopped after {handled} task(s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total-cents", type=int, help="override the order total of input.json")
    parser.add_argument("--deployed", action="store_true", help="poll a deployed stack instead")
    parser.add_argument("--activity-arn")
    parser.add_argument("--activities-function")
    parser.add_argument("--callback-function")
    parser.add_argument("--worker-name", default="reviewer-1")
    args = parser.parse_args(argv)
    if args.deployed:
        if not (args.activity_arn and args.activities_function and args.callback_function):
            parser.error("--deployed needs --activity-arn, --activities-function and --callback-function")
        return run_deployed(args)
    order = json.loads((HERE / "input.json").read_text())
    if args.total_cents is not None:
        order["totalCents"] = args.total_cents
    described = run_local(order)
    result = {key: described.get(key) for key in ("status", "output", "error", "cause", "history")}
    if isinstance(result["output"], str):
        result["output"] = json.loads(result["output"])
    print(json.dumps(result, indent=2))
    return 0 if described["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
