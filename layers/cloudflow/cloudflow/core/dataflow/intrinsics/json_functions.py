"""The JSON intrinsics: States.StringToJson, States.JsonToString and States.JsonMerge."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from cloudflow.core.dataflow.intrinsics.invocation import Invocation
from cloudflow.core.dataflow.intrinsics.java_text import jackson_json


def _reject_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON; Python's decoder would otherwise accept them.
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def string_to_json(call: Invocation) -> Any:
    """States.StringToJson(text): the JSON value the text holds; blank text gives null."""
    call.expect_count(1)
    text = call.string(0).strip(" \t\r\n")
    if not text:
        return None  # AWS's parser sees no document and answers null rather than failing.
    # Like Jackson's readTree, read the first value and ignore what follows it.
    try:
        value, _ = _DECODER.raw_decode(text)
    except ValueError:
        raise call.invalid() from None
    return value


def json_to_string(call: Invocation) -> str:
    """States.JsonToString(value): compact JSON text, as Jackson writes it."""
    call.expect_count(1)
    return jackson_json(call.args[0])


def json_merge(call: Invocation) -> dict[str, Any]:
    """States.JsonMerge(left, right, deep): shallow merge, right-hand keys win; deep mode is refused."""
    call.expect_count(3)
    left, right, deep = call.args
    if not isinstance(left, dict) or not isinstance(right, dict):
        raise call.invalid()
    # Step Functions supports only shallow merging; any flag but literal true means shallow.
    if deep is True:
        raise call.invalid()
    return {**left, **right}
