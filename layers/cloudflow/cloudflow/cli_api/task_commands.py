"""`cloudflow tasks success|failure|heartbeat` (answering a callback task by its token) and `cloudflow usage`."""

from __future__ import annotations

import argparse

from cloudflow.cli_api.arguments import json_text
from cloudflow.cli_api.client import ApiClient, execution_path
from cloudflow.cli_api.commands import Shown, Subparsers, leaf
from cloudflow.cli_api.tables import Column, fields, table

USAGE_COLUMNS = [Column.field("FLOW", "flow"), Column.field("DAY (UTC)", "day"),
                 Column.field("TRANSITIONS", "transitions", right=True)]


def task_success(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.post("/tasks/success", {"taskToken": args.token, "output": json_text(args.output, "--output")})
    return Shown(answer, "Task answered: success.")


def task_failure(client: ApiClient, args: argparse.Namespace) -> Shown:
    body = {"taskToken": args.token, "error": args.error, "cause": args.cause}
    answer = client.post("/tasks/failure", {key: value for key, value in body.items() if value is not None})
    return Shown(answer, "Task answered: failure.")


def task_heartbeat(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.post("/tasks/heartbeat", {"taskToken": args.token})
    return Shown(answer, "Heartbeat sent.")


def usage(client: ApiClient, args: argparse.Namespace) -> Shown:
    if args.execution is not None:
        answer = client.get(execution_path(args.execution, "usage"))
        return Shown(answer, fields([("Execution", answer.document.get("executionArn")),
                                     ("Transitions", answer.document.get("transitions"))]))
    answer = client.get("/usage", flow=args.flow, **{"from": args.first, "to": args.last})
    rows = [row for row in answer.document.get("usage") or [] if row.get("transitions") or args.all_days]
    total = f"Total transitions: {answer.document.get('total', 0)}"
    return Shown(answer, f"{table(USAGE_COLUMNS, rows, empty='no transitions')}\n\n{total}")


def register(sub: Subparsers) -> None:
    """Add `tasks` and `usage`."""
    group = sub.add_parser("tasks", help="answer callback and activity tasks by their tokens")
    tasks = group.add_subparsers(dest="tasks_command", required=True, metavar="COMMAND")
    succeeded = leaf(tasks, "success", task_success, "complete a task with its output (SendTaskSuccess)")
    succeeded.add_argument("token", metavar="TOKEN")
    succeeded.add_argument("--output", required=True, metavar="JSON|@FILE", help="the task's output")
    failed = leaf(tasks, "failure", task_failure, "fail a task (SendTaskFailure)")
    failed.add_argument("token", metavar="TOKEN")
    failed.add_argument("--error", help="the error name the task fails with")
    failed.add_argument("--cause", help="why it failed")
    leaf(tasks, "heartbeat", task_heartbeat, "report a task's worker alive (SendTaskHeartbeat)").add_argument(
        "token", metavar="TOKEN")
    metered = leaf(sub, "usage", usage, "state transitions per flow per day (UTC), or one execution's")
    metered.add_argument("--flow", help="one flow (default: every flow)")
    metered.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day (default: today)")
    metered.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last day (default: today)")
    metered.add_argument("--all-days", action="store_true", help="list days without transitions too")
    metered.add_argument("--execution", metavar="EXECUTION", help="one execution's transitions (ARN or FLOW:NAME)")
