"""`cloudflow executions start|start-sync|stop|redrive|describe|list|history|pending`.

An execution is named by its ARN or by `FLOW:NAME` (the API takes both). `start --wait` polls describe
until the execution ends; `start-sync` is one request the API holds open for up to `--wait-seconds`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from cloudflow.cli_api.arguments import json_text
from cloudflow.cli_api.client import ApiAnswer, ApiClient, execution_path
from cloudflow.cli_api.commands import EXIT_FAILED, EXIT_OK, Shown, Subparsers, add_paging, leaf, more_hint
from cloudflow.cli_api.history import HISTORY_COLUMNS
from cloudflow.cli_api.progress import Progress
from cloudflow.cli_api.tables import Column, fields, table, when
from cloudflow.errors import InvalidInputError

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
EXECUTION_COLUMNS = [Column.field("NAME", "name"), Column.field("STATUS", "status"),
                     Column.date("STARTED (UTC)", "startDate"), Column.date("STOPPED (UTC)", "stopDate")]
PENDING_COLUMNS = [Column.field("STATE", "stateName"), Column.field("RESOURCE", "resource"),
                   Column.date("SCHEDULED (UTC)", "scheduledDate"), Column.date("TIMES OUT (UTC)", "timeoutDate"),
                   Column.field("TOKEN", "taskToken")]
FIRST_POLL_SECONDS, LONGEST_POLL_SECONDS = 0.1, 2.0


def pause(seconds: float) -> None:
    """Wait between two looks at an execution. The CLI is a host, as cli.py is: it may wait on the wall
    clock (the engine never does; hence the lint rule this line is exempt from)."""
    time.sleep(seconds)  # noqa: TID251


def description_text(execution: dict[str, Any]) -> str:
    """DescribeExecution for people."""
    return fields([
        ("Execution", execution.get("executionArn")), ("Status", execution.get("status")),
        ("Flow", execution.get("stateMachineArn")), ("Version", execution.get("version")),
        ("Started", when(execution.get("startDate"))), ("Stopped", when(execution.get("stopDate"))),
        ("Transitions", execution.get("transitions")), ("Input", execution.get("input")),
        ("Output", execution.get("output")), ("Error", execution.get("error")), ("Cause", execution.get("cause")),
        ("Parent", execution.get("parentExecutionArn")), ("Max transitions", execution.get("maxTransitions")),
        ("Redrives", execution.get("redriveCount") or None), ("Redriven", when(execution.get("redriveDate"))),
        ("Tags", ", ".join(f"{t.get('key')}={t.get('value', '')}" for t in execution.get("tags") or [])),
    ])


def ended_status(execution: dict[str, Any]) -> int:
    """0 for SUCCEEDED; 1 for any other end, or still running (as `cloudflow run`)."""
    return EXIT_OK if execution.get("status") == "SUCCEEDED" else EXIT_FAILED


def wait_for_end(client: ApiClient, arn: str, progress: Progress, timeout: float | None,
                 wait: Callable[[float], None] = pause, clock: Callable[[], float] = time.monotonic) -> ApiAnswer:
    """Describe the execution until it is no longer RUNNING (or `timeout` seconds passed): the last answer."""
    started, delay = clock(), FIRST_POLL_SECONDS
    while True:
        answer = client.get(execution_path(arn))
        status = answer.document.get("status")
        progress.update(f"{answer.document.get('name', arn)}: {status}")
        if status != "RUNNING" or (timeout is not None and clock() - started >= timeout):
            return answer
        wait(delay)
        delay = min(delay * 2, LONGEST_POLL_SECONDS)  # quick for quick flows, gentle for long ones


def tag_option(text: str) -> dict[str, str]:
    """`--tag KEY=VALUE` as the API takes a tag (split at the first '=': a value may hold '='; `KEY=` is an
    empty value). The API checks the rest of AWS's rules, naming the tag."""
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise argparse.ArgumentTypeError(f"must be KEY=VALUE, not {text!r}")
    return {"key": key, "value": value}


def _start_body(args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {"stateMachineArn" if args.flow.startswith("arn:") else "flow": args.flow}
    # No --input starts with {}, as Step Functions and `cloudflow run` do (the API alone would start with null).
    if (args.mock_config is None) != (args.test_case is None):
        raise InvalidInputError("--test-case", "and --mock-config go together")
    optional = {"name": args.name, "version": args.version, "alias": args.alias,
                "maxTransitions": args.max_transitions,
                "input": json_text(args.input, "--input") if args.input is not None else "{}",
                "testCase": args.test_case,
                "mockConfig": json.loads(json_text(args.mock_config, "--mock-config")) if args.mock_config else None,
                "tags": args.tags}
    body.update({key: value for key, value in optional.items() if value is not None})
    return body


def start(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.post("/executions", _start_body(args))
    started = answer.document
    if not args.wait:
        return Shown(answer, fields([("Execution", started.get("executionArn")),
                                     ("Started", when(started.get("startDate"))), ("Version", started.get("version"))]))
    arn = str(started.get("executionArn"))
    with Progress(sys.stderr, f"waiting for {arn}") as progress:
        ended = wait_for_end(client, arn, progress, args.timeout)
    return Shown(ended, description_text(ended.document), ended_status(ended.document))


def start_sync(client: ApiClient, args: argparse.Namespace) -> Shown:
    body = _start_body(args)
    if args.wait_seconds is not None:
        body["waitSeconds"] = args.wait_seconds
    with Progress(sys.stderr, f"running {args.flow}"):
        answer = client.post("/executions/sync", body)
    return Shown(answer, description_text(answer.document), ended_status(answer.document))


def stop(client: ApiClient, args: argparse.Namespace) -> Shown:
    body = {key: value for key, value in (("error", args.error), ("cause", args.cause)) if value is not None}
    answer = client.post(execution_path(args.execution, "stop"), body or None)
    return Shown(answer, fields([("Execution", args.execution), ("Stopped", when(answer.document.get("stopDate")))]))


def redrive(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.post(execution_path(args.execution, "redrive"))
    if not args.wait:
        return Shown(answer, fields([("Execution", args.execution),
                                     ("Redriven", when(answer.document.get("redriveDate"))),
                                     ("Redrive count", answer.document.get("redriveCount"))]))
    with Progress(sys.stderr, f"waiting for {args.execution}") as progress:
        ended = wait_for_end(client, args.execution, progress, args.timeout)
    return Shown(ended, description_text(ended.document), ended_status(ended.document))


def describe(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get(execution_path(args.execution))
    return Shown(answer, description_text(answer.document))


def list_executions(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get("/executions", flow=args.flow, status=args.status, startedAfter=args.started_after,
                        startedBefore=args.started_before, maxResults=args.max_results, nextToken=args.next_token)
    return Shown(answer, table(EXECUTION_COLUMNS, answer.document.get("executions") or [], empty="no executions")
                 + more_hint(answer.document))


def history(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get(execution_path(args.execution, "history"), reverseOrder=args.reverse or None,
                        includeExecutionData=False if args.no_data else None, maxResults=args.max_results,
                        nextToken=args.next_token)
    return Shown(answer, table(HISTORY_COLUMNS, answer.document.get("events") or [], empty="no events")
                 + more_hint(answer.document))


def pending(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get(execution_path(args.execution, "pending-tasks"))
    return Shown(answer, table(PENDING_COLUMNS, answer.document.get("pendingTasks") or [], empty="no pending tasks"))


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return value


def _start_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", metavar="FLOW", help="the flow's name, or a state machine ARN (may end in :VERSION "
                                                     "or :ALIAS)")
    parser.add_argument("--input", metavar="JSON|@FILE", help="execution input: JSON text, or @FILE (default {})")
    parser.add_argument("--name", help="execution name (default: one the API makes); a repeat start is idempotent")
    parser.add_argument("--version", help="start this published version (number) or content id")
    parser.add_argument("--alias", help="start the version this alias points at")
    parser.add_argument("--max-transitions", type=int, metavar="N", help="fail the execution past N transitions")
    parser.add_argument("--mock-config", metavar="FILE", type=lambda path: f"@{path}",
                        help="a Step Functions Local mock config answering the tasks (with --test-case)")
    parser.add_argument("--test-case", metavar="NAME", help="the mock config's test case to answer from")
    parser.add_argument("--tag", dest="tags", action="append", type=tag_option, metavar="KEY=VALUE",
                        help="tag the execution (repeat for more); a flow can declare tag keys searchable")



def _execution(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("execution", metavar="EXECUTION", help="the execution's ARN, or FLOW:NAME")
    return parser


def register(sub: Subparsers) -> None:
    """Add `executions` and its subcommands."""
    group = sub.add_parser("executions", help="start, stop and inspect executions")
    executions = group.add_subparsers(dest="executions_command", required=True, metavar="COMMAND")
    started = leaf(executions, "start", start, "start an execution (with --wait: until it ends)")
    _start_options(started)
    started.add_argument("--wait", action="store_true", help="wait for the end; exit 1 unless it SUCCEEDED")
    started.add_argument("--timeout", type=_positive_seconds, metavar="SECONDS",
                         help="with --wait: stop waiting after this long (the execution goes on)")
    synced = leaf(executions, "start-sync", start_sync, "start an execution and wait (up to 25 s) for its end")
    _start_options(synced)
    synced.add_argument("--wait-seconds", type=int, metavar="N", help="how long the API waits, 0 to 25 (default 10)")
    stopped = _execution(leaf(executions, "stop", stop, "stop a running execution"))
    stopped.add_argument("--error", help="the error it ends with")
    stopped.add_argument("--cause", help="why it was stopped")
    redriven = _execution(leaf(executions, "redrive", redrive,
                               "resume a failed, timed-out or stopped execution where it stopped"))
    redriven.add_argument("--wait", action="store_true", help="wait for the end; exit 1 unless it SUCCEEDED")
    redriven.add_argument("--timeout", type=_positive_seconds, metavar="SECONDS",
                          help="with --wait: stop waiting after this long (the execution goes on)")
    _execution(leaf(executions, "describe", describe, "an execution's status, input, output or error"))
    listed = leaf(executions, "list", list_executions, "a flow's executions, newest first")
    listed.add_argument("flow", metavar="FLOW")
    listed.add_argument("--status", choices=STATUSES, help="only executions in this status")
    listed.add_argument("--started-after", metavar="ISO-8601", help="started at or after this moment")
    listed.add_argument("--started-before", metavar="ISO-8601", help="started before this moment")
    add_paging(listed)
    events = _execution(leaf(executions, "history", history, "an execution's history events"))
    events.add_argument("--reverse", action="store_true", help="newest event first")
    events.add_argument("--no-data", action="store_true", help="leave inputs and outputs out of event details")
    add_paging(events)
    _execution(leaf(executions, "pending", pending, "the callback and activity tasks it waits on, with tokens"))
