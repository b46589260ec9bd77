"""Search executions by an input field or a tag key the flow declares searchable.

`PUT /flows/{name}/search-fields` declares the fields (a name and a dotted JSONPath each) and the tag keys;
each start afterwards indexes the values it finds in its input and its tags (`cloudflow.runtime.search_index`),
and `GET /executions/search?flow=F&field=customer&value=c-42` (or `&tag=customer&value=c-42`) lists the
executions indexed under that value, newest first, with their current status. Executions started before
a declaration are not indexed.
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
from cloudflow.ports import SearchDeclaration, SearchField
from cloudflow.runtime.execution_tags import MAX_KEY_CHARS
from cloudflow.runtime.identity import execution_arn, execution_id, state_machine_arn
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.search_index import check_fields, forget_declaration, query_text
from cloudflow.runtime.search_tags import MAX_TAG_KEYS, check_tag_keys, tag_index, tag_query_text

TAGS = ["search"]


def _after(listing: str, token: str | None) -> tuple[int, str] | None:
    position = decode_token(listing, token)
    if position is None:
        return None
    if (not isinstance(position, list) or len(position) != 2 or not isinstance(position[0], int)
            or isinstance(position[0], bool) or position[0] < 0 or not isinstance(position[1], str)):
        raise InvalidTokenError(f"Invalid nextToken: it does not continue this listing ({listing}).")
    return position[0], position[1]


def _answer(flow: str, declared: SearchDeclaration) -> SearchFieldsAnswer:
    return SearchFieldsAnswer(flow=flow, fields=[SearchFieldModel(name=f.name, path=f.path) for f in declared.fields],
                              tags=list(declared.tags))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _searched(rt: Runtime, flow: str, field: str | None, tag: str | None, value: str) -> tuple[str, str | None, str]:
    """What a search reads: the index name, the value text it looks for (None: nothing can match) and the
    name of its listing, which its tokens carry.

    Raises:
        InvalidInputError: neither or both of `field` and `tag`, or one the flow does not declare.
    """
    declared = rt.store.get_search_declaration(flow) or SearchDeclaration()
    if field is not None and tag is None:
        names = sorted(f.name for f in declared.fields)
        if field not in names:
            raise InvalidInputError("field", f"flow {flow!r} declares no searchable field {field!r}"
                                             f" (declared: {', '.join(names) or 'none'})")
        index, text, by = field, query_text(value), field
    elif tag is not None and field is None:
        if tag not in declared.tags:
            raise InvalidInputError("tag", f"flow {flow!r} declares no searchable tag key {tag!r}"
                                           f" (declared: {', '.join(sorted(declared.tags)) or 'none'})")
        # A tag key may be long (and is no field name): the listing names it by a digest.
        index, text, by = tag_index(tag), tag_query_text(value), f"tag:{_digest(tag)}"
    else:
        raise InvalidInputError("field" if field is None else "tag",
                                "search by one declared field (field=) or one declared tag key (tag=)")
    # A token continues one search: it names the value by a digest (a value may be long).
    return index, text, f"search:{flow}:{by}:{_digest(str(text))}"


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the search routes to `app`."""

    @app.put("/flows/<name>/search-fields", tags=TAGS,
             summary="Declare the input fields and tag keys executions of the flow can be searched by",
             description="Replaces the declaration (fields or tags left out are no longer indexed); starts "
                         "from now on index the values they find. Empty lists stop indexing.",
             responses=error_responses(400, 404))
    def put_search_fields(name: FlowName, body: SearchFieldsRequest) -> SearchFieldsAnswer:
        rt = services.runtime()
        latest_version(rt, name)
        declared = SearchDeclaration(fields=tuple(check_fields([SearchField(f.name, f.path) for f in body.fields])),
                                     tags=tuple(check_tag_keys(body.tags)))
        if not catalog(rt).put_search_declaration(name, declared):  # a flow published before the catalog kept it
            rt.store.register_flow(name, rt.clock.now_ms(), must_be_new=False)
            catalog(rt).put_search_declaration(name, declared)
        forget_declaration(rt, name)
        return _answer(name, declared)

    @app.get("/flows/<name>/search-fields", tags=TAGS, summary="The input fields and tag keys the flow's "
             "executions are searchable by", responses=error_responses(400, 404))
    def get_search_fields(name: FlowName) -> SearchFieldsAnswer:
        rt = services.runtime()
        latest_version(rt, name)
        return _answer(name, rt.store.get_search_declaration(name) or SearchDeclaration())

    @app.get("/executions/search", tags=TAGS,
             summary="A flow's executions whose input held a value in a searchable field, or that carry a "
                     "searchable tag with a value, newest first",
             description="Name one `field` or one `tag` key. For a field, `value` is compared as JSON text: "
                         "`42`, `true` and `\"42\"` as written, any other text as a string (`c-42` finds "
                         "\"c-42\"); for a tag, as the tag's value (text as written). Only executions started "
                         "while the field or tag key was declared are found.",
             responses=error_responses(400, 404))
    def search_route(
        flow: Annotated[str, Query(pattern=NAME_PATTERN, description="The flow whose executions to search.",
                                   examples=["orders"])],
        value: Annotated[str, Query(max_length=1024, description="The value to find (exact match).",
                                    examples=["c-42"])],
        field: Annotated[str | None, Query(pattern=FIELD_NAME_PATTERN, description="A declared searchable field.",
                                           examples=["customer"])] = None,
        tag: Annotated[str | None, Query(min_length=1, max_length=MAX_KEY_CHARS, examples=["customer"],
                                         description=f"A declared searchable tag key (at most {MAX_TAG_KEYS} "
                                                     "per flow); instead of `field`.")] = None,
        status: Annotated[ExecutionStatusName | None, Query(description="Only executions in this status.")] = None,
        max_results: MaxResults = DEFAULT_PAGE,
        next_token: NextToken = None,
    ) -> SearchAnswer:
        rt = services.runtime()
        latest_version(rt, flow)
        index, text, listing = _searched(rt, flow, field, tag, value)
        after = _after(listing, next_token)
        if text is None:  # longer than any indexed value
            return SearchAnswer(executions=[])
        found, more = catalog(rt).search_executions(flow, index, text, status, after, max_results)
        items = [ExecutionListItem(
            execution_arn=execution_arn(rt.settings, execution_id(flow, e.name)),
            state_machine_arn=state_machine_arn(rt.settings, flow), name=e.name, status=e.status,
            start_date=iso_from_ms(e.start_ms), stop_date=iso(e.stop_ms)) for e in found]
        token = encode_token(listing, [found[-1].start_ms, found[-1].name]) if more and found else None
        return SearchAnswer(executions=items, next_token=token)
