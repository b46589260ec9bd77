"""Search executions by an input field the flow declares searchable.

`PUT /flows/{name}/search-fields` declares the fields (a name and a dotted JSONPath each); each start
afterwards indexes the values it finds in its input (`cloudflow.runtime.search_index`), and
`GET /executions/search?flow=F&field=customer&value=c-42` lists the executions indexed under that value,
newest first, with their current status. Executions started before a declaration are not indexed.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from cloudflow.api.models import NAME_PATTERN, ExecutionListItem, ExecutionStatusName
from cloudflow.api.paging import decode_token, encode_token
from cloudflow.api.search_models import (
    FIELD_NAME_PATTERN,
    SearchAnswer,
    SearchFieldModel,
    SearchFieldsAnswer,
    SearchFieldsRequest,
)
from cloudflow.api.services import (
    DEFAULT_PAGE,
    ApiServices,
    FlowName,
    MaxResults,
    NextToken,
    catalog,
    error_responses,
    iso,
    latest_version,
)
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import InvalidInputError, InvalidTokenError
from cloudflow.ports import SearchField
from cloudflow.runtime.identity import execution_arn, execution_id, state_machine_arn
from cloudflow.runtime.search_index import check_fields, forget_fields, query_text

TAGS = ["search"]


def _after(listing: str, token: str | None) -> tuple[int, str] | None:
    position = decode_token(listing, token)
    if position is None:
        return None
    if (not isinstance(position, list) or len(position) != 2 or not isinstance(position[0], int)
            or isinstance(position[0], bool) or position[0] < 0 or not isinstance(position[1], str)):
        raise InvalidTokenError(f"Invalid nextToken: it does not continue this listing ({listing}).")
    return position[0], position[1]


def _answer(flow: str, fields: list[SearchField]) -> SearchFieldsAnswer:
    return SearchFieldsAnswer(flow=flow, fields=[SearchFieldModel(name=f.name, path=f.path) for f in fields])


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the search routes to `app`."""

    @app.put("/flows/<name>/search-fields", tags=TAGS,
             summary="Declare the input fields executions of the flow can be searched by",
             description="Replaces the declaration; starts from now on index the values they find. "
                         "An empty list stops indexing.",
             responses=error_responses(400, 404))
    def put_search_fields(name: FlowName, body: SearchFieldsRequest) -> SearchFieldsAnswer:
        rt = services.runtime()
        latest_version(rt, name)
        fields = check_fields([SearchField(f.name, f.path) for f in body.fields])
        if not catalog(rt).put_search_fields(name, fields):  # a flow published before the catalog kept it
            rt.store.register_flow(name, rt.clock.now_ms(), must_be_new=False)
            catalog(rt).put_search_fields(name, fields)
        forget_fields(rt, name)
        return _answer(name, fields)

    @app.get("/flows/<name>/search-fields", tags=TAGS, summary="The input fields the flow's executions are "
             "searchable by", responses=error_responses(400, 404))
    def get_search_fields(name: FlowName) -> SearchFieldsAnswer:
        rt = services.runtime()
        latest_version(rt, name)
        return _answer(name, rt.store.get_search_fields(name) or [])

    @app.get("/executions/search", tags=TAGS,
             summary="A flow's executions whose input held a value in a searchable field, newest first",
             description="`value` is compared as JSON text: `42`, `true` and `\"42\"` as written, any other "
                         "text as a string (`c-42` finds \"c-42\"). Only executions started while the field "
                         "was declared are found.",
             responses=error_responses(400, 404))
    def search_route(
        flow: Annotated[str, Query(pattern=NAME_PATTERN, description="The flow whose executions to search.",
                                   examples=["orders"])],
        field: Annotated[str, Query(pattern=FIELD_NAME_PATTERN, description="A declared searchable field.",
                                    examples=["customer"])],
        value: Annotated[str, Query(max_length=1024, description="The value to find (exact match).",
                                    examples=["c-42"])],
        status: Annotated[ExecutionStatusName | None, Query(description="Only executions in this status.")] = None,
        max_results: MaxResults = DEFAULT_PAGE,
        next_token: NextToken = None,
    ) -> SearchAnswer:
        rt = services.runtime()
        latest_version(rt, flow)
        declared = {f.name for f in rt.store.get_search_fields(flow) or []}
        if field not in declared:
            raise InvalidInputError("field", f"flow {flow!r} declares no searchable field {field!r}"
                                             f" (declared: {', '.join(sorted(declared)) or 'none'})")
        text = query_text(value)
        # A token continues one search: it names the value by a digest (a value may be long).
        listing = f"search:{flow}:{field}:{hashlib.sha256(str(text).encode()).hexdigest()[:16]}"
        after = _after(listing, next_token)
        if text is None:  # longer than any indexed value
            return SearchAnswer(executions=[])
        found, more = catalog(rt).search_executions(flow, field, text, status, after, max_results)
        items = [ExecutionListItem(
            execution_arn=execution_arn(rt.settings, execution_id(flow, e.name)),
            state_machine_arn=state_machine_arn(rt.settings, flow), name=e.name, status=e.status,
            start_date=iso_from_ms(e.start_ms), stop_date=iso(e.stop_ms)) for e in found]
        token = encode_token(listing, [found[-1].start_ms, found[-1].name]) if more and found else None
        return SearchAnswer(executions=items, next_token=token)
