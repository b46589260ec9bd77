"""The string intrinsics: States.Format and States.StringSplit."""

from __future__ import annotations

import re
from functools import lru_cache

from cloudflow.core.dataflow.intrinsics.invocation import Invocation
from cloudflow.core.dataflow.intrinsics.java_text import jackson_json, java_string
from cloudflow.core.dataflow.intrinsics.syntax import IntrinsicCall, StringLiteral

# States.StringToJson hands its result on as a Jackson node, whose text form is JSON ("x" keeps
# its quotes), while every other value reaches States.Format as a plain Java object.
_JSON_NODE_FUNCTIONS = frozenset({"States.StringToJson"})


def string_format(call: Invocation) -> str:
    """States.Format(template, values...): each `{}` replaced by the next value's text."""
    if not call.args:
        raise call.invalid()
    template_node = call.call.args[0]
    if isinstance(template_node, StringLiteral):
        pieces = template_node.format_pieces
    else:
        pieces = split_template(call.string(0))
    if pieces is None or len(pieces) != len(call.args):
        raise call.invalid()
    out = [pieces[0]]
    for node, value, piece in zip(call.call.args[1:], call.args[1:], pieces[1:], strict=True):
        out.append(_format_text(node, value))
        out.append(piece)
    return "".join(out)


def _format_text(node: object, value: object) -> str:
    if isinstance(node, IntrinsicCall) and node.name in _JSON_NODE_FUNCTIONS:
        return jackson_json(value)
    return java_string(value)


@lru_cache(maxsize=1024)
def split_template(text: str) -> tuple[str, ...] | None:
    """The text around each `{}`; None when a brace has no partner (a template from a path)."""
    pieces = tuple(text.split("{}"))
    if any("{" in piece or "}" in piece for piece in pieces):
        return None
    return pieces


def string_split(call: Invocation) -> list[str]:
    """States.StringSplit(text, delimiters): split at any delimiter character, empty parts dropped."""
    call.expect_count(2)
    text = call.string(0)
    delimiters = call.string(1)
    # AWS behaves like java.util.StringTokenizer: every character of the second argument is a
    # delimiter on its own, and runs of delimiters never yield empty strings.
    if not delimiters:
        return [text] if text else []
    return [part for part in _delimiter_pattern(delimiters).split(text) if part]


@lru_cache(maxsize=256)
def _delimiter_pattern(delimiters: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(delimiters) + "]")
