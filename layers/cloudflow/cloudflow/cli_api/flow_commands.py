"""`cloudflow flows list|create|update|describe|delete|publish|versions|alias`, and `validate --endpoint`."""

from __future__ import annotations

import argparse
from typing import Any

from cloudflow.cli_api.arguments import argument_text, definition_text
from cloudflow.cli_api.client import ApiClient, ApiError, flow_path
from cloudflow.cli_api.commands import (
    EXIT_OK,
    EXIT_REFUSED,
    Shown,
    Subparsers,
    add_paging,
    leaf,
    more_hint,
    report_error,
)
from cloudflow.cli_api.connection import Target, connect
from cloudflow.cli_api.tables import Column, fields, table, when

FLOW_COLUMNS = [Column.field("NAME", "name"), Column.date("CREATED (UTC)", "creationDate"),
                Column.date("UPDATED (UTC)", "updateDate")]
VERSION_COLUMNS = [Column.field("NUMBER", "versionNumber", right=True), Column.field("VERSION", "version"),
                   Column.date("CREATED (UTC)", "creationDate"), Column.field("DESCRIPTION", "description")]


def _flow_fields(flow: dict[str, Any]) -> str:
    return fields([("Flow", flow.get("name")), ("ARN", flow.get("stateMachineArn")), ("Version", flow.get("version")),
                   ("Created", when(flow.get("creationDate"))), ("Updated", when(flow.get("updateDate")))])


def _version_fields(version: dict[str, Any]) -> str:
    return fields([("Flow", version.get("name")), ("Version number", version.get("versionNumber")),
                   ("Version", version.get("version")), ("Version ARN", version.get("stateMachineVersionArn")),
                   ("Created", when(version.get("creationDate"))), ("Description", version.get("description"))])


def list_flows(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get("/flows", maxResults=args.max_results, nextToken=args.next_token)
    return Shown(answer, table(FLOW_COLUMNS, answer.document.get("flows") or [], empty="no flows")
                 + more_hint(answer.document))


def create_flow(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.post("/flows", {"name": args.name, "definition": definition_text(args.definition)})
    return Shown(answer, _flow_fields(answer.document))


def update_flow(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.put(flow_path(args.name), {"definition": definition_text(args.definition)})
    return Shown(answer, _flow_fields(answer.document))


def describe_flow(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get(flow_path(args.name))
    flow = answer.document
    aliases = ", ".join(f"{alias} -> {version}" for alias, version in sorted((flow.get("aliases") or {}).items()))
    text = fields([("Flow", flow.get("name")), ("ARN", flow.get("stateMachineArn")), ("Version", flow.get("version")),
                   ("Aliases", aliases), ("Created", when(flow.get("creationDate"))),
                   ("Updated", when(flow.get("updateDate")))])
    definition = str(flow.get("definition") or "").rstrip("\n")
    return Shown(answer, f"{text}\n\nDefinition:\n{definition}")


def delete_flow(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.delete(flow_path(args.name))
    return Shown(answer, f"Deleted flow {args.name} (running executions go on).")


def publish_version(client: ApiClient, args: argparse.Namespace) -> Shown:
    body = {"description": args.description} if args.description is not None else None
    answer = client.post(flow_path(args.name, "versions"), body)
    return Shown(answer, _version_fields(answer.document))


def list_versions(client: ApiClient, args: argparse.Namespace) -> Shown:
    answer = client.get(flow_path(args.name, "versions"), maxResults=args.max_results, nextToken=args.next_token)
    return Shown(answer, table(VERSION_COLUMNS, answer.document.get("versions") or [], empty="no published versions")
                 + more_hint(answer.document))


def alias(client: ApiClient, args: argparse.Namespace) -> Shown:
    path = flow_path(args.name, "aliases", args.alias)
    answer = client.put(path, {"version": args.version}) if args.version is not None else client.get(path)
    found = answer.document
    return Shown(answer, fields([("Flow", found.get("name")), ("Alias", found.get("alias")),
                                 ("Version", found.get("version")), ("Alias ARN", found.get("stateMachineAliasArn"))]))


def validate_remotely(args: argparse.Namespace) -> int:
    """`cloudflow validate FILE --endpoint URL|--stack-name NAME`: the API checks the definition; the output is
    what the local check prints (`FILE: valid`, or its problems), `--json` the API's answer as it came."""
    try:
        client = connect(Target.chosen(args.endpoint, args.stack_name, args.region, args.profile,
                                       use_environment=False))
        answer = client.post("/validate", {"definition": argument_text("@" + args.definition, "DEFINITION")})
    except ApiError as error:
        report_error(error, args.json)
        return error.exit_status
    problems = answer.document.get("diagnostics") or []
    if args.json:
        print(answer.text)
    elif problems:
        print(f"{args.definition}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem.get('pointer') or '/'}: {problem.get('message')} [{problem.get('code')}]")
    else:
        print(f"{args.definition}: valid")
    return EXIT_REFUSED if answer.document.get("result") != "OK" else EXIT_OK



def register(sub: Subparsers) -> None:
    """Add `flows` and its subcommands."""
    group = sub.add_parser("flows", help="manage flows (state machines): definitions, versions, aliases")
    flows = group.add_subparsers(dest="flows_command", required=True, metavar="COMMAND")
    add_paging(leaf(flows, "list", list_flows, "list flows"))
    for name, command, help in (("create", create_flow, "create a flow with its first definition"),
                                ("update", update_flow, "replace a flow's definition (its LATEST version)")):
        parser = leaf(flows, name, command, help)
        parser.add_argument("name", metavar="FLOW")
        parser.add_argument("--definition", required=True, metavar="@FILE|TEXT",
                            help="ASL or CloudFlow definition, JSON or YAML: @FILE (@- for stdin) or the text")
    leaf(flows, "describe", describe_flow, "a flow's LATEST definition, version and aliases").add_argument(
        "name", metavar="FLOW")
    leaf(flows, "delete", delete_flow, "delete a flow (its running executions go on)").add_argument(
        "name", metavar="FLOW")
    publish = leaf(flows, "publish", publish_version, "publish the LATEST definition as a numbered version")
    publish.add_argument("name", metavar="FLOW")
    publish.add_argument("--description", help="what this version is (up to 256 characters)")
    versions = leaf(flows, "versions", list_versions, "a flow's published versions, newest first")
    versions.add_argument("name", metavar="FLOW")
    add_paging(versions)
    pointed = leaf(flows, "alias", alias, "show an alias, or point it at a version with --version")
    pointed.add_argument("name", metavar="FLOW")
    pointed.add_argument("alias", metavar="ALIAS")
    pointed.add_argument("--version", help="a published version's number or a content id: create or move the alias")
