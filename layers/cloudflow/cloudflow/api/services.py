"""What the routes are given (the runtime, a way to wait) and the small helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from cloudflow.api.models import DEFAULT_MAX_RESULTS, MAX_RESULTS, NAME_PATTERN, ErrorDocument
from cloudflow.api.trigger_port import TriggerManagement, ambient_triggers
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import StateMachineDoesNotExistError
from cloudflow.ports import ManagementStore
from cloudflow.runtime.flows import LATEST
from cloudflow.runtime.runtime import Runtime


@dataclass
class ApiServices:
    """The routes' dependencies: `runtime()` gives the runtime (built on first use in Lambda);
    `sleep(seconds)` pauses a synchronous start between two looks at its execution (a test pumps
    the local runtime there instead); `triggers()` gives the EventBridge rules and schedules that start
    flows (from the CLOUDFLOW_* variables by default; None where they are not set)."""

    runtime: Callable[[], Runtime]
    sleep: Callable[[float], None]
    triggers: Callable[[], TriggerManagement | None] = ambient_triggers


def catalog(rt: Runtime) -> ManagementStore:
    """The runtime's store as the management API uses it (flow catalog, listings)."""
    store: Any = rt.store
    missing = [name for name in ("list_flows", "list_executions", "history_pages_from")
               if not hasattr(store, name)]
    if missing:
        raise RuntimeError(f"the runtime's store does not support the management API (no {', '.join(missing)})")
    return store  # type: ignore[no-any-return]


def latest_version(rt: Runtime, flow: str) -> str:
    """The flow's LATEST version: a flow exists while it has one.

    Raises:
        StateMachineDoesNotExistError: no flow has this name.
    """
    version = rt.store.get_flow_alias(flow, LATEST)
    if version is None:
        raise StateMachineDoesNotExistError(f"State Machine Does Not Exist: flow {flow!r}")
    return version


def path_value(raw: str) -> str:
    """A path parameter as sent: ARNs hold ':', which callers may percent-encode."""
    return unquote(raw) if "%" in raw else raw


def iso(ms: int | None) -> str | None:
    """ISO-8601 text for epoch milliseconds."""
    return None if ms is None else iso_from_ms(ms)


FlowName = Annotated[str, Path(pattern=NAME_PATTERN, description="The flow's name.", examples=["orders"])]
AliasName = Annotated[str, Path(pattern=NAME_PATTERN, description="The alias's name.", examples=["prod"])]
ExecutionArn = Annotated[str, Path(max_length=400, description=(
    "The execution's ARN (arn:aws:states:REGION:ACCOUNT:execution:FLOW:NAME, ':' may be percent-encoded) "
    "or FLOW:NAME."), examples=["arn:aws:states:us-east-1:123456789012:execution:orders:order-7"])]
MaxResults = Annotated[int, Query(alias="maxResults", ge=1, le=MAX_RESULTS,
                                  description=f"Items per page (1 to {MAX_RESULTS}).")]
NextToken = Annotated[str | None, Query(alias="nextToken", max_length=1024,
                                        description="The `nextToken` of the previous page.")]
DEFAULT_PAGE = DEFAULT_MAX_RESULTS


def error_responses(*statuses: int, success: int = 200) -> dict[int, OpenAPIResponse]:
    """The answers a route documents: `success` (its return model) and the errors (the error document)."""
    meaning = {400: "Refused: the request, a field or a token is not valid.", 404: "No such resource.",
               409: "Conflict with what exists."}
    documented: dict[int, OpenAPIResponse] = {success: {"description": "Success."}}
    for status in statuses:
        documented[status] = {"description": meaning[status], "content": {"application/json": {"model": ErrorDocument}}}
    return documented
