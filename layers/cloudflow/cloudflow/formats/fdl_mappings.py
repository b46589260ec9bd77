"""FDL input, output and error mappings (`- target: key` / `source: $input.x`) -> ASL payload templates.

A mapping's source is a reference (`$input.x`, `$local[*].name`, `$context.task.token`) or, when it is
not text starting with `$`, a constant (`source: ["A", "B"]`). What `$input` and `$local` are depends
on the mapping (see the FDL "Inputs and outputs" page), so each use passes its own `MappingRefs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.formats.asl_syntax import asl_path
from cloudflow.formats.conversion import Conversion
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.expressions import ExpressionSyntaxError, Reference, parse_expression
from cloudflow.formats.values import CannotTranslate

# The FDL error object, as errorMappings read it ($local.error, $local.cause), in the ASL error output.
_ERROR_FIELDS = {"error": "Error", "code": "Error", "cause": "Cause"}


@dataclass(frozen=True)
class MappingRefs:
    """Where `$input` and `$local` are for one mapping; None: not available there."""

    input: str | None
    local: str | None
    task_token: bool = False
    """`$context.task.token` (the callback token of a waitForCallback task) is available."""
    error: str | None = None
    """errorMappings: `$local` is the error, {error, cause}, at this ASL path."""

    def resolve(self, reference: Reference) -> str:
        if reference.root in ("$input", "$") and self.input is not None:
            return asl_path(self.input, reference.segments)
        if reference.root == "$local" and self.error is not None:
            field = reference.segments[0] if len(reference.segments) == 1 else None
            if field not in _ERROR_FIELDS:
                raise CannotTranslate(INVALID_EXPRESSION, "errorMappings read $local.error or $local.cause only")
            return f"{self.error}.{_ERROR_FIELDS[str(field)]}"
        if reference.root == "$local" and self.local is not None:
            return asl_path(self.local, reference.segments)
        if reference.root == "$context" and reference.segments == ("task", "token") and self.task_token:
            return "$$.Task.Token"
        raise CannotTranslate(INVALID_EXPRESSION, f"{reference} is not available in this mapping")


def mapping_template(conversion: Conversion, mappings: Any, pointer: str, refs: MappingRefs) -> dict[str, Any]:
    """The object a mapping list builds, as an ASL payload template."""
    template: dict[str, Any] = {}
    for index, mapping in _mappings(conversion, mappings, pointer):
        here = child_pointer(pointer, index)
        target, source = mapping.get("target"), mapping.get("source")
        if not isinstance(target, str) or not target:
            conversion.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(here, mapping, "target"),
                                    "A mapping needs target: the key it sets.")
            continue
        if "source" not in mapping:
            conversion.problems.missing(here, "A mapping", "source")
            continue
        template.pop(target, None)
        template.pop(f"{target}.$", None)
        reference = source_reference(conversion, source, child_pointer(here, "source"))
        if reference is None:
            if not _is_reference_text(source):
                template[target] = source
            continue
        try:
            template[f"{target}.$"] = refs.resolve(reference)
        except CannotTranslate as exc:
            conversion.problems.add(exc.code, child_pointer(here, "source"), f"{exc.message} (source {source!r}).")
    return template


def source_reference(conversion: Conversion, source: Any, pointer: str) -> Reference | None:
    """The reference a mapping source (or any FDL path field) holds; None for constants and bad text."""
    if not _is_reference_text(source):
        return None
    try:
        parsed = parse_expression(source)
    except ExpressionSyntaxError as exc:
        conversion.problems.add(INVALID_EXPRESSION, pointer, f"Not a path: {exc}.")
        return None
    if not isinstance(parsed, Reference):
        conversion.problems.add(INVALID_EXPRESSION, pointer, f"{source!r} must be a path such as $input.key; "
                                                             "FDL mappings take no operators or functions.")
        return None
    return parsed


def mapping_reads(mappings: Any, root: str) -> bool:
    """Whether any source of a mapping list reads `root` ($input, $local)."""
    if not isinstance(mappings, list):
        return False
    for mapping in mappings:
        source = mapping.get("source") if isinstance(mapping, dict) else None
        if isinstance(source, str) and _is_reference_text(source):
            try:
                parsed = parse_expression(source)
            except ExpressionSyntaxError:
                continue
            if isinstance(parsed, Reference) and parsed.root == root:
                return True
    return False


def _mappings(conversion: Conversion, mappings: Any, pointer: str) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(mappings, list):
        conversion.problems.add(SCHEMA_VALIDATION_FAILED, pointer,
                                "Mappings must be an array of {target, source} objects.")
        return []
    found: list[tuple[int, dict[str, Any]]] = []
    for index, mapping in enumerate(mappings):
        if isinstance(mapping, dict):
            conversion.unknown_fields(mapping, child_pointer(pointer, index), ("target", "source"), "A mapping")
            found.append((index, mapping))
        else:
            conversion.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, index),
                                    "A mapping must be an object {target, source}.")
    return found


def _is_reference_text(source: Any) -> bool:
    return isinstance(source, str) and source.startswith("$")
