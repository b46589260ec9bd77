"""Executions: start (and start-and-wait), stop, redrive, describe, list by flow, history a page at a time.

Starts are idempotent by name as StartExecution is: the same name, input and tags answer the same execution
while it runs; other input or tags (or a name reused after the end) is ExecutionAlreadyExists.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from cloudflow.api.flows import version_of
from cloudflow.api.models import (
    NAME_PATTERN,
    UNIT_PATTERN,
    ExecutionDescription,
    ExecutionList,
    ExecutionListItem,
    ExecutionStatusName,
    ExecutionUnit,
    HistoryAnswer,
    RedriveAnswer,
    StartAnswer,
    StartRequest,
    StartSyncRequest,
    StopAnswer,
    StopRequest,
    UnitList,
)
from cloudflow.api.paging import decode_token, encode_token, token_int
from cloudflow.api.services import (
    DEFAULT_PAGE,
    ApiServices,
    ExecutionArn,
    MaxResults,
    NextToken,
    catalog,
    error_responses,
    iso,
    latest_version,
    path_value,
)
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import ExecutionDoesNotExistError, InvalidInputError, InvalidTokenError, UnitDoesNotExistError
from cloudflow.runtime.describe import describe_execution
from cloudflow.runtime.execution_tags import ExecutionTag
from cloudflow.runtime.identity import (
    ROOT_UNIT,
    check_name,
    execution_arn,
    execution_from_arn,
    execution_id,
    state_machine_arn,
)
from cloudflow.runtime.redriver import redrive_execution
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.starter import StartRequest as RuntimeStart
from cloudflow.runtime.starter import StartResult, start_execution
from cloudflow.runtime.stopper import stop_execution
from cloudflow.runtime.units import execution_units, unit_history

TAGS = ["executions"]
_NAME = re.compile(NAME_PATTERN)
_LAST_MS = 9_999_999_999_999  # the ByFlow sort key holds 13 digits of epoch milliseconds
_LAST_EVENT = 9_999_999_999
# Execution data inside history event details (includeExecutionData=false leaves it out).
_DATA_FIELDS = ("input", "inputDetails", "output", "outputDetails")


def _target(body: StartRequest) -> tuple[str, str | int | None, str | None]:
    """The flow, version and alias a start names (a qualified state machine ARN names one of the last two)."""
    flow, version, alias = body.flow, body.version, body.alias
    if body.state_machine_arn is not None:
        parts = body.state_machine_arn.split(":")
        if len(parts) not in (7, 8) or parts[:3] != ["arn", "aws", "states"] or parts[5] != "stateMachine":
            raise InvalidInputError("stateMachineArn", f"{body.state_machine_arn!r} is not a state machine ARN "
                                                       "(arn:aws:states:REGION:ACCOUNT:stateMachine:FLOW[:QUALIFIER])")
        if flow is not None and flow != parts[6]:
            raise InvalidInputError("flow", "names another flow than stateMachineArn")
        flow = check_name("flow", parts[6])
        if len(parts) == 8:
            if version is not None or alias is not None:
                raise InvalidInputError("stateMachineArn", "is qualified already: leave out version and alias")
            if parts[7].isdigit():
                version = int(parts[7])
            else:
                alias = parts[7]
    if flow is None:
        raise InvalidInputError("flow", "name the flow to start ('flow' or 'stateMachineArn')")
    return flow, version, alias


def start(rt: Runtime, body: StartRequest) -> StartResult:
    """Start the execution a request asks for (or find it again, for a repeat)."""
    flow, version, alias = _target(body)
    latest_version(rt, flow)  # a deleted flow starts nothing, not even a version it kept for running executions
    pinned = version_of(rt, flow, version, alias)
    return start_execution(rt, RuntimeStart(flow=flow, input=body.input, name=body.name, version=pinned,
                                            max_transitions=body.max_transitions, test_case=body.test_case,
                                            mock_config=body.mock_config,
                                            tags=tuple(ExecutionTag(t.key, t.value) for t in body.tags)))


def _ms(field: str, moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # no zone: UTC, as every date this API answers
        moment = moment.replace(tzinfo=UTC)
    try:
        return min(max(int(moment.timestamp() * 1000), 0), _LAST_MS)
    except (OverflowError, ValueError):
        raise InvalidInputError(field, "is out of range") from None


def _after(flow: str, token: str | None) -> tuple[int, str] | None:
    position = decode_token(f"executions:{flow}", token)
    if position is None:
        return None
    if (not isinstance(position, list) or len(position) != 2 or not isinstance(position[0], int)
            or not isinstance(position[1], str) or not 0 <= position[0] <= _LAST_MS or not _NAME.match(position[1])):
        raise InvalidTokenError("Invalid nextToken: it does not continue this listing.")
    return position[0], position[1]


def _without_data(event: dict[str, Any]) -> dict[str, Any]:
    return {key: ({k: v for k, v in value.items() if k not in _DATA_FIELDS}
                  if key.endswith("EventDetails") and isinstance(value, dict) else value)
            for key, value in event.items()}


def _slice(events: list[dict[str, Any]], reverse: bool, start_id: int, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` + 1 of `events` (oldest first) from event `start_id` on, backwards when `reverse`."""
    ordered = reversed(events) if reverse else iter(events)
    return [event for event in ordered
            if ((int(event["id"]) <= start_id) if reverse else (int(event["id"]) >= start_id))][:limit + 1]


def history_page(rt: Runtime, execution: str, reverse: bool, start_id: int,
                 limit: int, unit: str = ROOT_UNIT, whole: list[dict[str, Any]] | None = None,
                 ) -> tuple[list[dict[str, Any]], int | None]:
    """Up to `limit` events of one unit from event `start_id` on (backwards when `reverse`), and where the
    next page starts (None at the end). One event past the page is read to know whether another page follows.
    `whole` is the unit's entire history when it was read already (a child that kept no record: its one
    page is stored with its result, which the paged page query does not see)."""
    wanted, batch, cursor = limit + 1, min(25, limit + 1), start_id
    events: list[dict[str, Any]] = []
    if whole is not None:
        events = _slice(whole, reverse, start_id, limit)
    while whole is None and len(events) < wanted and cursor >= 1:
        pages = catalog(rt).history_pages_from(execution, unit, cursor, reverse, batch)
        progressed = False
        for page in pages:
            decoded: list[dict[str, Any]] = rt.codec.decode(page.events) or []
            for event in reversed(decoded) if reverse else decoded:
                event_id = int(event["id"])
                if (event_id > cursor) if reverse else (event_id < cursor):
                    continue
                events.append(event)
                cursor, progressed = (event_id - 1 if reverse else event_id + 1), True
                if len(events) == wanted:
                    break
            if len(events) == wanted:
                break
        if not progressed or len(pages) < batch:
            break
    if len(events) <= limit:
        return events, None
    last = int(events[limit - 1]["id"])
    return events[:limit], last - 1 if reverse else last + 1


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the execution routes to `app`."""

    @app.post("/executions", tags=TAGS, summary="Start an execution (StartExecution)",
              responses=error_responses(400, 404, 409))
    def start_route(body: StartRequest) -> StartAnswer:
        result = start(services.runtime(), body)
        return StartAnswer(execution_arn=result.execution_arn, start_date=iso_from_ms(result.start_ms),
                           version=result.version)

    @app.post("/executions/sync", tags=TAGS,
              summary="Start an execution and wait for its end, up to waitSeconds (StartSyncExecution)",
              description="Answers the execution as described: its output once it ended, or status RUNNING "
                          "when it is still running after waitSeconds.",
              responses=error_responses(400, 404, 409))
    def start_sync(body: StartSyncRequest) -> ExecutionDescription:
        rt = services.runtime()
        arn = start(rt, body).execution_arn
        waited, pause = 0.0, 0.1
        while True:
            described = describe_execution(rt, arn)
            if described["status"] != ExecutionStatus.RUNNING or waited >= body.wait_seconds:
                return ExecutionDescription.model_validate(described)
            step = min(pause, body.wait_seconds - waited)
            services.sleep(step)
            waited, pause = waited + step, min(pause * 2, 1.0)

    @app.get("/executions", tags=TAGS, summary="List a flow's executions, newest first (ListExecutions)",
             responses=error_responses(400, 404))
    def list_route(
        flow: Annotated[str, Query(pattern=NAME_PATTERN, description="The flow whose executions to list.",
                                   examples=["orders"])],
        status: Annotated[ExecutionStatusName | None, Query(description="Only executions in this status.")] = None,
        started_after: Annotated[datetime | None, Query(alias="startedAfter",
                                                        description="Started at or after (ISO-8601).")] = None,
        started_before: Annotated[datetime | None, Query(alias="startedBefore",
                                                         description="Started before (ISO-8601).")] = None,
        max_results: MaxResults = DEFAULT_PAGE,
        next_token: NextToken = None,
    ) -> ExecutionList:
        rt = services.runtime()
        latest_version(rt, flow)
        found, more = catalog(rt).list_executions(
            flow, status, _ms("startedAfter", started_after), _ms("startedBefore", started_before),
            _after(flow, next_token), max_results)
        items = [ExecutionListItem(
            execution_arn=execution_arn(rt.settings, execution_id(flow, e.name)),
            state_machine_arn=state_machine_arn(rt.settings, flow), name=e.name, status=e.status,
            start_date=iso_from_ms(e.start_ms), stop_date=iso(e.stop_ms)) for e in found]
        token = encode_token(f"executions:{flow}", [found[-1].start_ms, found[-1].name]) if more and found else None
        return ExecutionList(executions=items, next_token=token)

    @app.get("/executions/<arn>", tags=TAGS, summary="Describe an execution (DescribeExecution)",
             responses=error_responses(400, 404))
    def describe_route(arn: ExecutionArn) -> ExecutionDescription:
        return ExecutionDescription.model_validate(describe_execution(services.runtime(), path_value(arn)))

    @app.post("/executions/<arn>/stop", tags=TAGS, summary="Stop an execution (StopExecution)",
              responses=error_responses(400, 404))
    def stop_route(arn: ExecutionArn, body: Annotated[StopRequest | None, Body()] = None) -> StopAnswer:
        request = body or StopRequest()
        stopped = stop_execution(services.runtime(), path_value(arn), request.error, request.cause)
        return StopAnswer(stop_date=iso_from_ms(stopped))

    @app.post("/executions/<arn>/redrive", tags=TAGS,
              summary="Redrive an execution that failed, timed out or was stopped (RedriveExecution)",
              description="Resumes the execution at the state that did not succeed, with that state's input; "
                          "a Parallel or Map runs only its branches and iterations that did not succeed. "
                          "Unlike Step Functions, there is no 14-day limit. Calling again while the redrive "
                          "is pending answers the same redrive.",
              responses=error_responses(400, 404))
    def redrive_route(arn: ExecutionArn) -> RedriveAnswer:
        result = redrive_execution(services.runtime(), path_value(arn))
        return RedriveAnswer(redrive_date=iso_from_ms(result.redrive_ms), redrive_count=result.redrive_count)

    @app.get("/executions/<arn>/history", tags=TAGS,
             summary="An execution's history events, a page at a time (GetExecutionHistory)",
             responses=error_responses(400, 404))
    def history_route(
        arn: ExecutionArn,
        reverse_order: Annotated[bool, Query(alias="reverseOrder", description="Newest event first.")] = False,
        include_execution_data: Annotated[bool, Query(
            alias="includeExecutionData", description="Include inputs and outputs in event details.")] = True,
        max_results: MaxResults = DEFAULT_PAGE,
        next_token: NextToken = None,
        unit: Annotated[str, Query(pattern=UNIT_PATTERN, max_length=400, description=(
            "The unit whose history to read: `r` (the root, the execution's own history) or a Parallel branch "
            "or Map iteration's key, as the units route lists them."), examples=["r", "r/4-0.1"])] = ROOT_UNIT,
    ) -> HistoryAnswer:
        rt = services.runtime()
        text = path_value(arn)
        execution = execution_from_arn("executionArn", text)
        if rt.store.get_unit(execution, ROOT_UNIT) is None:
            raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{text}'")
        whole = None
        if unit != ROOT_UNIT and rt.store.get_unit(execution, unit) is None:
            # No record: it ended in one step (its page is on its result), or it ran in-process, or never ran.
            whole = unit_history(rt, text, unit)
            if not whole:
                raise UnitDoesNotExistError(f"Unit Does Not Exist: '{unit}' in execution '{text}'")
        direction = "backward" if reverse_order else "forward"
        listing = f"history:{execution}:{direction}" if unit == ROOT_UNIT else f"history:{execution}:{unit}:{direction}"
        start_id = token_int(listing, next_token, minimum=0)
        if start_id is None:
            start_id = _LAST_EVENT if reverse_order else 1
        events, next_id = history_page(rt, execution, reverse_order, start_id, max_results, unit, whole)
        if not include_execution_data:
            events = [_without_data(event) for event in events]
        return HistoryAnswer(events=events, next_token=encode_token(listing, next_id) if next_id is not None else None)

    @app.get("/executions/<arn>/units", tags=TAGS,
             summary="An execution's units: the root and each Parallel branch and Map iteration run on its own",
             description="Each unit keeps its own history (read it with the history route's `unit`). Children "
                         "are found from their parents' histories; one that has not run yet is not listed. "
                         "Reads every unit's history: a Map of N iterations costs N reads.",
             responses=error_responses(400, 404))
    def units_route(arn: ExecutionArn) -> UnitList:
        found = execution_units(services.runtime(), path_value(arn))
        return UnitList(units=[ExecutionUnit(unit=u.unit, status=u.status, events=u.events, parent=u.parent,
                                             kind=u.kind, state=u.state, index=u.index, attempt=u.attempt)
                               for u in found])
