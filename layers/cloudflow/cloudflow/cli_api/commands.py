"""The argparse wiring of the API subcommands, and what every one of them shares: naming the API,
printing the answer (a table for people, the API's JSON with `--json`), reporting errors.

Exit status: 0 on success; 2 when the API refused the request (4xx) or the options name no usable API;
1 for anything else (a server failure, no answer). Commands that wait for an execution exit 1 when it
ends other than SUCCEEDED (or is still running), as `cloudflow run` does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudflow.cli_api.client import ApiAnswer, ApiClient, ApiError
from cloudflow.cli_api.connection import ENDPOINT_VARIABLE, STACK_VARIABLE, Target, connect

EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 130
Subparsers = Any  # argparse's _SubParsersAction, which argparse does not export


@dataclass(frozen=True)
class Shown:
    """A command's result: the API answer `--json` prints as is, the text people read, the exit status."""

    answer: ApiAnswer
    text: str
    status: int = EXIT_OK


Command = Callable[[ApiClient, argparse.Namespace], Shown]


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """The options naming the API (a local stack by URL, or a deployed stack)."""
    group = parser.add_argument_group("API (one of)")
    group.add_argument("--endpoint", metavar="URL",
                       help=f"the API's base URL, e.g. http://127.0.0.1:8765 for `cloudflow local` "
                            f"(default: ${ENDPOINT_VARIABLE})")
    group.add_argument("--stack-name", metavar="NAME",
                       help=f"a deployed CloudFlow stack: its API URL from the stack's Outputs, requests signed "
                            f"with your AWS credentials (default: ${STACK_VARIABLE})")
    group.add_argument("--region", help="the stack's AWS region (default: AWS_REGION or the profile's)")
    group.add_argument("--profile", help="the AWS profile to sign with (default: botocore's default chain)")


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_target_options(common)
    common.add_argument("--json", action="store_true", help="print the API's JSON answer as it came")
    return common


def leaf(group: Subparsers, name: str, command: Command, help: str) -> argparse.ArgumentParser:
    """A subcommand calling the API through `command`, with the shared options."""
    parser: argparse.ArgumentParser = group.add_parser(name, help=help, description=help,
                                                       parents=[_common_options()])
    parser.set_defaults(handler=api_handler(command))
    return parser


def api_handler(command: Command) -> Callable[[argparse.Namespace], int]:
    """The `args.handler` of a subcommand: connect, run `command`, print its result or its error."""

    def handle(args: argparse.Namespace) -> int:
        try:
            client = connect(Target.chosen(args.endpoint, args.stack_name, args.region, args.profile))
            shown = command(client, args)
        except ApiError as error:
            report_error(error, args.json)
            return error.exit_status
        except KeyboardInterrupt:  # while waiting: what was started goes on, the API has it
            print("\ninterrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        print(shown.answer.text if args.json else shown.text)
        return shown.status

    return handle


def report_error(error: ApiError, as_json: bool) -> None:
    """`error: Name: message` and what the document details (wrong fields, definition problems) on stderr;
    with `--json`, the API's error document on stdout as well, for scripts."""
    print(f"error: {error.name}: {error.message}", file=sys.stderr)
    document = error.document if isinstance(error.document, dict) else {}
    for problem in document.get("fields") or []:
        where = f" (in {problem['location']})" if problem.get("location") else ""
        print(f"  {problem.get('field')}{where}: {problem.get('message')}", file=sys.stderr)
    for diagnostic in document.get("diagnostics") or []:
        print(f"  {diagnostic.get('pointer') or '/'}: {diagnostic.get('message')} [{diagnostic.get('code')}]",
              file=sys.stderr)
    if as_json and error.document is not None:
        print(error.text)


def add_paging(parser: argparse.ArgumentParser) -> None:
    """`--max-results` and `--next-token`, for listings."""
    parser.add_argument("--max-results", type=int, metavar="N", help="items per page (1 to 1000; default 100)")
    parser.add_argument("--next-token", metavar="TOKEN", help="the page after the one that gave this token")


def more_hint(document: Any) -> str:
    """The line telling how to get the next page, when there is one."""
    token = document.get("nextToken") if isinstance(document, dict) else None
    return f"\n(more: --next-token {token})" if token else ""


def add_api_commands(sub: Subparsers) -> None:
    """Register `flows`, `executions`, `tasks`, `usage` and `events` on the `cloudflow` subparsers."""
    from cloudflow.cli_api import event_commands, execution_commands, flow_commands, task_commands

    flow_commands.register(sub)
    execution_commands.register(sub)
    task_commands.register(sub)
    event_commands.register(sub)
