"""Properties: validation never raises, loading raises only InvalidDefinitionError, accepted means buildable."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudflow.asl.loader import load_state_machine
from cloudflow.asl.model import StateMachine, build_state_machine
from cloudflow.asl.validate import validate_definition
from cloudflow.asl.validation.fields import STATE_FIELDS
from cloudflow.errors import Diagnostic, InvalidDefinitionError
from tests.unit.validation.asl_samples import VALID_DEFINITIONS

# Words that steer random values into the validator's deeper branches.
ASL_WORDS = sorted(
    set().union(*STATE_FIELDS.values())
    | set(STATE_FIELDS)
    | {"StartAt", "States", "Branches", "ItemProcessor", "Iterator", "ProcessorConfig", "Mode", "ExecutionType"}
    | {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy"}
    | {"Variable", "And", "Or", "Not", "StringEquals", "NumericEqualsPath", "IsNull", "Condition", "Version"}
    | {"States.ALL", "$", "$.a", "$$.Execution.Id", "$.a[*]", "States.Format('{}', $.a)", "States.Nope()"}
    | {"{% 1 %}", "JSONata", "JSONPath", "DISTRIBUTED", "INLINE", "STANDARD", "FULL", "a.$", "x/y~z"}
    | {"2016-03-14T01:59:00Z", "arn:aws:states:::lambda:invoke", "S", "Done"}
)
words = st.sampled_from(ASL_WORDS)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-2, max_value=100)
    | st.floats(allow_nan=False, allow_infinity=False)
    | words
    | st.text(max_size=12)
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(words | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=40,
)

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _resolves(document: Any, pointer: str) -> bool:
    """Whether an RFC 6901 pointer names a location that exists in `document`."""
    if pointer == "":
        return True
    node = document
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _check_diagnostics(document: Any, diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.code and diagnostic.message
        assert _resolves(document, diagnostic.pointer), diagnostic


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(node, dict | list) else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += _containers(child, (*path, key))
    return found


@st.composite
def mutated_definitions(draw: st.DrawFn) -> Any:
    """A valid definition with one to three random edits: replace, delete, add or rename a field."""
    document = copy.deepcopy(VALID_DEFINITIONS[draw(st.sampled_from(sorted(VALID_DEFINITIONS)))])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_containers(document)))
        node = document
        for key in path:
            node = node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        edit = draw(st.sampled_from(["replace", "delete", "add", "rename"] if keys else ["add"]))
        if edit == "add":
            if isinstance(node, dict):
                node[draw(words)] = draw(json_values)
            else:
                node.append(draw(json_values))
            continue
        key = draw(st.sampled_from(keys))
        if edit == "replace":
            node[key] = draw(json_values | words)
        elif edit == "delete":
            del node[key]
        elif isinstance(node, dict):
            node[draw(words)] = node.pop(key)
    return document


@PROPERTY_SETTINGS
@given(json_values)
def test_validate_never_raises_on_any_json(value: Any) -> None:
    _check_diagnostics(value, validate_definition(value))


@PROPERTY_SETTINGS
@given(json_values)
def test_load_raises_only_invalid_definition_on_any_json(value: Any) -> None:
    for source in (value, json.dumps(value)):
        with contextlib.suppress(InvalidDefinitionError):
            load_state_machine(source)


@PROPERTY_SETTINGS
@given(st.text(max_size=200))
def test_load_raises_only_invalid_definition_on_any_text(text: str) -> None:
    with contextlib.suppress(InvalidDefinitionError):
        load_state_machine(text)


@PROPERTY_SETTINGS
@given(mutated_definitions())
def test_mutated_definitions_validate_and_load_cleanly(document: Any) -> None:
    diagnostics = validate_definition(document)
    _check_diagnostics(document, diagnostics)
    # The model trusts the validator: whatever it accepts must build.
    if not diagnostics:
        assert isinstance(build_state_machine(document), StateMachine)
    try:
        load_state_machine(json.dumps(document))
    except InvalidDefinitionError as error:
        assert error.diagnostics
