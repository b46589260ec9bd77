"""Reading what the options carry: `--input JSON|@FILE`, `--definition @FILE|TEXT`, as `cloudflow run` does.

Texts are checked here and sent as they are: the API parses inputs and definitions itself (a definition in
YAML or in a CloudFlow format is the API's to convert), so what it stores is what the user wrote.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cloudflow.errors import InvalidInputError


def argument_text(raw: str, option: str) -> str:
    """`@FILE` as the file's text (`@-`: standard input), anything else as it is.

    Raises:
        InvalidInputError: the file cannot be read.
    """
    if not raw.startswith("@"):
        return raw
    path = raw[1:]
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInputError(option, f"cannot read {path}: {reason}") from None


def json_text(raw: str, option: str) -> str:
    """The JSON text an option carries (inline or `@FILE`), checked to be JSON.

    Raises:
        InvalidInputError: the file cannot be read, or its text is not JSON.
    """
    text = argument_text(raw, option)
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(option, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") \
            from None
    return text


def definition_text(raw: str) -> str:
    """A definition's text (JSON or YAML; ASL or a CloudFlow format), inline or `@FILE`.

    Raises:
        InvalidInputError: the file cannot be read or is empty.
    """
    text = argument_text(raw, "--definition")
    if not text.strip():
        raise InvalidInputError("--definition", "is empty")
    return text
