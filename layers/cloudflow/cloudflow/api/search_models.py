"""Request and response bodies of the search routes: searchable fields and tag keys, the executions found."""

from __future__ import annotations

from pydantic import Field

from cloudflow.api.models import Answer, ExecutionListItem, Request
from cloudflow.runtime.search_index import MAX_FIELDS
from cloudflow.runtime.search_tags import MAX_TAG_KEYS

FIELD_NAME_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"


class SearchFieldModel(Request):
    """One searchable field: its name and where it is in the execution input."""

    name: str = Field(pattern=FIELD_NAME_PATTERN, description="The field's name (1 to 64 letters, digits, _ or -).",
                      examples=["customer"])
    path: str = Field(max_length=256, description="A simple dotted JSONPath into the input ($.a.b).",
                      examples=["$.customer.id"])


class SearchFieldsRequest(Request):
    """The input fields and tag keys a flow indexes at each start (replaces the previous declaration: what
    is left out is no longer indexed)."""

    fields: list[SearchFieldModel] = Field(default_factory=list, max_length=MAX_FIELDS,
                                           description=f"At most {MAX_FIELDS} fields.")
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAG_KEYS, examples=[["customer", "region"]],
                            description=f"At most {MAX_TAG_KEYS} tag keys, as tags spell them: executions "
                                        "started with a tag under one of these keys are found by its value.")


class SearchFieldsAnswer(Answer):
    """A flow's searchable fields and tag keys (none: empty lists)."""

    flow: str
    fields: list[SearchFieldModel]
    tags: list[str]


class SearchAnswer(Answer):
    """The executions whose input (or tag) held the value, newest first, with their current status."""

    executions: list[ExecutionListItem]
    next_token: str | None = None
