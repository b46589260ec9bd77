"""Flows: create, update, describe, list, delete; published versions; aliases.

A flow exists while its LATEST alias does (that is what starts resolve). Versions are content ids
(`publish_flow`); publishing numbers the LATEST one (1, 2, ...), as PublishStateMachineVersion does.
The catalog entry (`register_flow`) lists the flow and dates it; `publish_flow` registers every flow,
however it is published (a start with a definition included).
"""

from __future__ import annotations

import re
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body

from cloudflow.api.errors import ResourceNotFoundError, StateMachineAlreadyExistsError
from cloudflow.api.models import (
    AliasAnswer,
    AliasRequest,
    CreateFlowRequest,
    Empty,
    FlowAnswer,
    FlowDescription,
    FlowList,
    FlowSummary,
    PublishVersionRequest,
    UpdateFlowRequest,
    VersionAnswer,
    VersionList,
)
from cloudflow.api.paging import encode_token, token_int, token_str
from cloudflow.api.services import (
    DEFAULT_PAGE,
    AliasName,
    ApiServices,
    FlowName,
    MaxResults,
    NextToken,
    catalog,
    error_responses,
    iso,
    latest_version,
)
from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidInputError, StateMachineDoesNotExistError
from cloudflow.ports import PublishedVersion
from cloudflow.runtime.flows import LATEST, definition_text, publish_flow
from cloudflow.runtime.identity import check_name, state_machine_arn
from cloudflow.runtime.runtime import Runtime

TAGS = ["flows"]
_CONTENT_ID = re.compile(r"^[0-9a-f]{16}$")


def version_of(rt: Runtime, flow: str, version: str | int | None, alias: str | None) -> str | None:
    """The content id a start (or an alias) pins: by published number, content id or alias; None for LATEST.

    Raises:
        InvalidInputError: both a version and an alias.
        StateMachineDoesNotExistError: no such version or alias.
    """
    if version is not None and alias is not None:
        raise InvalidInputError("alias", "name a version or an alias, not both")
    if alias is not None:
        pinned = rt.store.get_flow_alias(flow, check_name("alias", alias))
        if pinned is None:
            raise StateMachineDoesNotExistError(f"State Machine Does Not Exist: flow {flow!r} has no alias {alias!r}")
        return pinned
    if version is None or version == LATEST:
        return None
    text = str(version)
    if isinstance(version, int) or (text.isdigit() and len(text) < 16):  # content ids are 16 hex digits
        number = int(text) if len(text) <= 10 else 0
        published = catalog(rt).get_published_version(flow, number) if number >= 1 else None
        if published is None:
            raise StateMachineDoesNotExistError(f"State Machine Does Not Exist: flow {flow!r} has no version {text}")
        return published.version
    if not _CONTENT_ID.match(text):
        raise InvalidInputError("version", "must be a content id (16 hexadecimal digits) or a published version's "
                                           "number")
    if rt.store.get_flow(flow, text) is None:
        raise StateMachineDoesNotExistError(f"State Machine Does Not Exist: flow {flow!r} has no version {text!r}")
    return text


def _version_answer(rt: Runtime, published: PublishedVersion) -> VersionAnswer:
    arn = state_machine_arn(rt.settings, published.flow)
    return VersionAnswer(name=published.flow, version=published.version, version_number=published.number,
                         state_machine_version_arn=f"{arn}:{published.number}",
                         creation_date=iso(published.created_ms) or "", description=published.description or None)


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the flow routes to `app`."""

    @app.post("/flows", status_code=201, tags=TAGS, summary="Create a flow (CreateStateMachine)",
              responses=error_responses(400, 409, success=201))
    def create_flow(body: CreateFlowRequest) -> FlowAnswer:
        rt = services.runtime()
        load_state_machine(definition_text(body.definition))  # every problem, before anything is stored
        now = rt.clock.now_ms()
        exists = StateMachineAlreadyExistsError(f"State Machine Already Exists: flow {body.name!r}")
        if rt.store.get_flow_alias(body.name, LATEST) is not None:
            raise exists
        if not rt.store.register_flow(body.name, now, must_be_new=True):
            # Listed but without a LATEST version: a create cut short before it published. Take it over,
            # unless a concurrent create has published meanwhile.
            if rt.store.get_flow_alias(body.name, LATEST) is not None:
                raise exists
            rt.store.register_flow(body.name, now, must_be_new=False)
        version = publish_flow(rt, body.name, body.definition)
        return FlowAnswer(name=body.name, state_machine_arn=state_machine_arn(rt.settings, body.name),
                          version=version, creation_date=iso(now))

    @app.get("/flows", tags=TAGS, summary="List flows (ListStateMachines)", responses=error_responses(400))
    def list_flows(max_results: MaxResults = DEFAULT_PAGE, next_token: NextToken = None) -> FlowList:
        rt = services.runtime()
        records, more = catalog(rt).list_flows(token_str("flows", next_token), max_results)
        flows = [FlowSummary(name=r.name, state_machine_arn=state_machine_arn(rt.settings, r.name),
                             creation_date=iso(r.created_ms) or "", update_date=iso(r.updated_ms) or "")
                 for r in records]
        return FlowList(flows=flows, next_token=encode_token("flows", records[-1].name) if more and records else None)

    @app.get("/flows/<name>", tags=TAGS, summary="Describe a flow (DescribeStateMachine)",
             responses=error_responses(400, 404))
    def describe_flow(name: FlowName) -> FlowDescription:
        rt = services.runtime()
        flow = name
        version = latest_version(rt, flow)
        definition = rt.store.get_flow(flow, version) or ""
        record = catalog(rt).get_flow_record(flow)
        return FlowDescription(name=flow, state_machine_arn=state_machine_arn(rt.settings, flow), version=version,
                               definition=definition, aliases=catalog(rt).list_flow_aliases(flow),
                               creation_date=iso(record.created_ms) if record else None,
                               update_date=iso(record.updated_ms) if record else None)

    @app.put("/flows/<name>", tags=TAGS, summary="Update a flow's definition (UpdateStateMachine)",
             responses=error_responses(400, 404))
    def update_flow(name: FlowName, body: UpdateFlowRequest) -> FlowAnswer:
        rt = services.runtime()
        flow = name
        latest_version(rt, flow)
        version = publish_flow(rt, flow, body.definition)  # registers the flow too
        now = rt.clock.now_ms()
        return FlowAnswer(name=flow, state_machine_arn=state_machine_arn(rt.settings, flow), version=version,
                          update_date=iso(now))

    @app.delete("/flows/<name>", tags=TAGS, summary="Delete a flow (DeleteStateMachine)",
                responses=error_responses(400, 404))
    def delete_flow(name: FlowName) -> Empty:
        rt = services.runtime()
        flow = name
        latest_version(rt, flow)
        catalog(rt).delete_flow(flow)  # running executions go on: their versions stay
        return Empty()

    @app.post("/flows/<name>/versions", status_code=201, tags=TAGS,
              summary="Publish the LATEST definition as a numbered version (PublishStateMachineVersion)",
              responses=error_responses(400, 404, success=201))
    def publish_version(name: FlowName, body: Annotated[PublishVersionRequest | None, Body()] = None) -> VersionAnswer:
        rt = services.runtime()
        flow = name
        version = latest_version(rt, flow)
        description = body.description if body is not None else None
        published = catalog(rt).publish_version(flow, version, rt.clock.now_ms(), description or "")
        return _version_answer(rt, published)

    @app.get("/flows/<name>/versions", tags=TAGS, summary="List published versions (ListStateMachineVersions)",
             responses=error_responses(400, 404))
    def list_versions(name: FlowName, max_results: MaxResults = DEFAULT_PAGE,
                      next_token: NextToken = None) -> VersionList:
        rt = services.runtime()
        flow = name
        latest_version(rt, flow)
        found, more = catalog(rt).list_published_versions(flow, token_int(f"versions:{flow}", next_token),
                                                          max_results)
        return VersionList(versions=[_version_answer(rt, v) for v in found],
                           next_token=encode_token(f"versions:{flow}", found[-1].number) if more and found else None)

    @app.put("/flows/<name>/aliases/<alias>", tags=TAGS,
             summary="Point an alias at a version (CreateStateMachineAlias / UpdateStateMachineAlias)",
             responses=error_responses(400, 404))
    def put_alias(name: FlowName, alias: AliasName, body: AliasRequest) -> AliasAnswer:
        rt = services.runtime()
        flow, alias_name = name, alias
        if alias_name == LATEST:
            raise InvalidInputError("alias", "LATEST follows the flow's definition: update the flow instead")
        latest_version(rt, flow)
        version = version_of(rt, flow, body.version, None) or latest_version(rt, flow)
        rt.store.put_flow_alias(flow, alias_name, version)
        return AliasAnswer(name=flow, alias=alias_name, version=version,
                           state_machine_alias_arn=f"{state_machine_arn(rt.settings, flow)}:{alias_name}")

    @app.get("/flows/<name>/aliases/<alias>", tags=TAGS, summary="Describe an alias (DescribeStateMachineAlias)",
             responses=error_responses(400, 404))
    def get_alias(name: FlowName, alias: AliasName) -> AliasAnswer:
        rt = services.runtime()
        flow, alias_name = name, alias
        latest_version(rt, flow)
        version = rt.store.get_flow_alias(flow, alias_name)
        if version is None:
            raise ResourceNotFoundError(f"Resource Not Found: flow {flow!r} has no alias {alias_name!r}")
        return AliasAnswer(name=flow, alias=alias_name, version=version,
                           state_machine_alias_arn=f"{state_machine_arn(rt.settings, flow)}:{alias_name}")
