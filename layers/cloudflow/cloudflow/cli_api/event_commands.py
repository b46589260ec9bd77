"""`cloudflow events put`: put an event on a local stack's default bus (`POST /local/events`, PutEvents' request).

Every ENABLED rule whose pattern matches it starts its flow, as on AWS. A deployed stack has EventBridge for
this (`aws events put-events`), so the command talks to a local stack only (`--endpoint`).
"""

from __future__ import annotations

import argparse
import json

from cloudflow.cli_api.arguments import json_text
from cloudflow.cli_api.client import ApiClient
from cloudflow.cli_api.commands import Shown, Subparsers, api_handler
from cloudflow.cli_api.connection import ENDPOINT_VARIABLE, ConnectionProblem
from cloudflow.errors import InvalidInputError


def put_event(client: ApiClient, args: argparse.Namespace) -> Shown:
    if client.signer is not None:  # a deployed stack's API: its bus is EventBridge, not a route
        raise ConnectionProblem("LocalStackOnly", "`cloudflow events put` puts events on a local stack "
                                                  "(--endpoint http://127.0.0.1:8765); on AWS use "
                                                  "`aws events put-events`")
    detail = json.loads(json_text(args.detail, "--detail"))
    if not isinstance(detail, dict):
        raise InvalidInputError("--detail", "must be a JSON object")
    entry: dict[str, object] = {"Source": args.source, "DetailType": args.detail_type,
                                "Detail": json.dumps(detail, ensure_ascii=False)}
    if args.resources:
        entry["Resources"] = list(args.resources)
    if args.time is not None:
        entry["Time"] = args.time
    answer = client.post("/local/events", {"Entries": [entry]})
    ids = [str(result.get("EventId")) for result in answer.document.get("Entries") or []]
    return Shown(answer, "\n".join(f"Event put: {event_id}" for event_id in ids))


def register(sub: Subparsers) -> None:
    """Add `events put`."""
    group = sub.add_parser("events", help="put events on a local stack's default bus (triggers' rules)")
    events = group.add_subparsers(dest="events_command", required=True, metavar="COMMAND")
    help_text = "put an event on a local stack's default bus: the rules it matches start their flows"
    put = events.add_parser("put", help=help_text, description=help_text)
    put.add_argument("--source", required=True, help="the event's source, e.g. cloudflow.examples")
    put.add_argument("--detail-type", required=True, metavar="TYPE", help="its detail-type, e.g. OrderPlaced")
    put.add_argument("--detail", required=True, metavar="JSON|@FILE", help="its detail: a JSON object")
    put.add_argument("--resources", nargs="+", metavar="ARN", help="ARNs the event is about")
    put.add_argument("--time", metavar="ISO8601", help="when it happened (default: now on the stack's clock)")
    put.add_argument("--endpoint", metavar="URL", help=f"the local stack's base URL, e.g. http://127.0.0.1:8765 "
                                                         f"(default: ${ENDPOINT_VARIABLE})")
    put.add_argument("--json", action="store_true", help="print the API's JSON answer as it came")
    put.set_defaults(handler=api_handler(put_event), stack_name=None, region=None, profile=None)
