"""Definition text or dict -> validated, frozen `StateMachine`; every problem is reported at once."""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import ValidationError

from cloudflow.asl.model import StateMachine, build_state_machine
from cloudflow.asl.validate import validate_definition
from cloudflow.asl.validation import codes
from cloudflow.asl.validation.duplicate_keys import JsonDuplicateKeys, yaml_duplicate_keys
from cloudflow.asl.validation.report import child_pointer
from cloudflow.errors import Diagnostic, InvalidDefinitionError


class _DefinitionYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps unquoted timestamps as strings, which is what ASL fields hold."""


_DefinitionYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_definition_text(text: str) -> Any:
    """The value of `text` as JSON, or as YAML when it does not look like JSON.

    Raises InvalidDefinitionError for a syntax error (line and column in the message) or a key
    given twice in one object.
    """
    value, repeated_keys = _parse(text)
    if repeated_keys:
        raise InvalidDefinitionError(repeated_keys)
    return value


def load_state_machine(source: str | dict[str, Any]) -> StateMachine:
    """Parse (when text), validate and build; raises InvalidDefinitionError listing every problem."""
    problems: list[Diagnostic] = []
    if isinstance(source, str):
        raw, problems = _parse(source)
    else:
        raw = source
    # Alibaba Cloud CloudFlow definitions (current format, legacy FDL) run as their ASL equivalent.
    # Imported here so the whole hook stays inside this function.
    from cloudflow.formats import converted_definition_problems, detect_format, to_asl

    converted = detect_format(raw) != "asl"
    if converted:
        raw, conversion_problems = to_asl(raw)
        if problems or conversion_problems:
            raise InvalidDefinitionError(problems + conversion_problems)
    problems = problems + validate_definition(raw)
    if problems:
        raise InvalidDefinitionError(converted_definition_problems(problems) if converted else problems)
    return _build(raw)


def _parse(text: str) -> tuple[Any, list[Diagnostic]]:
    if not isinstance(text, str):
        raise _syntax_error(codes.MISSING_DESCRIPTION, f"The definition must be text, not {type(text).__name__}.")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _syntax_error(codes.MISSING_DESCRIPTION, "The definition is empty.")
    # Text that opens like JSON is parsed as JSON only, so its errors are reported as JSON errors
    # (YAML would accept some broken JSON, such as trailing commas, and hide the mistake).
    if text.lstrip()[0] in "{[":
        return _parse_json(text)
    return _parse_yaml(text)


def _parse_json(text: str) -> tuple[Any, list[Diagnostic]]:
    repeats = JsonDuplicateKeys()
    try:
        value = json.loads(text, object_pairs_hook=repeats)
    except json.JSONDecodeError as exc:
        raise _syntax_error(
            codes.INVALID_JSON_DESCRIPTION, f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except (ValueError, RecursionError) as exc:  # integers too long to read, nesting beyond the stack
        raise _syntax_error(codes.INVALID_JSON_DESCRIPTION, f"Invalid JSON: {exc}.") from None
    return value, repeats.diagnostics(value)


def _parse_yaml(text: str) -> tuple[Any, list[Diagnostic]]:
    try:
        loader = _DefinitionYamlLoader(text)  # its reader already rejects control characters
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise _syntax_error(codes.INVALID_JSON_DESCRIPTION, f"Invalid JSON or YAML{where}: {exc.problem}.") from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise _syntax_error(codes.INVALID_JSON_DESCRIPTION, f"Invalid JSON or YAML: {exc}.") from None
    return value, yaml_duplicate_keys(node)


def _syntax_error(code: str, message: str) -> InvalidDefinitionError:
    return InvalidDefinitionError([Diagnostic(code, message, "")])


def _build(raw: Any) -> StateMachine:
    try:
        return build_state_machine(raw)
    except ValidationError as exc:
        # The validator accepted it, so this is ASL the model cannot hold yet (or a validator gap).
        problems = [
            Diagnostic(
                codes.UNSUPPORTED_BY_ENGINE,
                f"CloudFlow cannot run this yet: {error['msg']}.",
                _pointer_of(raw, error["loc"]),
            )
            for error in exc.errors()
        ]
        raise InvalidDefinitionError(problems) from None


def _pointer_of(raw: Any, location: tuple[int | str, ...]) -> str:
    """Follow a pydantic error location through the raw definition, skipping its union tags."""
    pointer, node = "", raw
    for step in location:
        in_object = isinstance(node, dict) and step in node
        in_array = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_object or in_array:
            node = node[step]
            pointer = child_pointer(pointer, step)
    return pointer
