"""Properties: conversion never raises, every pointer leads into the original document, loading raises only
InvalidDefinitionError; checked on random documents and on random damage to the examples."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidDefinitionError
from cloudflow.formats import to_asl
from cloudflow.formats.cloudflow_v1 import STATE_FIELDS
from cloudflow.formats.fdl_steps import STEP_FIELDS

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SAMPLES = [yaml.safe_load((EXAMPLES / name / "flow.yaml").read_text())
           for name in ("cloudflow-orders", "cloudflow-legacy")]

WORDS = sorted(
    set().union(*STATE_FIELDS.values(), *STEP_FIELDS.values()) | set(STATE_FIELDS) | set(STEP_FIELDS)
    | {"StateMachine", "v1", "flow", "StartAt", "States", "SpecVersion", "Type", "Name", "steps", "version"}
    | {"Errors", "IntervalSeconds", "MaxAttempts", "BackoffRate", "Condition", "ExecutionMode", "Express"}
    | {"errors", "goto", "target", "source", "condition", "collection", "item", "$Input.a", "$Output.Body",
       "$Context.Current.Error.Code", "$input.a", "$local[*].x", "$.a", "uuid()", "format('{}', $Input.a)",
       "FC:InvokeFunction", "acs:fc:r:1:functions/f", "FnF.ALL", "a.$", "body.$", "A", "B", "x/y~z"}
)
words = st.sampled_from(WORDS)
leaves = (st.none() | st.booleans() | st.integers(min_value=-2, max_value=400)
          | st.floats(allow_nan=False, allow_infinity=False) | words | st.text(max_size=10))
json_values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(words | st.text(max_size=5), children,
                                                                      max_size=6),
    max_leaves=40,
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _resolves(document: Any, pointer: str) -> bool:
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _check(document: Any) -> None:
    _, problems = to_asl(document)  # never raises
    for problem in problems:
        assert _resolves(document, problem.pointer), f"{problem} does not point into the document"
    with contextlib.suppress(InvalidDefinitionError):  # the only exception loading may raise
        load_state_machine(document)


@SETTINGS
@given(st.fixed_dictionaries({"Type": st.just("StateMachine"), "SpecVersion": st.just("v1")}, optional={
    "StartAt": words, "States": st.lists(st.dictionaries(words, json_values, max_size=8), max_size=4),
    "Name": json_values}))
def test_random_cloudflow_documents(document: dict[str, Any]) -> None:
    _check(document)


@SETTINGS
@given(st.fixed_dictionaries({"type": st.just("flow"), "version": st.just("v1")}, optional={
    "steps": st.lists(st.dictionaries(words, json_values, max_size=8), max_size=4),
    "inputMappings": json_values, "outputMappings": json_values}))
def test_random_fdl_documents(document: dict[str, Any]) -> None:
    _check(document)


def _locations(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*path, index))
    return found


@SETTINGS
@given(st.sampled_from(range(len(SAMPLES))), st.data())
def test_damaged_examples(sample: int, data: st.DataObject) -> None:
    document = copy.deepcopy(SAMPLES[sample])
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(_locations(document)[1:]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
    _check(document)
