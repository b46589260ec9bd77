"""Task tokens as callers see them: where the task lives (execution, unit), then the engine's secret.

The runtime gives each unit's snapshot a `token_prefix` naming the unit, and the engine appends a
sha256 of the execution's secret seed, so `$$.Task.Token` is both findable and unguessable.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from cloudflow.errors import InvalidTokenError

MAX_TOKEN_LENGTH = 1024


@dataclass(frozen=True)
class TaskTokenParts:
    """What a task token names: the unit it lives in, and the whole token as the engine knows it."""

    execution_id: str
    unit: str
    token: str


def token_prefix(execution_id: str, unit: str) -> str:
    """The prefix of every token issued in `unit` of `execution_id`."""
    raw = json.dumps([execution_id, unit], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "."


def decode_token(text: object) -> TaskTokenParts:
    """The parts of a caller-facing token.

    Raises:
        InvalidTokenError: the token is not one this runtime issues.
    """
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_TOKEN_LENGTH:
        raise InvalidTokenError("Invalid Token: 'taskToken' must be a string of 1 to 1024 characters.")
    prefix, dot, secret = text.rpartition(".")
    try:
        parts = json.loads(base64.urlsafe_b64decode(prefix + "=" * (-len(prefix) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidTokenError("Invalid Token: the task token is malformed.") from None
    well_formed = isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) and p for p in parts)
    if not dot or len(secret) != 64 or not well_formed:
        raise InvalidTokenError("Invalid Token: the task token is malformed.")
    return TaskTokenParts(parts[0], parts[1], text)
