"""`nextToken`s: opaque to callers, they carry where a listing stops (a name, a number, a sort key).

A token names its listing, so one listing's token is refused by another; what it carries is checked
before use and the store keys are rebuilt from it, never taken from the caller.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cloudflow.errors import InvalidTokenError


def encode_token(listing: str, position: Any) -> str:
    """The token resuming `listing` after `position` (a JSON value)."""
    text = json.dumps({"l": listing, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_token(listing: str, token: str | None) -> Any:
    """The position a token of `listing` carries, or None without a token.

    Raises:
        InvalidTokenError: the token is malformed or belongs to another listing.
    """
    if token is None:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        document = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidTokenError("Invalid nextToken: it is not a token this API issued.") from None
    if not isinstance(document, dict) or document.get("l") != listing or "p" not in document:
        raise InvalidTokenError(f"Invalid nextToken: it does not continue this listing ({listing}).")
    return document["p"]


def token_int(listing: str, token: str | None, minimum: int = 1) -> int | None:
    """A token carrying a whole number (at least `minimum`)."""
    position = decode_token(listing, token)
    if position is None:
        return None
    if not isinstance(position, int) or isinstance(position, bool) or position < minimum:
        raise InvalidTokenError(f"Invalid nextToken: it does not continue this listing ({listing}).")
    return position


def token_str(listing: str, token: str | None) -> str | None:
    """A token carrying a name."""
    position = decode_token(listing, token)
    if position is not None and not isinstance(position, str):
        raise InvalidTokenError(f"Invalid nextToken: it does not continue this listing ({listing}).")
    return position
