"""What the integrations need to know about an AWS API's request and response shapes.

The service models live in botocore, which the pure integration code must not import; adapters hand
it their shapes through this protocol instead (and tests small hand-made ones). Shapes may be
recursive (a DynamoDB AttributeValue holds a map of AttributeValues), so they are walked lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class ApiShape(Protocol):
    """One shape of a service model: a structure, list, map or scalar (`kind` as the model names it)."""

    @property
    def kind(self) -> str:
        """structure, list, map, string, blob, timestamp, integer, long, boolean, double, float ..."""
        ...

    @property
    def streaming(self) -> bool:
        """Whether this is a streamed payload (an S3 object's Body) rather than a value in the document."""
        ...

    def members(self) -> Mapping[str, ApiShape]:
        """A structure's members by their API names; empty for other kinds."""
        ...

    def required(self) -> frozenset[str]:
        """The members a structure must have."""
        ...

    def element(self) -> ApiShape | None:
        """A list's member shape or a map's value shape; None for other kinds."""
        ...


@dataclass(frozen=True)
class StreamedPayload:
    """A streamed payload, read to its end: Step Functions hands it on as text, not as base64."""

    data: bytes
