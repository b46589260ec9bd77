"""The path pipeline of a state: InputPath, ResultPath and OutputPath, as Step Functions applies them."""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.json_copy import copy_json
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import Child, Index, PathNotFoundError, compile_path
from cloudflow.core.dataflow.path_value import compile_sourced_path
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail


def jayway_form(text: str) -> str:
    """`$.a[0]` as Jayway prints it in errors: `$['a'][0]`."""
    parts = ["$"]
    for seg in compile_path(text).segments:
        if isinstance(seg, Child):
            parts.append(f"['{seg.name}']")
        elif isinstance(seg, Index):
            parts.append(f"[{seg.index}]")
        else:
            return text
    return "".join(parts)


def select_path(text: str | None, scope: Scope) -> Any:
    """InputPath / OutputPath / ItemsPath: null gives `{}`; a missing path fails with States.Runtime."""
    if text is None:
        return {}
    if text == "$":
        return scope.input
    try:
        return compile_sourced_path(text).find(scope)
    except PathNotFoundError:
        raise fail(
            StatesError.RUNTIME, f"Invalid path '{text}' : No results for path: {jayway_form(text)}"
        ) from None


def apply_result_path(text: str | None, state_input: Any, result: Any) -> Any:
    """ResultPath: null keeps the input, `$` replaces it, a reference path merges into a copy.

    Missing intermediate objects are created; a step through a non-object fails with
    States.ResultPathMatchFailure, as Step Functions does.
    """
    if text is None:
        return state_input
    if text == "$":
        return result
    segments = compile_path(text).segments
    output = copy_json(state_input)
    if not isinstance(output, dict):
        raise _match_failure(text, state_input)
    node: Any = output
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if isinstance(seg, Child) and isinstance(node, dict):
            if last:
                node[seg.name] = result
            else:
                if seg.name not in node:
                    node[seg.name] = {}
                node = node[seg.name]
        elif isinstance(seg, Index) and isinstance(node, list) and -len(node) <= seg.index < len(node):
            if last:
                node[seg.index] = result
            else:
                node = node[seg.index]
        else:
            raise _match_failure(text, state_input)
    return output


def _match_failure(text: str, state_input: Any) -> Exception:
    return fail(
        StatesError.RESULT_PATH_MATCH_FAILURE,
        f"Unable to apply step \"{text.removeprefix('$.')}\" to input {to_json_text(state_input)}",
    )
