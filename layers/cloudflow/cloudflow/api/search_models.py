"""Request and response bodies of the search routes: searchable fields and the executions found."""

from __future__ import annotations

from pydantic import Field

from cloudflow.api.models import Answer, ExecutionListItem, Request
from cloudflow.runtime.search_index import MAX_FIELDS

FIELD_NAME_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"


class SearchFieldModel(Request):
    """One searchable field: its name and where it is in the execution input."""

    name: str = Field(pattern=FIELD_NAME_PATTERN, description="The field's name (1 to 64 letters, digits, _ or -).",
                      examples=["customer"])
    path: str = Field(max_length=256, description="A simple dotted JSONPath into the input ($.a.b).",
                      examples=["$.customer.id"])


class SearchFieldsRequest(Request):
    """The input fields a flow indexes at each start (replaces the previous declaration)."""

    fields: list[SearchFieldModel] = Field(max_length=MAX_FIELDS, description=f"At most {MAX_FIELDS} fields.")


class SearchFieldsAnswer(Answer):
    """A flow's searchable fields (none: an empty list)."""

    flow: str
    fields: list[SearchFieldModel]


class SearchAnswer(Answer):
    """The executions whose input held the value, newest first, with their current status."""

    executions: list[ExecutionListItem]
    next_token: str | None = None
